import { describe, expect, it } from 'vitest';
import { paperMetricFor } from './paperResults.ts';

describe('paperMetricFor', () => {
  it('gives Table 2 at S = 1 and the reported S nearest on a log scale above it', () => {
    const at = (S: number) => paperMetricFor('fashionmnist', 'mnist', 'LLR>1', S)?.source;
    expect(at(1)).toBe('Table 2 (S = 1)');
    expect(at(100)).toBe('Table 2 (S = 250)');
    expect(at(250)).toBe('Table 2 (S = 250)');
    expect(at(500)).toBe('Table 7 (S = 1000)');
    expect(at(2000)).toBe('Table 7 (S = 1000)');
  });

  it('falls back to the plain entry where the paper reports no S for a score', () => {
    expect(paperMetricFor('fashionmnist', 'mnist', 'L>0', 100)?.auroc).toBe(0.268);
    expect(paperMetricFor('mnist', 'fashionmnist', 'LLR>1', 100)?.source).toBe('Table 8 (S = 1000)');
    expect(paperMetricFor('fashionmnist', 'cifar10', 'LLR>1', 1)).toBeUndefined();
  });

  it('sets the paper\'s notMNIST beside letters, named as such, and nothing beside sets its tables lack', () => {
    const f = paperMetricFor('fashionmnist', 'letters', 'L>0', 1)!;
    expect([f.auroc, f.auprc, f.fpr80]).toEqual([0.916, 0.932, 0.116]);
    expect(f.source).toMatch(/^Table 7: the paper's notMNIST, not these letters/);
    expect(paperMetricFor('fashionmnist', 'letters', 'LLR>1', 1)?.auroc).toBe(0.998);
    expect(paperMetricFor('mnist', 'letters', 'LLR>1', 1)).toMatchObject({ auroc: 1, auprc: 0.999, fpr80: 0 });
    expect(paperMetricFor('mnist', 'letters', 'L>2', 1)?.source).toMatch(/^Table 8: the paper's notMNIST/);
    expect(paperMetricFor('fashionmnist', 'letters', 'LLR>2', 1)).toBeUndefined();
    for (const set of ['fashionmnist-inverted', 'mnist-inverted', 'fashionmnist-flipped', 'noise', 'bernoulli-noise', 'constant']) {
      for (const inSet of ['fashionmnist', 'mnist']) expect(paperMetricFor(inSet, set, 'L>0', 1)).toBeUndefined();
    }
  });
});
