import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { TINY_GREY } from '../hvae/config.ts';
import { Hvae } from '../hvae/model.ts';
import { Trainer, flatWeights, setFlatWeights, shardGradients, stepNoiseSeed } from '../hvae/training.ts';
import { GradientWorkers } from './gradientWorkers.ts';

const D = 28 * 28;

function binaryBatch(n: number, seed: number): Float32Array {
  return tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([n * D], 0, 1, 'float32', seed), 0.8), 'float32').dataSync() as Float32Array);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('data-parallel training', () => {
  let workers: GradientWorkers;
  beforeAll(async () => {
    await initNodeBackend();
    workers = await GradientWorkers.start(TINY_GREY, 1);
  });
  afterAll(async () => {
    await workers.close();
  });

  it('a step with no other shards is the unsharded step, also after unsharded steps (a resumed run)', async () => {
    const x = tf.tensor4d(binaryBatch(4, 1), [4, 28, 28, 1]);
    const a = new Hvae(TINY_GREY, 3);
    a.initialize(x);
    const b = new Hvae(TINY_GREY, 3);
    setFlatWeights(b, flatWeights(a));
    const ta = new Trainer(a, { learningRate: 1e-3, seed: 5 });
    const tb = new Trainer(b, { learningRate: 1e-3, seed: 5 });
    ta.step(x, 1, 2);
    tb.step(x, 1, 2);
    const sa = ta.step(x, 1, 2);
    const sb = await tb.stepSharded(x, 1, 2, async () => []);
    expect(sb.loss).toBe(sa.loss);
    expect(maxAbsDiff(flatWeights(a), flatWeights(b))).toBe(0);
    [ta, tb, a, b, x].forEach((t) => t.dispose());
  });

  it('two shards, one on a worker thread, apply the mean of the shards gradients', async () => {
    const halves = [binaryBatch(4, 2), binaryBatch(4, 3)];
    const x0 = tf.tensor4d(halves[0]!, [4, 28, 28, 1]);
    const x1 = tf.tensor4d(halves[1]!, [4, 28, 28, 1]);
    const model = new Hvae(TINY_GREY, 3);
    model.initialize(x0);
    const start = flatWeights(model);

    // The expected step, by hand: both shards' gradients in this thread, averaged, one Adam step.
    const ref = new Hvae(TINY_GREY, 3);
    setFlatWeights(ref, start);
    const g0 = shardGradients(ref, x0, 1, 2, 'element', stepNoiseSeed(5, 0, 0));
    const g1 = shardGradients(ref, x1, 1, 2, 'element', stepNoiseSeed(5, 0, 1));
    const adam = tf.train.adam(1e-3);
    let offset = 0;
    const mean = [...ref.store.vars.values()].map((v) => {
      const g = tf.tensor(g0.grads.subarray(offset, offset + v.size).map((a, i) => (a + g1.grads[offset + i]!) / 2), v.shape);
      offset += v.size;
      return { name: v.name, tensor: g };
    });
    adam.applyGradients(mean);
    const expected = flatWeights(ref);

    const trainer = new Trainer(model, { learningRate: 1e-3, seed: 5 });
    const stats = await trainer.stepSharded(x0, 1, 2, (index) =>
      workers.compute(model, [halves[1]!], { seed: 5, index, beta: 1, freeBits: 2, freeBitsPer: 'element' }),
    );
    expect(stats.loss).toBeCloseTo((g0.loss + g1.loss) / 2, 3);
    const got = flatWeights(model);
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-6);
    // The other shard counted: shard 0 alone moves the weights elsewhere.
    const alone = new Hvae(TINY_GREY, 3);
    setFlatWeights(alone, start);
    const aloneTrainer = new Trainer(alone, { learningRate: 1e-3, seed: 5 });
    aloneTrainer.step(x0, 1, 2);
    expect(maxAbsDiff(flatWeights(alone), expected)).toBeGreaterThan(1e-5);
    tf.dispose(mean.map((m) => m.tensor));
    [adam, trainer, aloneTrainer, model, ref, alone, x0, x1].forEach((t) => t.dispose());
  });

  it('flat weights of the wrong size are refused', () => {
    const model = new Hvae(TINY_GREY, 3);
    expect(() => setFlatWeights(model, new Float32Array(10))).toThrow(/hold 10 values/);
    model.dispose();
  });
});
