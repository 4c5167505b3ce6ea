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
 *
 * Linear CKA (Kornblith et al., 2019, Similarity of neural network representations revisited) is offered
 * alongside: it compares the representations as wholes, so it needs no unit pairing and is unchanged by any
 * rotation or isotropic scaling of either side. layerSimilarity gives both for one layer of two models:
 * the correlation as above (pooling the finer of two conv maps to the coarser grid, and for latents also
 * over the active units alone), CKA with one row per image and the whole layer as its columns.
 */

export interface Representation {
  /** Row-major values, rows x cols. */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** A layer's values for a number of images; `shape` is one image's: [h, w, c] (conv) or [units] (dense). */
export interface LayerData {
  shape: readonly number[];
  values: ArrayLike<number>;
  /** The images' Gram matrix of the centred, flattened values, if already computed: linear CKA then reads only it. */
  gram?: ArrayLike<number>;
  /** A latent layer's posterior means, whose units can be active or not (ACTIVE_UNIT_VARIANCE). */
  latent?: boolean;
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

function checkSameObservations(a: Representation, b: Representation): void {
  if (a.rows !== b.rows) throw new Error(`the two representations must describe the same observations: ${a.rows} vs ${b.rows} rows`);
}

/** Correlations between standardized columns, a.length x b.length row-major; NaN where either column is constant (null). */
function correlationOf(sa: (Float64Array | null)[], sb: (Float64Array | null)[]): Float64Array {
  const out = new Float64Array(sa.length * sb.length);
  sa.forEach((x, i) =>
    sb.forEach((y, j) => {
      let dot = NaN;
      if (x && y) {
        dot = 0;
        for (let r = 0; r < x.length; r++) dot += x[r]! * y[r]!;
      }
      out[i * sb.length + j] = dot;
    }),
  );
  return out;
}

/** Pearson correlations between every column of `a` and every column of `b` (a.cols x b.cols, row-major); NaN where a column is constant. */
export function crossCorrelation(a: Representation, b: Representation): Float64Array {
  checkSameObservations(a, b);
  if (a.rows < 2) throw new Error('a correlation needs at least two observations');
  return correlationOf(standardizedColumns(a), standardizedColumns(b));
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

export interface MatchedCorrelation {
  /** What matchedAbsCorrelation returns. */
  value: number;
  /** Units without variance on each side: they have no correlation, so the mean leaves them out. */
  constantUnits: { a: number; b: number };
}

/** matchedAbsCorrelation together with how many units each side had to leave out for being constant. */
export function matchedAbsCorrelationReport(a: Representation, b: Representation): MatchedCorrelation {
  checkSameObservations(a, b);
  if (a.rows < 2) throw new Error('a correlation needs at least two observations');
  const sa = standardizedColumns(a);
  const sb = standardizedColumns(b);
  const corr = correlationOf(sa, sb);
  const ab = meanBestMatch(corr, a.cols, b.cols, true);
  const ba = meanBestMatch(corr, a.cols, b.cols, false);
  const constant = (s: (Float64Array | null)[]) => s.filter((c) => c === null).length;
  return { value: (ab + ba) / 2, constantUnits: { a: constant(sa), b: constant(sb) } };
}

/**
 * The layer's absolute correlation between two models: the mean best-match |r| of a's units in b and of b's
 * units in a, averaged. 1 when one representation is an affine, unit-permuted copy of the other; near 0 when
 * unrelated. NaN when either side has no varying unit. Constant units are left out silently; use
 * matchedAbsCorrelationReport to learn how many.
 */
export function matchedAbsCorrelation(a: Representation, b: Representation): number {
  return matchedAbsCorrelationReport(a, b).value;
}

/** Column-centred copy of the values in float64, with its total sum of squares. */
function centred(r: Representation): { values: Float64Array; ss: number } {
  const { values, rows, cols } = r;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let c = 0; c < cols; c++) mean[c]! += values[i * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c]! /= rows;
  const out = new Float64Array(rows * cols);
  let ss = 0;
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      const d = values[i * cols + c]! - mean[c]!;
      out[i * cols + c] = d;
      ss += d * d;
    }
  }
  return { values: out, ss };
}

/** Squared Frobenius norm of X^T Y for centred row-major X (n x dx), Y (n x dy); cost n * dx * dy. */
function crossProductNormSq(x: Float64Array, dx: number, y: Float64Array, dy: number, n: number): number {
  const m = new Float64Array(dx * dy);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < dx; i++) {
      const xi = x[r * dx + i]!;
      for (let j = 0; j < dy; j++) m[i * dy + j]! += xi * y[r * dy + j]!;
    }
  }
  let s = 0;
  for (const v of m) s += v * v;
  return s;
}

