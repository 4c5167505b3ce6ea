/** Gaussian kernel density estimate, for drawing score densities. */
import { assertNonEmpty, sortedCopy } from './validate.ts';

/**
 * Silverman's rule of thumb, 0.9 * min(sd, IQR / 1.34) * n^(-1/5), with R's bw.nrd0 fallbacks
 * (sd, then |x_0|, then 1) so that constant or tiny samples still get a usable width.
 */
export function silvermanBandwidth(values: ArrayLike<number>): number {
  assertFinite(values);
  const sorted = sortedCopy(values);
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  const spread = Math.min(sd, iqr / 1.34) || sd || Math.abs(sorted[0]!) || 1;
  return 0.9 * spread * n ** -0.2;
}

/** Density of `values` at each grid point. */
export function kde(
  values: ArrayLike<number>,
  grid: ArrayLike<number>,
  bandwidth: number = silvermanBandwidth(values),
): Float64Array {
  assertFinite(values);
  if (!(bandwidth > 0 && Number.isFinite(bandwidth))) {
    throw new Error(`bandwidth must be a positive finite number, got ${bandwidth}`);
  }
  const norm = 1 / (values.length * bandwidth * Math.sqrt(2 * Math.PI));
  const out = new Float64Array(grid.length);
  for (let g = 0; g < grid.length; g++) {
    const x = grid[g]!;
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      const u = (x - values[i]!) / bandwidth;
      sum += Math.exp(-0.5 * u * u);
    }
    out[g] = sum * norm;
  }
  return out;
}

/** Linear interpolation between order statistics (R's type 7, numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** NaN or infinite values (e.g. a bound that underflowed) have no density. */
function assertFinite(values: ArrayLike<number>): void {
  assertNonEmpty(values, 'values for the density');
  let bad = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad++;
  if (bad > 0) throw new Error(`${bad} of ${values.length} values for the density are NaN or infinite`);
}
