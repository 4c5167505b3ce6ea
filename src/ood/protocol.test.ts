import { describe, expect, it } from 'vitest';
import { equalCountSample, INPUT_COMPLEXITY, isBaseline, isBound, isRatioOverK, LIKELIHOOD_REGRET, oodScore, oodScoreSign, pairedOodSet, PER_EXAMPLE_K, scoreUnit, sortScoreNames, takeAt } from './protocol.ts';

describe('equalCountSample', () => {
  it('keeps all of the smaller set and samples equally many distinct, sorted indices of the larger', () => {
    const { inIndices, oodIndices } = equalCountSample(10_000, 2_000, 7);
    expect(Array.from(oodIndices)).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
    expect(inIndices.length).toBe(2_000);
    expect(new Set(inIndices).size).toBe(2_000);
    for (let i = 1; i < inIndices.length; i++) expect(inIndices[i]!).toBeGreaterThan(inIndices[i - 1]!);
    expect(inIndices[inIndices.length - 1]!).toBeLessThan(10_000);
    // A uniform sample of 2000 from 10000 reaches far past the first 2000 indices.
    expect(inIndices[inIndices.length - 1]!).toBeGreaterThan(9_000);
  });

  it('samples whichever side is larger', () => {
    const { inIndices, oodIndices } = equalCountSample(3, 8, 1);
    expect(Array.from(inIndices)).toEqual([0, 1, 2]);
    expect(oodIndices.length).toBe(3);
  });

  it('takes everything when the counts are already equal', () => {
    const s = equalCountSample(4, 4, 99);
    expect(Array.from(s.inIndices)).toEqual([0, 1, 2, 3]);
    expect(Array.from(s.oodIndices)).toEqual([0, 1, 2, 3]);
  });

  it('is fixed by its seed and differs across seeds', () => {
    const a = equalCountSample(500, 100, 5).inIndices;
    expect(Array.from(equalCountSample(500, 100, 5).inIndices)).toEqual(Array.from(a));
    expect(Array.from(equalCountSample(500, 100, 6).inIndices)).not.toEqual(Array.from(a));
  });

  it('includes every index about equally often across seeds', () => {
    const hits = new Array<number>(20).fill(0);
    const seeds = 4_000;
    for (let seed = 0; seed < seeds; seed++) for (const i of equalCountSample(20, 5, seed).inIndices) hits[i]!++;
    for (const h of hits) expect(Math.abs(h / seeds - 0.25)).toBeLessThan(0.04);
  });

  it('rejects counts that are not non-negative integers', () => {
    expect(() => equalCountSample(-1, 3, 0)).toThrow(/inCount/);
    expect(() => equalCountSample(3, 2.5, 0)).toThrow(/oodCount/);
  });
});

describe('takeAt', () => {
  it('gathers by index and refuses indices out of range', () => {
    expect(Array.from(takeAt([10, 20, 30, 40], [3, 0]))).toEqual([40, 10]);
    expect(() => takeAt([1, 2], [2])).toThrow(/outside an array of length 2/);
  });
});

describe('oodScore', () => {
  it('negates bounds and keeps ratios', () => {
    expect(Array.from(oodScore('L>0', [-80, -120]))).toEqual([80, 120]);
    expect(Array.from(oodScore('L>2', [-3]))).toEqual([3]);
    expect(Array.from(oodScore('LLR>1', [4, -1]))).toEqual([4, -1]);
    expect(oodScoreSign('L>10')).toBe(-1);
    expect(oodScoreSign('LLR>3')).toBe(1);
  });

  it('keeps the baselines, larger = more OOD, and sorts them after the paper\'s scores', () => {
    expect(Array.from(oodScore(INPUT_COMPLEXITY, [-2, 5]))).toEqual([-2, 5]);
    expect(oodScoreSign(LIKELIHOOD_REGRET)).toBe(1);
    expect(sortScoreNames(['LR', 'LLR>1', 'IC(png)', 'L>0'])).toEqual(['L>0', 'LLR>1', 'IC(png)', 'LR']);
    expect(['L>0', 'LLR>1', 'L<2', PER_EXAMPLE_K, INPUT_COMPLEXITY, LIKELIHOOD_REGRET].filter(isBaseline)).toEqual([INPUT_COMPLEXITY, LIKELIHOOD_REGRET]);
  });

  it('knows the Appendix E bounds and ratios and the per-example k, and sorts them beside their kin', () => {
    expect(oodScoreSign('L<2')).toBe(-1);
    expect(oodScoreSign('LLR>1<3')).toBe(1);
    expect(oodScoreSign(PER_EXAMPLE_K)).toBe(1);
    expect(sortScoreNames(['LR', PER_EXAMPLE_K, 'LLR>1<3', 'LLR>0<2', 'LLR>2', 'L<2', 'L>1', 'LLR>1<2'])).toEqual([
      'L>1',
      'L<2',
      'LLR>2',
      'LLR>0<2',
      'LLR>1<2',
      'LLR>1<3',
      PER_EXAMPLE_K,
      'LR',
    ]);
  });

  it('throws on unknown names', () => {
    for (const name of ['ELBO', 'L>', 'LLR>-1', 'l>0', 'L>1 ', 'LR>1', 'IC', 'lr', 'L<', 'LLR<1', 'LLR>1<', 'LLR>k', 'L>k*']) {
      expect(() => oodScore(name, [1])).toThrow(/unknown score name/);
    }
  });
});

describe('kinds of score', () => {
  it('counts L>k and L<l as bounds, and nothing else', () => {
    expect(['L>0', 'L>3', 'L<1', 'L<12'].every(isBound)).toBe(true);
    expect(['LLR>1', 'LLR>1<2', PER_EXAMPLE_K, INPUT_COMPLEXITY, LIKELIHOOD_REGRET, 'L>'].some(isBound)).toBe(false);
  });

  it("counts LLR>k with k >= 1 as the paper's ratios, and not their generalisation, the per-example k or LLR>0", () => {
    expect(['LLR>1', 'LLR>2', 'LLR>10'].every(isRatioOverK)).toBe(true);
    expect(['LLR>0', 'LLR>1<2', PER_EXAMPLE_K, 'L>1', INPUT_COMPLEXITY, 'LLR>'].some(isRatioOverK)).toBe(false);
  });

  it('gives every score nats except the per-example choice of k, a percentile', () => {
    expect(scoreUnit(PER_EXAMPLE_K)).toBe('percentile');
    for (const name of ['L>0', 'L<2', 'LLR>1', 'LLR>1<3', INPUT_COMPLEXITY, LIKELIHOOD_REGRET]) expect(scoreUnit(name)).toBe('nats');
  });

  it('pairs FashionMNIST with MNIST and the reverse, as the paper does', () => {
    expect(pairedOodSet('fashionmnist')).toBe('mnist');
    expect(pairedOodSet('mnist')).toBe('fashionmnist');
  });
});
