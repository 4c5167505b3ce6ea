/**
 * The paper's evaluation protocol (section 5): equal counts of in-distribution and OOD test examples,
 * and the sign that turns each bound or ratio into an OOD score (higher = more OOD).
 */
import { mulberry32 } from '../data/random.ts';

export interface EqualCountSample {
  /** Indices into the in-distribution test set, ascending. */
  inIndices: Uint32Array;
  /** Indices into the OOD test set, ascending. */
  oodIndices: Uint32Array;
}

/** All of the smaller set and a seeded uniform sample, without replacement, of equally many from the larger. */
export function equalCountSample(inCount: number, oodCount: number, seed: number): EqualCountSample {
  for (const [name, n] of [['inCount', inCount], ['oodCount', oodCount]] as const) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${n}`);
  }
  const count = Math.min(inCount, oodCount);
  const rng = mulberry32(seed);
  return {
    inIndices: inCount > count ? sampleIndices(inCount, count, rng) : allIndices(inCount),
    oodIndices: oodCount > count ? sampleIndices(oodCount, count, rng) : allIndices(oodCount),
  };
}

/** values[indices[i]] for each i, e.g. to apply an EqualCountSample to a score array. */
export function takeAt(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = values[indices[i]!];
    if (v === undefined) throw new Error(`index ${indices[i]} is outside an array of length ${values.length}`);
    out[i] = v;
  }
  return out;
}

function allIndices(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}

/** A seeded sample of k of 0..n-1 without replacement, ascending (partial Fisher-Yates). */
export function sampleIndices(n: number, k: number, rng: () => number): Uint32Array {
  const pool = allIndices(n);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const tmp = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = tmp;
  }
  return pool.slice(0, k).sort();
}

/**
 * The paper's scores by name, with their place in tables: the bounds L>k, then the Appendix E
 * bounds L<l; the ratios LLR>k, then the generalised LLR>k<l = L<l - L>k; then the per-example
 * choice of k (src/ood/perExampleK.ts). Bounds score OOD as their negative, the others as they are.
 */
const PAPER_SCORES: readonly { pattern: RegExp; sign: 1 | -1; order: (m: RegExpExecArray) => number }[] = [
  { pattern: /^L>(\d+)$/, sign: -1, order: (m) => Number(m[1]) },
  { pattern: /^L<(\d+)$/, sign: -1, order: (m) => 500 + Number(m[1]) },
  { pattern: /^LLR>(\d+)$/, sign: 1, order: (m) => 1000 + Number(m[1]) },
  { pattern: /^LLR>(\d+)<(\d+)$/, sign: 1, order: (m) => 2000 + 100 * Number(m[2]) + Number(m[1]) },
  { pattern: /^LLR>k\*$/, sign: 1, order: () => 9000 },
];

/** Whether a score is one of the paper's likelihood ratios LLR>k with k >= 1 (not LLR>k<l, not LLR>k*). */
export function isRatioOverK(scoreName: string): boolean {
  return /^LLR>[1-9]\d*$/.test(scoreName);
}

/** The per-example choice of k as a score: the largest in-distribution percentile of LLR>k over k. */
export const PER_EXAMPLE_K = 'LLR>k*';

/**
 * What a score's values measure: every bound, ratio and baseline is in nats; the per-example choice
 * of k is a percentile of the in-distribution reference, in [0, 1], so bits/dim do not apply to it.
 */
export function scoreUnit(scoreName: string): 'nats' | 'percentile' {
  return scoreName === PER_EXAMPLE_K ? 'percentile' : 'nats';
}

/** The OOD set the paper pairs with a grey-scale training set (its Table 2 and Figure 5): MNIST for FashionMNIST, and the reverse. */
export function pairedOodSet(inDataset: string): string {
  return inDataset === 'mnist' ? 'fashionmnist' : 'mnist';
}

/**
 * The baselines an eval file may hold beside the paper's scores, each larger = more OOD:
 * input complexity with a PNG coder (src/ood/inputComplexity.ts) and likelihood regret
 * (src/hvae/likelihoodRegret.ts).
 */
export const INPUT_COMPLEXITY = 'IC(png)';
export const LIKELIHOOD_REGRET = 'LR';
const BASELINES: readonly string[] = [INPUT_COMPLEXITY, LIKELIHOOD_REGRET];

/** Whether a score is one of the baselines from other papers (input complexity, likelihood regret). */
export function isBaseline(scoreName: string): boolean {
  return BASELINES.includes(scoreName);
}

function unknownName(scoreName: string): Error {
  return new Error(`unknown score name "${scoreName}": expected "L>k", "L<l", "LLR>k", "LLR>k<l", "${PER_EXAMPLE_K}", "${INPUT_COMPLEXITY}" or "${LIKELIHOOD_REGRET}"`);
}

/** The paper's score a name matches, with the match; throws on names that are none of them. */
function paperScore(scoreName: string): { sign: 1 | -1; order: number } {
  for (const p of PAPER_SCORES) {
    const m = p.pattern.exec(scoreName);
    if (m) return { sign: p.sign, order: p.order(m) };
  }
  throw unknownName(scoreName);
}

/** Whether a score is a bound on log p(x), L>k or L<l: a log-likelihood, with bits/dim of its own (the paper's Table 1). */
export function isBound(scoreName: string): boolean {
  return /^L[<>]\d+$/.test(scoreName);
}

/** +1 or -1: a bound L>k or L<l scores its negative (lower likelihood = more OOD); ratios and baselines score as they are. */
export function oodScoreSign(scoreName: string): 1 | -1 {
  if (isBaseline(scoreName)) return 1;
  return paperScore(scoreName).sign;
}

/** The OOD scores (higher = more OOD) of a named score's values. */
export function oodScore(scoreName: string, values: ArrayLike<number>): Float64Array {
  const sign = oodScoreSign(scoreName);
  return Float64Array.from(values, (v) => sign * v);
}

/** Bounds first (L>0, L>1, ..., then L<l), then ratios (LLR>1, ..., then LLR>k<l), each by k: the order of the paper's tables; then the baselines. */
export function sortScoreNames(names: readonly string[]): string[] {
  const key = (n: string) => {
    const baseline = BASELINES.indexOf(n);
    if (baseline >= 0) return 1e6 + baseline;
    return paperScore(n).order;
  };
  return names
    .map((n) => ({ n, k: key(n) }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.n);
}