/**
 * Linear CKA between two representations of the same observations: ||B^T A||_F^2 / (||A^T A||_F ||B^T B||_F)
 * on column-centred A, B, in float64. 1 for representations that differ only by a rotation or an isotropic
 * scaling (and a shift); near 0 for unrelated ones. NaN when either side has no variance at all (every unit
 * constant), as the ratio is then 0 / 0.
 *
 * Two equal forms; the cheaper for the shapes is used. The feature form (d x d products) costs about
 * n (da^2 + da db + db^2); the Gram form (n x n Gram matrices, already centred because the columns are:
 * H A A^T H = (HA)(HA)^T) costs about n^2 (da + db) / 2, which wins for wide representations (d > n).
 */
export function linearCka(a: Representation, b: Representation): number {
  checkSameObservations(a, b);
  const n = a.rows;
  const ca = centred(a);
  const cb = centred(b);
  // Same per-value tolerance as standardizedColumns: centring a constant leaves rounding residue, not variance.
  if (!(ca.ss > 1e-24 * n * a.cols) || !(cb.ss > 1e-24 * n * b.cols)) return NaN;
  const x = ca.values;
  const y = cb.values;
  const dx = a.cols;
  const dy = b.cols;
  if (2 * (dx * dx + dx * dy + dy * dy) <= n * (dx + dy)) {
    return crossProductNormSq(x, dx, y, dy, n) / Math.sqrt(crossProductNormSq(x, dx, x, dx, n) * crossProductNormSq(y, dy, y, dy, n));
  }
  // Gram form, one entry pair at a time so no n x n matrix is held; both Grams are symmetric, so the
  // upper triangle counts off-diagonal entries twice.
  let kl = 0;
  let kk = 0;
  let ll = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let k = 0;
      for (let c = 0; c < dx; c++) k += x[i * dx + c]! * x[j * dx + c]!;
      let l = 0;
      for (let c = 0; c < dy; c++) l += y[i * dy + c]! * y[j * dy + c]!;
      const w = i === j ? 1 : 2;
      kl += w * k * l;
      kk += w * k * k;
      ll += w * l * l;
    }
  }
  return kl / Math.sqrt(kk * ll);
}

/**
 * Linear CKA from the n x n Gram matrices of two centred representations (K = A A^T, L = B B^T):
 * <K, L> / (||K|| ||L||), which equals linearCka of the representations. NaN when either has no variance.
 */
export function ckaFromGrams(k: ArrayLike<number>, l: ArrayLike<number>, n: number): number {
  if (k.length !== n * n || l.length !== n * n) throw new Error(`Gram matrices must be ${n} x ${n}: got ${k.length} and ${l.length} values`);
  let kl = 0;
  let kk = 0;
  let ll = 0;
  for (let i = 0; i < n * n; i++) {
    kl += k[i]! * l[i]!;
    kk += k[i]! * k[i]!;
    ll += l[i]! * l[i]!;
  }
  return kk > 0 && ll > 0 ? kl / Math.sqrt(kk * ll) : NaN;
}

/**
 * Average-pools `count` conv maps of shape [H, W, C] (NHWC values) to an [h, w, C] grid, each cell the mean
 * of an (H/h) x (W/w) window: two models that downsample at different depths then describe the same image
 * regions, so their positions can be paired as observations.
 */
export function poolToGrid(values: ArrayLike<number>, count: number, shape: readonly number[], grid: readonly [number, number]): Float32Array {
  const [H, W, C] = shape as [number, number, number];
  const [h, w] = grid;
  if (shape.length !== 3 || H % h !== 0 || W % w !== 0 || H / h !== W / w) throw new Error(`cannot pool [${shape.join(', ')}] to a ${h} x ${w} grid`);
  if (values.length !== count * H * W * C) throw new Error(`expected ${count} x ${H * W * C} values for shape [${shape.join(', ')}], got ${values.length}`);
  const f = H / h;
  const out = new Float32Array(count * h * w * C);
  const scale = 1 / (f * f);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const src = ((n * H + y) * W + x) * C;
        const dst = ((n * h + Math.floor(y / f)) * w + Math.floor(x / f)) * C;
        for (let c = 0; c < C; c++) out[dst + c]! += values[src + c]! * scale;
      }
    }
  }
  return out;
}

