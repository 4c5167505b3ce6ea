import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { configByName } from './config.ts';
import { createModel } from './createModel.ts';
import type { HierarchicalVae } from './hierarchicalVae.ts';
import { scoreAll } from './bounds.ts';
import { likelihoodRegret, type RegretOptions, type RegretProgress } from './likelihoodRegret.ts';
import { Trainer } from './training.ts';

beforeAll(async () => {
  await initNodeBackend();
});

/** Eight 28x28 binary images, each a filled rectangle: a structure a few training steps can learn. */
function rectangles(): tf.Tensor4D {
  const D = 28 * 28;
  const pixels = new Float32Array(8 * D);
  for (let n = 0; n < 8; n++) {
    const [top, left] = [4 + 2 * n, 6 + n];
    for (let y = top; y < top + 8; y++) for (let x = left; x < left + 10; x++) pixels[n * D + y * 28 + x] = 1;
  }
  return tf.tensor4d(pixels, [8, 28, 28, 1]);
}

const weights = (model: HierarchicalVae) => new Map([...model.store.vars].map(([name, v]) => [name, v.dataSync().slice()]));

/** The model with a check before every pass: the generative parameters still hold `start`'s values; records whether an inference parameter moved. */
function watched(model: HierarchicalVae, start: Map<string, Float32Array | Int32Array | Uint8Array>): { model: HierarchicalVae; generativeMoved: string[]; inferenceMoved: () => boolean } {
  const generativeMoved: string[] = [];
  let moved = false;
  const changed = (name: string) => model.store.vars.get(name)!.dataSync().some((v, i) => v !== start.get(name)![i]);
  const proxy = new Proxy(model, {
    get(target, prop) {
      if (prop === 'run') {
        return (...args: Parameters<HierarchicalVae['run']>) => {
          for (const name of start.keys()) {
            if (!changed(name)) continue;
            if (model.isInferenceParameter(name)) moved = true;
            else generativeMoved.push(name);
          }
          return target.run(...args);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { model: proxy, generativeMoved, inferenceMoved: () => moved };
}

describe.each(['tiny-grey', 'biva-tiny-grey'])('%s: likelihood regret', (name) => {
  const refit: RegretOptions = { steps: 15, learningRate: 1e-3, samples: 16, seed: 3 };

  it('is exactly zero after zero steps, and the same for the same seed', async () => {
    const model = createModel(configByName(name), 2);
    const x = rectangles();
    model.initialize(x, 1);
    const images = tf.slice(x, 0, 2);
    const none = await likelihoodRegret(model, images, { ...refit, steps: 0 });
    expect(Array.from(none.regret)).toEqual([0, 0]);
    expect(Array.from(none.before).every(Number.isFinite)).toBe(true);
    const seen: RegretProgress[] = [];
    const a = await likelihoodRegret(model, images, refit, (p) => seen.push(p));
    const b = await likelihoodRegret(model, images, refit);
    // Every step of each image, then the image done: what the page's progress line counts.
    const perImage = (n: number) => [...Array.from({ length: refit.steps }, (_, t) => ({ images: n, steps: t + 1 })), { images: n + 1, steps: 0 }];
    expect(seen).toEqual([...perImage(0), ...perImage(1)]);
    expect(Array.from(b.regret)).toEqual(Array.from(a.regret));
    // The ELBO before the refit is the same whatever the refit does.
    expect(Array.from(a.before)).toEqual(Array.from(none.before));
    tf.dispose([x, images]);
    model.dispose();
  });

  it('refits only the inference network and puts every weight back bit for bit, leaking no tensor', async () => {
    const model = createModel(configByName(name), 2);
    const x = rectangles();
    model.initialize(x, 1);
    const images = tf.slice(x, 0, 2);
    const start = weights(model);
    // One scoring first: it fills each layer's kept kernel (ParamStore.derived), a fixed number of tensors.
    await scoreAll(model, images, { samples: 1, lowerLatents: 'mode', seed: 1 });
    const tensors = tf.memory().numTensors;
    const w = watched(model, start);
    await likelihoodRegret(w.model, images, refit);
    expect(w.generativeMoved).toEqual([]);
    expect(w.inferenceMoved()).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
    for (const [n, v] of weights(model)) expect(v, n).toEqual(start.get(n));
    tf.dispose([x, images]);
    model.dispose();
  });

  it('is positive where the encoder has not learned the images, and smaller once it has', async () => {
    const model = createModel(configByName(name), 2);
    const x = rectangles();
    model.initialize(x, 1);
    const scored = tf.slice(x, 0, 4);
    const fresh = await likelihoodRegret(model, scored, refit);
    // With both ELBOs on common draws, the refit's gain stands well above their noise on a fresh encoder.
    for (const r of fresh.regret) expect(r).toBeGreaterThan(0.5);
    const trainer = new Trainer(model, { learningRate: 3e-3, seed: 1 });
    for (let i = 0; i < 60; i++) trainer.step(x, 1, 0);
    trainer.dispose();
    const trained = await likelihoodRegret(model, scored, refit);
    const mean = (v: Float64Array) => v.reduce((s, r) => s + r, 0) / v.length;
    expect(mean(trained.before)).toBeGreaterThan(mean(fresh.before));
    expect(mean(trained.regret)).toBeLessThan(mean(fresh.regret) / 2);
    tf.dispose([x, scored]);
    model.dispose();
  });

  it('refuses a negative or fractional seed or step count', async () => {
    const model = createModel(configByName(name), 2);
    const x = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    await expect(likelihoodRegret(model, x, { ...refit, seed: -1 })).rejects.toThrow(/seed must be/);
    await expect(likelihoodRegret(model, x, { ...refit, steps: 1.5 })).rejects.toThrow(/steps must be/);
    x.dispose();
    model.dispose();
  });
});
