import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random.ts';
import { auroc } from './metrics.ts';
import { PerExampleK, perExampleKFrom, withPerExampleK } from './perExampleK.ts';
import { PER_EXAMPLE_K } from './protocol.ts';

/** n draws of N(mean, 1). */
function normals(n: number, mean: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  return Float64Array.from({ length: n }, () => mean + Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
}

describe('PerExampleK', () => {
  const reference = { 'LLR>1': normals(2000, 0, 1), 'LLR>2': normals(2000, 10, 2), 'L>0': normals(2000, -300, 3) };

  it('chooses the k where the input lies furthest out on its reference, whatever the scales', () => {
    const rule = new PerExampleK(reference);
    expect(rule.choose({ 'LLR>1': 3, 'LLR>2': 10 }).scoreName).toBe('LLR>1');
    expect(rule.choose({ 'LLR>1': 0, 'LLR>2': 13 }).scoreName).toBe('LLR>2');
    const mid = rule.choose({ 'LLR>1': 0, 'LLR>2': 10 });
    expect(Math.abs(mid.score - 0.5)).toBeLessThan(0.05);
    // Beyond both references' maxima the percentiles tie at 1; the larger z-score decides.
    expect(rule.choose({ 'LLR>1': 50, 'LLR>2': 20 }).scoreName).toBe('LLR>1');
    expect(() => rule.choose({ 'LLR>1': 1 })).toThrow(/LLR>2/);
  });

  it('its threshold keeps the false-positive rate on fresh in-distribution data, where one k alone per threshold would not', () => {
    const rule = new PerExampleK(reference);
    const fresh = { 'LLR>1': normals(20000, 0, 11), 'LLR>2': normals(20000, 10, 12) };
    const t = rule.threshold(0.05);
    const flagged = rule.scoreAll(fresh, 20000).filter((s) => s > t).length / 20000;
    expect(flagged).toBeGreaterThan(0.04);
    expect(flagged).toBeLessThan(0.06);
    // Each k at its own 5 % threshold, flagging when any exceeds: about 1 - 0.95^2 of in-distribution inputs.
    const q95 = (v: Float64Array) => Float64Array.from(v).sort()[Math.floor(0.95 * v.length)]!;
    const [t1, t2] = [q95(reference['LLR>1']), q95(reference['LLR>2'])];
    const anyK = fresh['LLR>1'].filter((v, i) => v > t1 || fresh['LLR>2'][i]! > t2).length / 20000;
    expect(anyK).toBeGreaterThan(0.08);
  });

  it('detects inputs that are out on either k, where each fixed k misses half of them', () => {
    const rule = new PerExampleK(reference);
    const n = 1000;
    const inDist = { 'LLR>1': normals(n, 0, 21), 'LLR>2': normals(n, 10, 22) };
    // Half the OOD inputs stand out on LLR>1 only, half on LLR>2 only.
    const a = normals(n, 0, 23);
    const b = normals(n, 10, 24);
    const ood = { 'LLR>1': a.map((v, i) => (i < n / 2 ? v + 4 : v)), 'LLR>2': b.map((v, i) => (i < n / 2 ? v : v + 4)) };
    const per = auroc(rule.scoreAll(inDist, n), rule.scoreAll(ood, n));
    const fixed = Math.max(auroc(inDist['LLR>1'], ood['LLR>1']), auroc(inDist['LLR>2'], ood['LLR>2']));
    expect(per).toBeGreaterThan(0.95);
    expect(fixed).toBeLessThan(0.8);
  });

  it('refuses a reference without LLR>k or with unequal lengths', () => {
    expect(() => new PerExampleK({ 'L>0': [1, 2] })).toThrow(/at least one LLR>k/);
    expect(() => new PerExampleK({ 'LLR>1': [1, 2], 'LLR>2': [1] })).toThrow(/values/);
  });

  it("adds the rule's score to an eval file's examples and keeps the rest", () => {
    const rule = new PerExampleK(reference);
    const file = { model: 'm', dataset: 'd', split: 'test' as const, importance_samples: 1, indices: [4, 7], scores: { 'LLR>1': [0, 9], 'LLR>2': [10, 10] } };
    const out = withPerExampleK(file, rule);
    expect(out.scores['LLR>1']).toBe(file.scores['LLR>1']);
    expect(out.scores[PER_EXAMPLE_K]).toEqual([rule.choose({ 'LLR>1': 0, 'LLR>2': 10 }).score, 1]);
    expect(file.scores).not.toHaveProperty(PER_EXAMPLE_K);
  });

  it('takes its reference from a train split\'s file when that holds an LLR>k, else gives none', () => {
    const train = { model: 'm', dataset: 'd', split: 'train' as const, importance_samples: 1, indices: [0, 1, 2], scores: { 'L>0': [-1, -2, -3], 'LLR>0': [0, 0, 0], 'LLR>1<2': [1, 2, 3] } };
    expect(perExampleKFrom(undefined)).toBeNull();
    expect(perExampleKFrom(train)).toBeNull();
    const rule = perExampleKFrom({ ...train, scores: { ...train.scores, 'LLR>1': [1, 2, 3] } })!;
    expect(rule.choose({ 'LLR>1': 10 })).toEqual({ score: 1, scoreName: 'LLR>1' });
  });
});
