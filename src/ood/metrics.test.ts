import { describe, expect, it } from 'vitest';
import { auprc, auroc, fprAtTpr, prCurve, rocCurve, summarize } from './metrics.ts';
import { mulberry32 } from '../data/random.ts';

/** P(s_ood > s_in) + 0.5 P(equal), counted pair by pair. */
function pairwiseAuroc(inScores: number[], oodScores: number[]): number {
  let wins = 0;
  for (const o of oodScores) for (const i of inScores) wins += o > i ? 1 : o === i ? 0.5 : 0;
  return wins / (inScores.length * oodScores.length);
}

/** Average precision straight from its definition, one full pass per distinct threshold. */
function definitionalAuprc(inScores: number[], oodScores: number[]): number {
  const thresholds = [...new Set([...inScores, ...oodScores])].sort((a, b) => b - a);
  let ap = 0;
  let prevRecall = 0;
  for (const t of thresholds) {
    const tp = oodScores.filter((s) => s >= t).length;
    const fp = inScores.filter((s) => s >= t).length;
    const recall = tp / oodScores.length;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

function tiedScores(n: number, rng: () => number): number[] {
  return Array.from({ length: n }, () => Math.floor(rng() * 8));
}

describe('perfect and degenerate separations', () => {
  it('scores perfect separation as AUROC 1, AUPRC 1, FPR80 0', () => {
    expect(summarize([0, 1, 2], [3, 4, 5, 6])).toEqual({ auroc: 1, auprc: 1, fpr80: 0 });
  });

  it('scores perfect reversal as AUROC 0 and FPR80 1', () => {
    const inScores = [3, 4, 5];
    const oodScores = [0, 1, 2];
    expect(auroc(inScores, oodScores)).toBe(0);
    expect(fprAtTpr(inScores, oodScores)).toBe(1);
    // Thresholds 2, 1, 0 add one OOD example each after all 3 in-distribution ones: precisions 1/4, 2/5, 3/6.
    expect(auprc(inScores, oodScores)).toBeCloseTo((1 / 4 + 2 / 5 + 3 / 6) / 3, 12);
  });

  it('scores all-equal scores as AUROC 1/2 and AUPRC the fraction positive', () => {
    expect(auroc([7, 7, 7], [7])).toBe(0.5);
    expect(auprc([7, 7, 7], [7])).toBe(0.25);
    expect(fprAtTpr([7, 7, 7], [7])).toBe(1);
  });
});

describe('ties across classes, 3 vs 3 by hand', () => {
  // in {1, 2, 3}, OOD {2, 3, 4}. Pairs: 4 beats 3 in-scores (3); 3 beats 1, 2 and ties 3 (2.5);
  // 2 beats 1 and ties 2 (1.5): 7 of 9.
  const inScores = [3, 1, 2];
  const oodScores = [2, 4, 3];

  it('counts a tie as half a win in AUROC', () => {
    expect(auroc(inScores, oodScores)).toBeCloseTo(7 / 9, 15);
  });

  it('groups each tie into one threshold of the ROC curve', () => {
    expect(rocCurve(inScores, oodScores)).toEqual([
      { threshold: Infinity, fpr: 0, tpr: 0 },
      { threshold: 4, fpr: 0, tpr: 1 / 3 },
      { threshold: 3, fpr: 1 / 3, tpr: 2 / 3 },
      { threshold: 2, fpr: 2 / 3, tpr: 1 },
      { threshold: 1, fpr: 1, tpr: 1 },
    ]);
  });

  it('averages precision over the tie groups', () => {
    // Recall steps of 1/3 at thresholds 4, 3, 2 with precisions 1/1, 2/3, 3/5.
    expect(auprc(inScores, oodScores)).toBeCloseTo(34 / 45, 15);
    expect(prCurve(inScores, oodScores)).toEqual([
      { threshold: Infinity, recall: 0, precision: 1 },
      { threshold: 4, recall: 1 / 3, precision: 1 },
      { threshold: 3, recall: 2 / 3, precision: 2 / 3 },
      { threshold: 2, recall: 1, precision: 3 / 5 },
      { threshold: 1, recall: 1, precision: 1 / 2 },
    ]);
  });

  it('reaches 80% TPR only by taking the whole tie group at 2', () => {
    expect(fprAtTpr(inScores, oodScores)).toBeCloseTo(2 / 3, 15);
  });
});

describe('AUPRC hand case', () => {
  it('matches the textbook 4-example value', () => {
    // Labels [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8]: (1/2) * 1 + (1/2) * (2/3).
    expect(auprc([0.1, 0.4], [0.35, 0.8])).toBeCloseTo(5 / 6, 15);
  });
});

describe('FPR at TPR hand cases', () => {
  it('takes the first threshold reaching 80% TPR', () => {
    // Descending: 5.5 4.5 | 4 | 3.5 | 3 | 2.5 -> the 4th OOD example comes after 2 in-distribution ones.
    expect(fprAtTpr([0, 1, 2, 3, 4], [1.5, 2.5, 3.5, 4.5, 5.5])).toBeCloseTo(2 / 5, 15);
  });

  it('cannot split a tie group to reach the target', () => {
    // At threshold 3 the TPR jumps from 2/5 to 4/5 and two in-distribution 3s come along.
    expect(fprAtTpr([0, 1, 2, 3, 3], [1, 3, 3, 4, 5])).toBeCloseTo(2 / 5, 15);
  });

  it('honours other targets and rejects impossible ones', () => {
    const inScores = [0, 1, 2, 3, 4];
    const oodScores = [1.5, 2.5, 3.5, 4.5, 5.5];
    expect(fprAtTpr(inScores, oodScores, 0.4)).toBe(0);
    expect(fprAtTpr(inScores, oodScores, 1)).toBeCloseTo(3 / 5, 15);
    expect(fprAtTpr(inScores, oodScores, 0)).toBe(0);
    expect(() => fprAtTpr(inScores, oodScores, 1.5)).toThrow(/\[0, 1\]/);
  });
});

describe('agreement with definitions on random data with many ties', () => {
  it('matches the O(n^2) pairwise AUROC and the definitional AUPRC', () => {
    const rng = mulberry32(11);
    for (let trial = 0; trial < 5; trial++) {
      const inScores = tiedScores(150 + trial * 17, rng);
      const oodScores = tiedScores(90 + trial * 23, rng).map((s) => s + (trial % 3));
      expect(auroc(inScores, oodScores)).toBeCloseTo(pairwiseAuroc(inScores, oodScores), 14);
      expect(auprc(inScores, oodScores)).toBeCloseTo(definitionalAuprc(inScores, oodScores), 14);
    }
  });

  it('is antisymmetric: swapping the classes gives 1 - AUROC', () => {
    const rng = mulberry32(3);
    const a = tiedScores(200, rng);
    const b = tiedScores(120, rng).map((s) => s + 1);
    expect(auroc(a, b) + auroc(b, a)).toBeCloseTo(1, 14);
  });

  it('gives a monotone ROC and a PR curve whose step area is the AUPRC', () => {
    const rng = mulberry32(5);
    const inScores = tiedScores(300, rng);
    const oodScores = tiedScores(200, rng).map((s) => s + 2);
    const roc = rocCurve(inScores, oodScores);
    for (let i = 1; i < roc.length; i++) {
      expect(roc[i]!.threshold).toBeLessThan(roc[i - 1]!.threshold);
      expect(roc[i]!.fpr).toBeGreaterThanOrEqual(roc[i - 1]!.fpr);
      expect(roc[i]!.tpr).toBeGreaterThanOrEqual(roc[i - 1]!.tpr);
    }
    expect(roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    const pr = prCurve(inScores, oodScores);
    let stepArea = 0;
    for (let i = 1; i < pr.length; i++) stepArea += (pr[i]!.recall - pr[i - 1]!.recall) * pr[i]!.precision;
    expect(stepArea).toBeCloseTo(auprc(inScores, oodScores), 14);
  });
});

describe('bad input', () => {
  it('names how many scores are NaN', () => {
    expect(() => auroc([1, NaN, NaN], [2])).toThrow('2 of 3 in-distribution scores are NaN');
    expect(() => summarize([1], [NaN, 2])).toThrow('1 of 2 OOD scores are NaN');
  });

  it('rejects an empty class', () => {
    expect(() => auroc([], [1])).toThrow(/no in-distribution scores/);
  });

  it('orders infinite scores like any other', () => {
    expect(auroc([-Infinity, 0], [Infinity, 0])).toBe(0.875);
  });
});
