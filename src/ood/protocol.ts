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

const SCORE_NAME = /^(L|LLR)>(\d+)$/;

/**
 * The baselines an eval file may hold beside the paper's scores, each larger = more OOD:
 * input complexity with a PNG coder (src/ood/inputComplexity.ts) and likelihood regret
 * (src/hvae/likelihoodRegret.ts).
 */
export const INPUT_COMPLEXITY = 'IC(png)';
export const LIKELIHOOD_REGRET = 'LR';
const BASELINES: readonly string[] = [INPUT_COMPLEXITY, LIKELIHOOD_REGRET];

function unknownName(scoreName: string): Error {
  return new Error(`unknown score name "${scoreName}": expected "L>k", "LLR>k", "${INPUT_COMPLEXITY}" or "${LIKELIHOOD_REGRET}"`);
}

/** +1 or -1: a bound L>k scores -L>k (lower likelihood = more OOD); a ratio LLR>k and each baseline score as they are. */
export function oodScoreSign(scoreName: string): 1 | -1 {
  if (BASELINES.includes(scoreName)) return 1;
  const match = SCORE_NAME.exec(scoreName);
  if (!match) throw unknownName(scoreName);
  return match[1] === 'L' ? -1 : 1;
}

/** The OOD scores (higher = more OOD) of a named score's values. */
export function oodScore(scoreName: string, values: ArrayLike<number>): Float64Array {
  const sign = oodScoreSign(scoreName);
  return Float64Array.from(values, (v) => sign * v);
}

/** Bounds first (L>0, L>1, ...), then ratios (LLR>1, ...), each by k: the order of the paper's tables; then the baselines. */
export function sortScoreNames(names: readonly string[]): string[] {
  const key = (n: string) => {
    const baseline = BASELINES.indexOf(n);
    if (baseline >= 0) return 1e6 + baseline;
    const match = SCORE_NAME.exec(n);
    if (!match) throw unknownName(n);
    return (match[1] === 'LLR' ? 1000 : 0) + Number(match[2]);
  };
  return names
    .map((n) => ({ n, k: key(n) }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.n);
}
