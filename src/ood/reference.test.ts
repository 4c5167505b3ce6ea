import { describe, expect, it } from 'vitest';
import { ScoreReference, verdict } from './reference.ts';

describe('ScoreReference', () => {
  // LLR scores keep their sign, so the OOD scores are the values: sorted [1, 2, 2, 3, 5].
  const ref = new ScoreReference('LLR>1', [3, 2, 5, 1, 2]);

  it('gives midrank percentiles', () => {
    expect(ref.percentile(0)).toBe(0);
    expect(ref.percentile(1)).toBeCloseTo(0.5 / 5, 15);
    expect(ref.percentile(2)).toBeCloseTo(2 / 5, 15); // 1 below + half of 2 equal
    expect(ref.percentile(2.5)).toBeCloseTo(3 / 5, 15);
    expect(ref.percentile(5)).toBeCloseTo(4.5 / 5, 15);
    expect(ref.percentile(6)).toBe(1);
  });

  it('gives (count at or above + 1) / (n + 1) p-values', () => {
    expect(ref.pValue(0)).toBe(1);
    expect(ref.pValue(2)).toBeCloseTo(5 / 6, 15);
    expect(ref.pValue(5)).toBeCloseTo(2 / 6, 15);
    expect(ref.pValue(6)).toBeCloseTo(1 / 6, 15);
  });

  it('sets thresholds so that at most fpr * n of the reference lies above', () => {
    expect(ref.thresholdAtFpr(0)).toBe(5);
    expect(ref.thresholdAtFpr(0.2)).toBe(3);
    expect(ref.thresholdAtFpr(0.4)).toBe(2);
    // Three may exceed, but the tie at 2 allows no threshold between 1 and 2: only 2 exceed.
    expect(ref.thresholdAtFpr(0.6)).toBe(2);
    expect(ref.thresholdAtFpr(0.8)).toBe(1);
    expect(ref.thresholdAtFpr(1)).toBe(-Infinity);
    expect(() => ref.thresholdAtFpr(-0.1)).toThrow(/\[0, 1\]/);
  });

  it('keeps an FPR whose product with n rounds just below an integer', () => {
    const hundred = new ScoreReference('LLR>1', Array.from({ length: 100 }, (_, i) => i));
    // 0.29 * 100 = 28.999999999999996 in floating point; 29 values (71..99) may lie above.
    expect(hundred.thresholdAtFpr(0.29)).toBe(70);
  });

  it('negates bounds: lower likelihood is a larger OOD score', () => {
    const bound = new ScoreReference('L>0', [-100, -90, -80]);
    expect(Array.from(bound.sorted)).toEqual([80, 90, 100]);
    expect(bound.oodScoreOf(-120)).toBe(120);
    expect(bound.pValue(bound.oodScoreOf(-120))).toBeCloseTo(1 / 4, 15);
    expect(bound.mean).toBe(90);
    expect(bound.std).toBe(10);
    expect(bound.zScore(110)).toBe(2);
  });

  it('refuses NaN, empty references and unknown names', () => {
    expect(() => new ScoreReference('LLR>1', [1, NaN])).toThrow('1 of 2 in-distribution values of LLR>1 are NaN');
    expect(() => new ScoreReference('LLR>1', [])).toThrow(/no in-distribution values/);
    expect(() => new ScoreReference('ELBO', [1])).toThrow(/unknown score name/);
    expect(() => ref.pValue(NaN)).toThrow(/NaN/);
  });
});

describe('verdict (selection of k)', () => {
  const oneToNine = Array.from({ length: 9 }, (_, i) => i + 1);
  // L>0 in-distribution values -1..-9 (OOD scores 1..9); LLR>1 values 1..9.
  const refs = [new ScoreReference('L>0', oneToNine.map((v) => -v)), new ScoreReference('LLR>1', oneToNine)];
  // At fpr 0.2 one of nine may exceed: both thresholds are 8.

  it('calls an input in-distribution when no score passes, resting on the smallest p-value', () => {
    const v = verdict({ 'L>0': -5, 'LLR>1': 7.5 }, refs, 0.2);
    expect(v.ood).toBe(false);
    expect(v.decisive.scoreName).toBe('LLR>1');
    expect(v.decisive.pValue).toBeCloseTo(3 / 10, 15);
    expect(v.evidence.map((e) => e.threshold)).toEqual([8, 8]);
  });

  it('calls OOD when any one score passes its threshold', () => {
    const v = verdict({ 'L>0': -2, 'LLR>1': 8.5 }, refs, 0.2);
    expect(v.ood).toBe(true);
    expect(v.decisive.scoreName).toBe('LLR>1');
    expect(v.evidence.map((e) => e.exceeds)).toEqual([false, true]);
  });

  it('rests on the score that differs the most when several pass', () => {
    const v = verdict({ 'L>0': -9.5, 'LLR>1': 9 }, refs, 0.2);
    expect(v.ood).toBe(true);
    // L>0 lies above all nine (p = 1/10); LLR>1 ties the maximum (p = 2/10).
    expect(v.decisive.scoreName).toBe('L>0');
  });

  it('breaks equal p-values beyond the reference by the larger z-score', () => {
    const v = verdict({ 'L>0': -12, 'LLR>1': 30 }, refs, 0.2);
    expect(v.evidence.map((e) => e.pValue)).toEqual([0.1, 0.1]);
    expect(v.decisive.scoreName).toBe('LLR>1');
  });

  it('ignores values without a reference and refuses references without a value', () => {
    expect(verdict({ 'L>0': -1, 'LLR>1': 1, 'L>1': -1e9 }, refs, 0.2).ood).toBe(false);
    expect(() => verdict({ 'L>0': -1 }, refs, 0.2)).toThrow('no value given for score "LLR>1"');
    expect(() => verdict({ 'L>0': -1 }, [], 0.2)).toThrow(/at least one/);
  });
});
