import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareEvalFiles, compareEvalFilesInDetail, comparedFiles, engineOf, roundScore, validateEvalFile, type EvalFile } from './evalFile.ts';
import { auroc } from './metrics.ts';
import { PER_EXAMPLE_K, sortScoreNames } from './protocol.ts';

function file(dataset: string, values: Record<string, number[]>): EvalFile {
  const n = Object.values(values)[0]!.length;
  return { model: 'm', dataset, split: 'test', importance_samples: 1, indices: Array.from({ length: n }, (_, i) => 100 + i), scores: values };
}

describe('comparing eval files', () => {
  const inFile = file('a', { 'L>0': [-10, -11, -12, -13, -14, -15], 'LLR>0': [0, 0, 0, 0, 0, 0], 'LLR>1': [1, 2, 3, 4, 5, 6] });
  const oodFile = file('b', { 'L>0': [-9, -8, -20], 'LLR>0': [0, 0, 0], 'LLR>1': [7, 8, 0] });

  it('samples equal counts, keeps positions and raw values aligned, and skips LLR>0', () => {
    const detail = compareEvalFilesInDetail(inFile, oodFile, 3);
    expect(detail.map((c) => c.name)).toEqual(['L>0', 'LLR>1']);
    for (const c of detail) {
      expect(c.n).toBe(3);
      expect(c.inPositions.length).toBe(3);
      expect(Array.from(c.oodPositions)).toEqual([0, 1, 2]);
      c.inPositions.forEach((p, i) => expect(c.inValues[i]).toBe(inFile.scores[c.name]![p]));
    }
  });

  it('scores bounds by -L and ratios by +LLR, and the summary matches the curves', () => {
    const [bound, ratio] = compareEvalFilesInDetail(inFile, oodFile, 3);
    const negate = (v: Float64Array) => v.map((x) => -x);
    expect(bound!.auroc).toBeCloseTo(auroc(negate(bound!.inValues), negate(bound!.oodValues)), 12);
    expect(ratio!.auroc).toBeCloseTo(auroc(ratio!.inValues, ratio!.oodValues), 12);
    // OOD LLR>1 values 7 and 8 beat every in-distribution value; 0 beats none: AUROC 2/3.
    expect(ratio!.auroc).toBeCloseTo(2 / 3, 12);
    expect(ratio!.roc[0]).toEqual({ threshold: Infinity, fpr: 0, tpr: 0 });
    expect(ratio!.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(compareEvalFiles(inFile, oodFile, 3)['LLR>1']).toEqual({ auroc: ratio!.auroc, auprc: ratio!.auprc, fpr80: ratio!.fpr80, n: 3 });
  });

  it('compares the baselines beside the bounds, each as it is, and reads files with or without them', () => {
    const withBaselines = (f: EvalFile, ic: number[], lr: number[]): EvalFile => ({
      ...f,
      scores: { ...f.scores, 'IC(png)': ic, LR: lr },
      likelihood_regret: { steps: 100, learning_rate: 2e-4, samples: 100 },
    });
    const a = validateEvalFile(JSON.parse(JSON.stringify(withBaselines(inFile, [1, 2, 3, 4, 5, 6], [0, 0, 1, 0, 1, 0]))), 'a.json');
    const b = withBaselines(oodFile, [9, 9, 0], [5, 5, 5]);
    const m = compareEvalFiles(a, b, 3);
    expect(Object.keys(m)).toEqual(['L>0', 'LLR>1', 'IC(png)', 'LR']);
    expect(m['LR']!.auroc).toBe(1);
    const ic = compareEvalFilesInDetail(a, b, 3).find((c) => c.name === 'IC(png)')!;
    expect(ic.auroc).toBeCloseTo(auroc(ic.inValues, ic.oodValues), 12);
    // A file from before the baselines still compares, on the scores both files have.
    expect(Object.keys(compareEvalFiles(inFile, b, 3))).toEqual(['L>0', 'LLR>1']);
    expect(() => validateEvalFile({ ...a, likelihood_regret: { steps: 100 } }, 'c.json')).toThrow(/c.json: likelihood_regret needs steps, learning_rate and samples/);
  });

  it('refuses a file whose score arrays do not match its indices', () => {
    expect(() => validateEvalFile({ ...inFile, scores: { 'L>0': [1] } }, 'x.json')).toThrow(/x.json: score L>0 has 1 values for 6 examples/);
  });
});

describe('reading the ratios a file does not store', () => {
  // A file as the writers stored it before they dropped the ratios: two examples, L = 2, l = 1,
  // values to 1e-4 nats; each ratio is its difference worked by hand (-0.3 - -0.1 is -0.19999999999999998 in floats).
  const old = {
    'L>0': [-100.5, -0.3],
    'L>1': [-98.125, -0.1],
    'L>2': [-97, -0.0001],
    'LLR>1': [-2.375, -0.2],
    'LLR>2': [-3.5, -0.2999],
    'L<1': [-120.25, -1],
    'LLR>0<1': [-19.75, -0.7],
    'LLR>1<1': [-22.125, -0.9],
    'LLR>2<1': [-23.25, -0.9999],
    'IC(png)': [1.5, 2.5],
    LR: [0.25, 0],
  };
  const stored = (scores: Record<string, number[]>) => ({ model: 'm', dataset: 'mnist', split: 'test', importance_samples: 1, indices: [3, 8], scores });
  const { 'LLR>1': _1, 'LLR>2': _2, 'LLR>0<1': _01, 'LLR>1<1': _11, 'LLR>2<1': _21, ...bounds } = old;

  it('gives a file of bounds the scores, keys in order and values, of the old file it came from', () => {
    const read = validateEvalFile(JSON.parse(JSON.stringify(stored(bounds))), 'new.json').scores;
    expect(Object.keys(read)).toEqual(Object.keys(old));
    expect(read).toEqual(old);
  });

  it('reads an old file as it is, a ratio it holds keeping its own values', () => {
    const ownRatio = { ...old, 'LLR>1': [-2.3751, -0.2001] };
    expect(validateEvalFile(stored(ownRatio), 'old.json').scores).toEqual(ownRatio);
    expect(Object.keys(validateEvalFile(stored(ownRatio), 'old.json').scores)).toEqual(Object.keys(old));
  });

  it('derives LLR>k only beside L>0, and LLR>k<l for every L>k there is', () => {
    const noElbo = validateEvalFile(stored({ 'L>1': [-1, -2], 'L<2': [-3, -3] }), 'x.json').scores;
    expect(noElbo).toEqual({ 'L>1': [-1, -2], 'L<2': [-3, -3], 'LLR>1<2': [-2, -1] });
  });

  it('derives LLR>1 of a committed file as L>0 - L>1, to 1e-4 nats', () => {
    const path = 'models/hvae-fashionmnist/eval/mnist-test-S1.json';
    const raw = JSON.parse(readFileSync(path, 'utf8')) as EvalFile;
    expect(raw.scores).not.toHaveProperty('LLR>1');
    const s = validateEvalFile(raw, path).scores;
    // Stored: the bounds L>k and L<l, IC(png) and LR; derived: LLR>k, and LLR>k<l after each L<l.
    const below = (l: number) => [`L<${l}`, ...[0, 1, 2, 3].map((k) => `LLR>${k}<${l}`)];
    expect(Object.keys(s)).toEqual(['L>0', 'L>1', 'L>2', 'L>3', 'LLR>1', 'LLR>2', 'LLR>3', ...below(1), ...below(2), ...below(3), 'IC(png)', 'LR']);
    expect(s['LLR>1']).toHaveLength(10000);
    expect(s['LR']).toHaveLength(10000);
    // Both bounds are stored to 1e-4 nats, so their difference needs no more than float error to be exact.
    const worst = Math.max(...s['LLR>1']!.map((v, i) => Math.abs(v - (s['L>0']![i]! - s['L>1']![i]!))));
    expect(worst).toBeLessThan(1e-9);
    expect(s['LLR>1']!.every((v) => v === roundScore(v))).toBe(true);
  });
});

describe('score order', () => {
  it('puts bounds before ratios, each by k, numerically', () => {
    expect(sortScoreNames(['LLR>2', 'L>10', 'L>2', 'LLR>1', 'L>0'])).toEqual(['L>0', 'L>2', 'L>10', 'LLR>1', 'LLR>2']);
    expect(() => sortScoreNames(['ELBO'])).toThrow(/unknown score name/);
  });
});

describe('engineOf', () => {
  const base = { model: 'm', dataset: 'mnist', split: 'test' as const, importance_samples: 1, indices: [], scores: {} };
  it('names the engine a file records, and tfjs wasm for files from before engines were named', () => {
    expect(engineOf({ ...base, engine: 'pytorch 2.5.1 NVIDIA H200' })).toBe('pytorch 2.5.1 NVIDIA H200');
    expect(engineOf(base)).toBe('tfjs wasm (npm run eval)');
  });
});

describe('comparedFiles', () => {
  const scores = (shift: number) => ({ 'L>0': [-10, -11, -12, -13].map((v) => v - shift), 'LLR>1': [1, 2, 3, 4].map((v) => v + shift), 'LLR>2': [2, 1, 4, 3].map((v) => v + shift) });
  const of = (dataset: string, split: 'train' | 'test', shift: number, S = 1): EvalFile => ({ ...file(dataset, scores(shift)), split, importance_samples: S });
  const files = [
    of('noise', 'test', 9),
    of('fashionmnist', 'train', 0),
    of('letters', 'test', 3),
    of('mnist', 'test', 5),
    of('fashionmnist', 'test', 0),
    of('mnist', 'test', 5, 100),
    of('constant', 'test', 7),
  ];

  it('lists the paper\'s OOD pair first, the other OOD sets by name and the train split last, of one S only', () => {
    const c = comparedFiles(files, 'fashionmnist', 1);
    expect(c.map((x) => `${x.otherFile.dataset} ${x.otherFile.split} ${x.kind}`)).toEqual([
      'mnist test ood',
      'constant test ood',
      'letters test ood',
      'noise test ood',
      'fashionmnist train train',
    ]);
    expect(comparedFiles(files, 'fashionmnist', 100)).toEqual([]);
  });

  it('adds the per-example choice of k, its reference the train split, to both sides of each OOD comparison only', () => {
    const c = comparedFiles(files, 'fashionmnist', 1);
    for (const x of c.filter((y) => y.kind === 'ood')) {
      expect(x.inFile.scores[PER_EXAMPLE_K]).toHaveLength(4);
      expect(x.otherFile.scores[PER_EXAMPLE_K]).toHaveLength(4);
      // Shifted past every train value on both LLR>k: the top percentile.
      if (x.otherFile.dataset === 'noise') expect(x.otherFile.scores[PER_EXAMPLE_K]).toEqual([1, 1, 1, 1]);
    }
    const train = c.find((y) => y.kind === 'train')!;
    expect(PER_EXAMPLE_K in train.inFile.scores || PER_EXAMPLE_K in train.otherFile.scores).toBe(false);
    expect(compareEvalFiles(c[0]!.inFile, c[0]!.otherFile)[PER_EXAMPLE_K]!.auroc).toBe(1);
  });

  it('takes the train split from `reference` when the files compared have none (live scores)', () => {
    const live = [of('fashionmnist', 'test', 0), of('mnist', 'test', 5)];
    expect(PER_EXAMPLE_K in comparedFiles(live, 'fashionmnist', 1)[0]!.otherFile.scores).toBe(false);
    expect(comparedFiles(live, 'fashionmnist', 1, files)[0]!.otherFile.scores[PER_EXAMPLE_K]).toHaveLength(4);
  });
});