export interface LayerSimilarity {
  /**
   * Best-match absolute correlation. Between two conv layers the units are the channels and every image
   * position is an observation (Li et al., 2016), the finer map pooled to the coarser grid; otherwise each
   * element is a unit and each image an observation.
   */
  correlation: number;
  /** Units of each side in the correlation, and how many of them had no variance and were left out of it. */
  units: { a: number; b: number };
  constantUnits: { a: number; b: number };
  /** Linear CKA with one row per image and the whole layer (every position and channel) as its columns. */
  cka: number;
  /**
   * For two latent layers (posterior means): the active units of each side, those whose mean varies over the
   * observations with variance above ACTIVE_UNIT_VARIANCE, and the best-match correlation among them alone.
   */
  active?: { units: { a: number; b: number }; correlation: number };
}

/** Burda et al. (2016): a latent unit is active when the variance of its posterior mean over the data exceeds 0.01 (its prior's is 1). */
export const ACTIVE_UNIT_VARIANCE = 0.01;

/** The columns of r whose variance over the rows exceeds `threshold`, as a representation of their own. */
export function columnsAbove(r: Representation, threshold: number): Representation {
  const { values, rows, cols } = r;
  const keep: number[] = [];
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < rows; i++) {
      const v = values[i * cols + c]!;
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / rows;
    if (sumSq / rows - mean * mean > threshold) keep.push(c);
  }
  const out = new Float64Array(rows * keep.length);
  for (let i = 0; i < rows; i++) keep.forEach((c, j) => (out[i * keep.length + j] = values[i * cols + c]!));
  return { values: out, rows, cols: keep.length };
}

const isConv = (l: LayerData) => l.shape.length === 3;

/** Both measures of one layer of two models, from the same `count` images in the same order. */
export function layerSimilarity(a: LayerData, b: LayerData, count: number): LayerSimilarity {
  let ra: Representation;
  let rb: Representation;
  if (isConv(a) && isConv(b)) {
    const grid: [number, number] = [Math.min(a.shape[0]!, b.shape[0]!), Math.min(a.shape[1]!, b.shape[1]!)];
    const onGrid = (l: LayerData) =>
      l.shape[0] === grid[0] && l.shape[1] === grid[1] ? l.values : poolToGrid(l.values, count, l.shape, grid);
    ra = representationOf(onGrid(a), count, [...grid, a.shape[2]!]);
    rb = representationOf(onGrid(b), count, [...grid, b.shape[2]!]);
  } else {
    ra = flat(a, count);
    rb = flat(b, count);
  }
  const matched = matchedAbsCorrelationReport(ra, rb);
  let active: LayerSimilarity['active'];
  if (a.latent && b.latent) {
    const aa = columnsAbove(ra, ACTIVE_UNIT_VARIANCE);
    const ab = columnsAbove(rb, ACTIVE_UNIT_VARIANCE);
    const correlation = aa.cols > 0 && ab.cols > 0 ? matchedAbsCorrelation(aa, ab) : NaN;
    active = { units: { a: aa.cols, b: ab.cols }, correlation };
  }
  return {
    correlation: matched.value,
    units: { a: ra.cols, b: rb.cols },
    constantUnits: matched.constantUnits,
    ...(active ? { active } : {}),
    cka: a.gram && b.gram ? (gramVaries(a, count) && gramVaries(b, count) ? ckaFromGrams(a.gram, b.gram, count) : NaN) : linearCka(flat(a, count), flat(b, count)),
  };
}

/**
 * Whether a layer varies between images, judged from its Gram matrix: the trace is the centred sum of squares,
 * which for constant values is rounding residue of the centring (float32 there), far below the raw sum of squares.
 */
function gramVaries(l: LayerData, count: number): boolean {
  let trace = 0;
  for (let i = 0; i < count; i++) trace += l.gram![i * count + i]!;
  let raw = 0;
  for (let i = 0; i < l.values.length; i++) raw += l.values[i]! * l.values[i]!;
  return trace > 1e-10 * raw;
}

/** One row per image, every value of the layer a column. */
function flat(l: LayerData, count: number): Representation {
  return representationOf(l.values, count, [l.shape.reduce((x, y) => x * y, 1)]);
}

/** The layers two models both have, paired by name in the first model's order (bottom to top). */
export function pairLayers<T extends LayerData & { name: string }>(a: readonly T[], b: readonly T[]): [T, T][] {
  return a.flatMap((la) => {
    const lb = b.find((l) => l.name === la.name);
    return lb ? [[la, lb] as [T, T]] : [];
  });
}
