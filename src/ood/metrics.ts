/**
 * OOD detection metrics. OOD is the positive class and a higher score means more out-of-distribution;
 * an example is flagged OOD when its score is >= the threshold. Equal scores form one threshold, so
 * every metric is exact under ties (no arbitrary order among equal scores leaks into the result).
 */
import { assertNoNaN, assertNonEmpty, sortedCopy } from './validate.ts';

export interface RocPoint {
  threshold: number;
  fpr: number;
  tpr: number;
}

export interface PrPoint {
  threshold: number;
  recall: number;
  precision: number;
}

export interface OodSummary {
  auroc: number;
  auprc: number;
  /** FPR at 80% TPR. */
  fpr80: number;
}

/** Cumulative counts after each distinct threshold, thresholds descending. */
interface Sweep {
  thresholds: number[];
  /** OOD examples with score >= thresholds[i]. */
  tp: number[];
  /** In-distribution examples with score >= thresholds[i]. */
  fp: number[];
  positives: number;
  negatives: number;
}

/** Merges the two classes' sorted scores from the top, one step per distinct value: O(n log n) for the sorts. */
function sweep(inScores: ArrayLike<number>, oodScores: ArrayLike<number>): Sweep {
  assertNonEmpty(inScores, 'in-distribution scores');
  assertNonEmpty(oodScores, 'OOD scores');
  assertNoNaN(inScores, 'in-distribution scores');
  assertNoNaN(oodScores, 'OOD scores');
  const neg = sortedCopy(inScores);
  const pos = sortedCopy(oodScores);
  const thresholds: number[] = [];
  const tp: number[] = [];
  const fp: number[] = [];
  let i = neg.length - 1;
  let j = pos.length - 1;
  while (i >= 0 || j >= 0) {
    const t = Math.max(i >= 0 ? neg[i]! : -Infinity, j >= 0 ? pos[j]! : -Infinity);
    while (i >= 0 && neg[i] === t) i--;
    while (j >= 0 && pos[j] === t) j--;
    thresholds.push(t);
    fp.push(neg.length - 1 - i);
    tp.push(pos.length - 1 - j);
  }
  return { thresholds, tp, fp, positives: pos.length, negatives: neg.length };
}

/** Trapezoids over the tie groups; counted in half-units so the sum stays an exact integer. */
function aurocOf(s: Sweep): number {
  let twiceArea = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let g = 0; g < s.thresholds.length; g++) {
    const tp = s.tp[g]!;
    const fp = s.fp[g]!;
    twiceArea += (fp - prevFp) * (prevTp + tp);
    prevTp = tp;
    prevFp = fp;
  }
  return twiceArea / (2 * s.positives * s.negatives);
}

function auprcOf(s: Sweep): number {
  let ap = 0;
  let prevTp = 0;
  for (let g = 0; g < s.thresholds.length; g++) {
    const tp = s.tp[g]!;
    ap += ((tp - prevTp) / s.positives) * (tp / (tp + s.fp[g]!));
    prevTp = tp;
  }
  return ap;
}

function fprAtTprOf(s: Sweep, tpr: number): number {
  if (!(tpr >= 0 && tpr <= 1)) throw new Error(`target TPR must be in [0, 1], got ${tpr}`);
  if (tpr === 0) return 0;
  // TPR and FPR both rise as the threshold falls, so the first threshold reaching the TPR has the smallest FPR.
  for (let g = 0; g < s.thresholds.length; g++) {
    if (s.tp[g]! / s.positives >= tpr) return s.fp[g]! / s.negatives;
  }
  throw new Error('unreachable: the lowest threshold flags every example');
}

/** P(s_ood > s_in) + 0.5 P(s_ood = s_in), the Mann-Whitney statistic. */
export function auroc(inScores: ArrayLike<number>, oodScores: ArrayLike<number>): number {
  return aurocOf(sweep(inScores, oodScores));
}

/** Average precision: sum over distinct thresholds of (R_t - R_{t-1}) * P_t (sklearn's convention). */
export function auprc(inScores: ArrayLike<number>, oodScores: ArrayLike<number>): number {
  return auprcOf(sweep(inScores, oodScores));
}

/** Smallest FPR over thresholds whose TPR is >= `tpr`; FPR80 by default. */
export function fprAtTpr(inScores: ArrayLike<number>, oodScores: ArrayLike<number>, tpr = 0.8): number {
  return fprAtTprOf(sweep(inScores, oodScores), tpr);
}

/**
 * One point per distinct threshold, thresholds descending, preceded by {threshold: Infinity, fpr: 0, tpr: 0}
 * (nothing flagged); the last point is (1, 1). Straight segments between points are the tie-aware ROC.
 */
export function rocCurve(inScores: ArrayLike<number>, oodScores: ArrayLike<number>): RocPoint[] {
  const s = sweep(inScores, oodScores);
  const points: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  s.thresholds.forEach((threshold, g) =>
    points.push({ threshold, fpr: s.fp[g]! / s.negatives, tpr: s.tp[g]! / s.positives }),
  );
  return points;
}

/**
 * One point per distinct threshold, recall ascending, preceded by {threshold: Infinity, recall: 0, precision: 1}.
 * AUPRC is the area under the step drawn through these points with each precision held back to the previous
 * recall (d3.curveStepBefore).
 */
export function prCurve(inScores: ArrayLike<number>, oodScores: ArrayLike<number>): PrPoint[] {
  const s = sweep(inScores, oodScores);
  const points: PrPoint[] = [{ threshold: Infinity, recall: 0, precision: 1 }];
  s.thresholds.forEach((threshold, g) => {
    const tp = s.tp[g]!;
    points.push({ threshold, recall: tp / s.positives, precision: tp / (tp + s.fp[g]!) });
  });
  return points;
}

/** The three numbers the paper reports, from one sort. */
export function summarize(inScores: ArrayLike<number>, oodScores: ArrayLike<number>): OodSummary {
  const s = sweep(inScores, oodScores);
  return { auroc: aurocOf(s), auprc: auprcOf(s), fpr80: fprAtTprOf(s, 0.8) };
}
