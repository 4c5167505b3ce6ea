import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../assets.ts';
import { defaultModel } from '../assets.ts';
import { modelPair } from './useFigure2.ts';

const entry = (name: string, dataset: string | null, kind: string): ModelEntry => ({ name, dataset, kind, card: null, evalFiles: [] });

describe('the default model and the pair of Figure 2', () => {
  // Listed as the index lists them: by folder name, so BIVA's come first.
  const shipped = [
    entry('biva-fashionmnist', 'fashionmnist', 'biva'),
    entry('biva-mnist', 'mnist', 'biva'),
    entry('hvae-fashionmnist', 'fashionmnist', 'hvae'),
    entry('hvae-mnist', 'mnist', 'hvae'),
  ];

  it('opens the paper\'s FashionMNIST HVAE wherever it is listed, else the first model', () => {
    expect(defaultModel(shipped)?.name).toBe('hvae-fashionmnist');
    expect(defaultModel(shipped.slice(0, 2))?.name).toBe('biva-fashionmnist');
    expect(defaultModel([])).toBeNull();
  });

  it('pairs two models of one kind trained on different datasets', () => {
    expect(modelPair(shipped)?.map((m) => m.name)).toEqual(['hvae-fashionmnist', 'hvae-mnist']);
    expect(modelPair(shipped.slice(0, 2))?.map((m) => m.name)).toEqual(['biva-fashionmnist', 'biva-mnist']);
    // No model of the same kind on another dataset: another kind rather than no figure.
    expect(modelPair([shipped[0]!, shipped[3]!])?.map((m) => m.name)).toEqual(['biva-fashionmnist', 'hvae-mnist']);
    expect(modelPair([shipped[0]!, shipped[2]!])).toBeNull();
  });
});
