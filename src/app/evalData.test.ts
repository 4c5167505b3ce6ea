import { describe, expect, it } from 'vitest';
import type { EvalFile } from '../ood/evalFile.ts';
import { PER_EXAMPLE_K } from '../ood/protocol.ts';
import { comparisonsOf } from './evalData.ts';

const of = (dataset: string, split: 'train' | 'test', shift: number): EvalFile => ({
  model: 'm',
  dataset,
  split,
  importance_samples: 1,
  indices: [0, 1, 2, 3],
  scores: { 'L>0': [-10, -11, -12, -13].map((v) => v - shift), 'LLR>1': [1, 2, 3, 4].map((v) => v + shift), 'IC(png)': [5, 6, 7, 8].map((v) => v + shift) },
});

describe('comparisonsOf', () => {
  const shipped = [of('mnist', 'train', 0), of('letters', 'test', 9), of('mnist', 'test', 0), of('bernoulli-noise', 'test', 9), of('fashionmnist', 'test', 9)];

  it('lists every OOD set, the paper\'s pair first, then the train split, with the per-example k beside the other scores', () => {
    const c = comparisonsOf(shipped, 'mnist', 1);
    expect(c.map((x) => `${x.label} (${x.kind})`)).toEqual(['fashionmnist test (ood)', 'bernoulli-noise test (ood)', 'letters test (ood)', 'mnist train (train)']);
    expect(c[0]!.scores.map((s) => s.name)).toEqual(['L>0', 'LLR>1', 'IC(png)', PER_EXAMPLE_K]);
    expect(c[0]!.scores.find((s) => s.name === PER_EXAMPLE_K)!.auroc).toBe(1);
    expect(c[3]!.scores.map((s) => s.name)).toEqual(['L>0', 'LLR>1', 'IC(png)']);
  });

  it('gives live scores the per-example k from the shipped train split', () => {
    const live = [of('mnist', 'test', 1), of('letters', 'test', 9)];
    expect(comparisonsOf(live, 'mnist', 1)[0]!.scores.map((s) => s.name)).not.toContain(PER_EXAMPLE_K);
    expect(comparisonsOf(live, 'mnist', 1, shipped)[0]!.scores.map((s) => s.name)).toContain(PER_EXAMPLE_K);
  });
});
