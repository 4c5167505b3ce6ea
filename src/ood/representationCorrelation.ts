/**
 * The paper's Figure 2: how strongly two models, trained on different data, agree in what each
 * layer of their inference networks extracts from the same images. Units of independently trained
 * networks are not aligned, so each unit of one model is paired with the unit of the other whose
 * values correlate most with it in absolute value (the "best match" of Li et al., 2016, Convergent
 * learning); the layer's number is the mean of those absolute correlations, taken both ways.
 *
 * A representation is a matrix: one row per observation, one column per unit. For a convolutional
 * layer the units are its channels and every image position is an observation (NHWC order already
 * lays the values out so); for a dense layer the units are its elements and the images are the rows.
 */

export interface Representation {
  /** Row-major values, rows x cols. */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** Rows and columns of a layer's values for `count` images of per-image shape [h, w, c] (conv) or [units] (dense). */
export function representationOf(values: ArrayLike<number>, count: number, shape: readonly number[]): Representation {
  const cols = shape[shape.length - 1]!;
  const perImage = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count * perImage) throw new Error(`expected ${count} x ${perImage} values for shape [${shape.join(', ')}], got ${values.length}`);
  return { values, rows: (count * perImage) / cols, cols };
}

/** Centred columns scaled to unit norm; a constant column (no variance) becomes null. */
function standardizedColumns(r: Representation): (Float64Array | null)[] {
  const { values, rows, cols } = r;
  return Array.from({ length: cols }, (_, c) => {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += values[i * cols + c]!;
    mean /= rows;
    const col = new Float64Array(rows);
    let ss = 0;
    for (let i = 0; i < rows; i++) {
      const d = values[i * cols + c]! - mean;
      col[i] = d;
      ss += d * d;
    }
    if (!(ss > 1e-24 * rows)) return null;
    const scale = 1 / Math.sqrt(ss);
    for (let i = 0; i < rows; i++) col[i]! *= scale;
    return col;
  });
}

/** Pearson correlations between every column of `a` and every column of `b` (a.cols x b.cols, row-major); NaN where a column is constant. */
export function crossCorrelation(a: Representation, b: Representation): Float64Array {
  if (a.rows !== b.rows) throw new Error(`the two representations must describe the same observations: ${a.rows} vs ${b.rows} rows`);
  if (a.rows < 2) throw new Error('a correlation needs at least two observations');
  const sa = standardizedColumns(a);
  const sb = standardizedColumns(b);
  const out = new Float64Array(a.cols * b.cols);
  sa.forEach((x, i) =>
    sb.forEach((y, j) => {
      let dot = NaN;
      if (x && y) {
        dot = 0;
        for (let r = 0; r < x.length; r++) dot += x[r]! * y[r]!;
      }
      out[i * b.cols + j] = dot;
    }),
  );
  return out;
}

/** Mean over the units of one side of each unit's largest |r| with the other side; constant units are left out. */
function meanBestMatch(corr: Float64Array, rows: number, cols: number, byRow: boolean): number {
  let sum = 0;
  let n = 0;
  const outer = byRow ? rows : cols;
  const inner = byRow ? cols : rows;
  for (let i = 0; i < outer; i++) {
    let best = -1;
    for (let j = 0; j < inner; j++) {
      const v = Math.abs(byRow ? corr[i * cols + j]! : corr[j * cols + i]!);
      if (v > best) best = v;
    }
    if (best >= 0) {
      sum += best;
      n++;
    }
  }
  return n > 0 ? sum / n : NaN;
}

/**
 * The layer's absolute correlation between two models: the mean best-match |r| of a's units in b and of b's
 * units in a, averaged. 1 when one representation is an affine, unit-permuted copy of the other; near 0 when
 * unrelated. NaN when either side has no varying unit.
 */
export function matchedAbsCorrelation(a: Representation, b: Representation): number {
  const corr = crossCorrelation(a, b);
  const ab = meanBestMatch(corr, a.cols, b.cols, true);
  const ba = meanBestMatch(corr, a.cols, b.cols, false);
  return (ab + ba) / 2;
}
