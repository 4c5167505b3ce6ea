/** Input checks shared by the OOD helpers: a NaN score would silently corrupt every sort and count after it. */

export function assertNoNaN(values: ArrayLike<number>, what: string): void {
  let nan = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) nan++;
  if (nan > 0) throw new Error(`${nan} of ${values.length} ${what} are NaN`);
}

export function assertNonEmpty(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new Error(`no ${what} given`);
}

/** Ascending sorted copy; Float64Array sorts numerically, unlike Array.prototype.sort. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
