import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { loadModel } from '../cli/modelFiles.ts';
import { IMAGE_PIXELS } from '../data/imageSet.ts';
import { loadDataset } from '../data/nodeFiles.ts';
import { createModel } from '../hvae/createModel.ts';
import { readRepresentations, withGrams, type InferenceRepresentations, type LayerValues } from '../hvae/representations.ts';
import { compareModels, figure2Images, FIGURE2_FILE, validateFigure2File, type Figure2Layer } from './figure2.ts';

/** Few images keep the test fast; enough for the differences below, which are large at 1,000 images. */
const N = 64;

type LoadedModel = Awaited<ReturnType<typeof loadModel>>['model'];

const mean = (layers: Figure2Layer[], key: 'correlation' | 'cka') => layers.reduce((s, l) => s + l[key]!, 0) / layers.length;

describe('Figure 2 from the shipped models', () => {
  let fashion: LoadedModel;
  let mnist: LoadedModel;
  let x: Float32Array;
  let reps: (m: InferenceRepresentations) => Promise<LayerValues[]>;
  beforeAll(async () => {
    await initNodeBackend();
    fashion = (await loadModel('models/hvae-fashionmnist')).model;
    mnist = (await loadModel('models/hvae-mnist')).model;
    const set = await loadDataset('fashionmnist', 'test');
    x = figure2Images('fashionmnist', set.images, set.count, N, IMAGE_PIXELS).x;
    reps = async (m) => withGrams(await readRepresentations(m, x, N), N);
  }, 60_000);

  it('gives 1 in every layer and both measures for a model against itself', async () => {
    const a = await reps(fashion);
    const layers = await compareModels(a, a, N);
    expect(layers.map((l) => l.name)).toEqual(['b1.1', 'b1.2', 'b1.3', 'z1', 'b2.1', 'b2.2', 'b2.3', 'z2', 'b3.1', 'b3.2', 'b3.3', 'z3']);
    for (const l of layers) {
      expect(l.correlation, l.name).toBeCloseTo(1, 3);
      expect(l.cka, l.name).toBeCloseTo(1, 3);
      expect(l.constantUnits, l.name).toEqual([0, 0]);
    }
    expect(layers.filter((l) => l.latent).map((l) => l.name)).toEqual(['z1', 'z2', 'z3']);
    expect(layers.filter((l) => l.activeUnits).map((l) => l.name)).toEqual(['z1', 'z2', 'z3']);
  }, 60_000);

  it('scores a trained model lower against a freshly initialised one than against a second trained model', async () => {
    const a = await reps(fashion);
    const trained = await compareModels(a, await reps(mnist), N);
    // The second model's configuration before training, initialised from these images as training starts.
    const fresh = createModel(mnist.config, 1);
    const first = tf.tensor4d(x, [N, 28, 28, 1]);
    fresh.initialize(first);
    first.dispose();
    const untrained = await compareModels(a, await reps(fresh), N);
    fresh.dispose();
    expect(mean(untrained, 'cka')).toBeLessThan(mean(trained, 'cka') - 0.05);
    expect(mean(untrained, 'correlation')).toBeLessThan(mean(trained, 'correlation') - 0.02);
    for (const l of trained) expect(l.cka!, l.name).toBeLessThanOrEqual(1);
  }, 60_000);
});

describe('the committed figure file', () => {
  it('is valid and compares two shipped models, every layer with each model\'s unit counts', async () => {
    const file = validateFigure2File(JSON.parse(await readFile(FIGURE2_FILE, 'utf8')), FIGURE2_FILE);
    for (const m of file.models) expect((await readFile(`models/${m.name}/model.json`, 'utf8')).length).toBeGreaterThan(0);
    for (const s of file.series) {
      expect(s.count).toBeGreaterThanOrEqual(1000);
      for (const l of s.layers) expect(l.constantUnits[0] + l.constantUnits[1]).toBeLessThanOrEqual(l.units[0] + l.units[1]);
    }
    expect(new Set(file.series.map((s) => `${s.dataset} ${s.against}`)).size).toBe(file.series.length);
  });

  it('is refused with the reason when malformed', () => {
    expect(() => validateFigure2File({ models: [{ name: 'a' }, { name: 'b' }], series: [] }, 'f.json')).toThrow(/f.json: no series/);
    const layer = { name: 'z1', latent: true, correlation: 1.5, cka: 0.5, units: [8, 8], constantUnits: [0, 0] };
    const series = [{ dataset: 'mnist', count: 10, against: 'trained', layers: [layer] }];
    expect(() => validateFigure2File({ models: [{ name: 'a' }, { name: 'b' }], series }, 'f.json')).toThrow(/layer z1 .* \[0, 1\]/);
  });
});
