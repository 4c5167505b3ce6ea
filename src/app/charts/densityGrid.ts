/** The x grid on which a score density is evaluated and drawn. */

/** Share of the covered range added on each side, so the curve does not end flush with the axis. */
const MARGIN = 0.05;

/**
 * `points` evenly spaced values, ascending, from 5% below to 5% above the range of `values` and
 * `extra` (e.g. the current image's value). A zero range (one value, or all equal) is widened to
 * 5% of the value's magnitude on each side, or to ±1 at zero, so the grid never collapses to a point.
 */
export function densityGrid(values: number[], extra: number[] = [], points = 200): number[] {
  if (values.length === 0) throw new Error('a density grid needs at least one value');
  if (!Number.isInteger(points) || points < 2) {
    throw new Error(`a density grid needs an integer number of points >= 2, got ${points}`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...values, ...extra]) {
    if (!Number.isFinite(v)) throw new Error(`a density grid needs finite values, got ${v}`);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const margin = hi > lo ? MARGIN * (hi - lo) : MARGIN * Math.abs(lo) || 1;
  const start = lo - margin;
  const end = hi + margin;
  // Interpolating from both ends keeps the last point exactly at `end` (no accumulated rounding).
  return Array.from({ length: points }, (_, i) => {
    const t = i / (points - 1);
    return start * (1 - t) + end * t;
  });
}
