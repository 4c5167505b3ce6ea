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
});
