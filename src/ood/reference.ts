/**
 * The in-distribution reference of one score, and the paper's per-input decision ("selection of k"):
 * an input is OOD if any score differs significantly from its in-distribution reference, and the
 * decision rests on the score where it differs the most.
 */
import { oodScoreSign } from './protocol.ts';
import { assertNoNaN, assertNonEmpty } from './validate.ts';

/** In-distribution test-set OOD scores of one named score; every method speaks in OOD scores (higher = more OOD). */
export class ScoreReference {
  readonly scoreName: string;
  /** In-distribution OOD scores, ascending. */
  readonly sorted: Float64Array;
  readonly mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  readonly std: number;
  private readonly sign: 1 | -1;

  /** `values` are the score's raw in-distribution test-set values, e.g. L>k in nats, as the model produces them. */
  constructor(scoreName: string, values: ArrayLike<number>) {
    this.sign = oodScoreSign(scoreName);
    assertNonEmpty(values, `in-distribution values of ${scoreName}`);
    assertNoNaN(values, `in-distribution values of ${scoreName}`);
    this.scoreName = scoreName;
    this.sorted = Float64Array.from(values, (v) => this.sign * v).sort();
    const n = this.sorted.length;
    let sum = 0;
    for (const v of this.sorted) sum += v;
    this.mean = sum / n;
    let ss = 0;
    for (const v of this.sorted) ss += (v - this.mean) ** 2;
    this.std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  }

  get size(): number {
    return this.sorted.length;
  }

  /** The OOD score of one raw value of this score. */
  oodScoreOf(value: number): number {
    return this.sign * value;
  }

  /** Midrank fraction of the reference at or below `oodScore`: (#below + #equal / 2) / n. */
  percentile(oodScore: number): number {
    checkScore(oodScore);
    const below = lowerBound(this.sorted, oodScore);
    const equal = upperBound(this.sorted, oodScore) - below;
    return (below + equal / 2) / this.size;
  }

  /** (#reference >= oodScore + 1) / (n + 1): the permutation p-value, never 0. */
  pValue(oodScore: number): number {
    checkScore(oodScore);
    return (this.size - lowerBound(this.sorted, oodScore) + 1) / (this.size + 1);
  }

  /**
   * The smallest reference value t with at most fpr * n of the reference strictly above it, so that
   * flagging `oodScore > t` has an in-distribution false positive rate of at most `fpr`.
   * fpr = 0 gives the reference maximum; fpr = 1 gives -Infinity (everything is flagged).
   */
  thresholdAtFpr(fpr: number): number {
    if (!(fpr >= 0 && fpr <= 1)) throw new Error(`FPR must be in [0, 1], got ${fpr}`);
    // The tolerance keeps e.g. 0.29 * 100 = 28.999999999999996 from losing one allowed false positive.
    const allowed = Math.floor(fpr * this.size + 1e-9);
    if (allowed >= this.size) return -Infinity;
    return this.sorted[this.size - 1 - allowed]!;
  }

  /** Distance from the reference mean in standard deviations; ±Infinity off a constant reference. */
  zScore(oodScore: number): number {
    checkScore(oodScore);
    const d = oodScore - this.mean;
    if (this.std > 0) return d / this.std;
    return d === 0 ? 0 : d * Infinity;
  }
}

export interface ScoreEvidence {
  scoreName: string;
  /** The raw value, e.g. L>k in nats. */
  value: number;
  oodScore: number;
  percentile: number;
  pValue: number;
  zScore: number;
  threshold: number;
  /** oodScore > threshold. */
  exceeds: boolean;
}

export interface Verdict {
  ood: boolean;
  /** The FPR each score's threshold was set at. */
  fpr: number;
  /** The score the verdict rests on: the smallest p-value among the exceeding scores if any, else among all. */
  decisive: ScoreEvidence;
  /** One entry per reference, in the order given. */
  evidence: ScoreEvidence[];
}

/**
 * OOD if any score exceeds its threshold at `fpr`. Each threshold alone keeps its own in-distribution FPR at
 * most `fpr`; with several scores the combined rate can be higher, as in the paper's any-k rule.
 * Only the references' scores are considered; `valuesByName` holds the input's raw values by score name.
 * Equal p-values (common beyond the reference maximum) are broken by the larger z-score.
 */
export function verdict(
  valuesByName: Readonly<Record<string, number>>,
  references: readonly ScoreReference[],
  fpr: number,
): Verdict {
  if (references.length === 0) throw new Error('verdict needs at least one score reference');
  const evidence = references.map((ref): ScoreEvidence => {
    const value = valuesByName[ref.scoreName];
    if (value === undefined) throw new Error(`no value given for score "${ref.scoreName}"`);
    if (Number.isNaN(value)) throw new Error(`the value of score "${ref.scoreName}" is NaN`);
    const s = ref.oodScoreOf(value);
    const threshold = ref.thresholdAtFpr(fpr);
    return {
      scoreName: ref.scoreName,
      value,
      oodScore: s,
      percentile: ref.percentile(s),
      pValue: ref.pValue(s),
      zScore: ref.zScore(s),
      threshold,
      exceeds: s > threshold,
    };
  });
  const exceeding = evidence.filter((e) => e.exceeds);
  const candidates = exceeding.length > 0 ? exceeding : evidence;
  const decisive = candidates.reduce((best, e) =>
    e.pValue < best.pValue || (e.pValue === best.pValue && e.zScore > best.zScore) ? e : best,
  );
  return { ood: exceeding.length > 0, fpr, decisive, evidence };
}

function checkScore(oodScore: number): void {
  if (Number.isNaN(oodScore)) throw new Error('the OOD score is NaN');
}

/** First index with sorted[i] >= x. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with sorted[i] > x. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
