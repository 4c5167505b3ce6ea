/**
 * Appendix C of the paper: in a deterministic generator x = f_1(..f_L(z)), each layer multiplies
 * p(x) by the inverse volume change (det J_i^T J_i)^(-1/2) of its Jacobian. With Gaussian Jacobian
 * entries N(0, sigma^2), J^T J is Wishart and the expected factor has a closed form (eq. 17):
 *
 *   E[(det J^T J)^(-1/2)] = sigma^(-m) 2^(-m/2) Gamma_m((n - 1)/2) / Gamma_m(n/2)
 *                         = sigma^(-m) 2^(-m/2) Gamma((n - m)/2) / Gamma(n/2)
 *
 * for J with n rows and m < n columns (J^T J is m x m). Everything here is in logs: the factor
 * leaves double range for m in the hundreds.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0 (Lanczos approximation, about 15 significant digits). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new Error(`logGamma needs x > 0, got ${x}`);
  // Reflection keeps the series accurate near 0: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln Gamma_m(a), the multivariate Gamma function: pi^(m(m-1)/4) prod_{j=1..m} Gamma(a - (j-1)/2). */
export function logMultivariateGamma(m: number, a: number): number {
  if (!Number.isInteger(m) || m < 1) throw new Error(`the dimension must be a positive integer, got ${m}`);
  let s = (m * (m - 1) * Math.log(Math.PI)) / 4;
  for (let j = 1; j <= m; j++) s += logGamma(a - (j - 1) / 2);
  return s;
}

function checkShape(m: number, n: number, sigma: number): void {
  if (!Number.isInteger(m) || m < 1) throw new Error(`m (the columns of J) must be a positive integer, got ${m}`);
  if (!Number.isInteger(n) || n <= m) throw new Error(`n (the rows of J) must be an integer above m = ${m}, got ${n}`);
  if (!(sigma > 0)) throw new Error(`sigma must be positive, got ${sigma}`);
}

/** ln E[(det J^T J)^(-1/2)] by the first line of eq. 17 (multivariate Gamma functions). */
export function logExpectedInverseVolumeWishart(m: number, n: number, sigma: number): number {
  checkShape(m, n, sigma);
  return -m * Math.log(sigma) - (m / 2) * Math.LN2 + logMultivariateGamma(m, (n - 1) / 2) - logMultivariateGamma(m, n / 2);
}

/** ln E[(det J^T J)^(-1/2)] by the second line of eq. 17 (the product of Gamma ratios telescopes). */
export function logExpectedInverseVolume(m: number, n: number, sigma: number): number {
  checkShape(m, n, sigma);
  return -m * Math.log(sigma) - (m / 2) * Math.LN2 + logGamma((n - m) / 2) - logGamma(n / 2);
}

export interface VolumePoint {
  /** The dimension m of the layer whose volume changes (J^T J is m x m). */
  dim: number;
  /** log10 of the expected inverse volume change. */
  log10Factor: number;
}

/** Figure 8's curve: the expected factor for m = 1..maxDim with a fixed increase n - m and entry scale sigma. */
export function inverseVolumeCurve(maxDim: number, increase: number, sigma: number): VolumePoint[] {
  return Array.from({ length: maxDim }, (_, i) => {
    const dim = i + 1;
    return { dim, log10Factor: logExpectedInverseVolume(dim, dim + increase, sigma) / Math.LN10 };
  });
}
