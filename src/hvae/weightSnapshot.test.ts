import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { TINY_GREY } from './config.ts';
import { Hvae } from './model.ts';
import { StepStatsMean, Trainer } from './training.ts';
import { WeightSnapshot } from './weightSnapshot.ts';

describe('weight snapshots and step statistics', () => {
  beforeAll(async () => {
    await initNodeBackend();
  });

  it('restores the weights of the moment it was taken, after training moved them', () => {
    const model = new Hvae(TINY_GREY, 4);
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 2), 0.8), 'float32')) as tf.Tensor4D;
    model.initialize(x);
    const weights = () => [...model.store.vars.values()].map((v) => Array.from(v.dataSync()));
    const before = weights();
    const snapshot = WeightSnapshot.of(model);
    const trainer = new Trainer(model, { learningRate: 1e-2, seed: 1 });
    for (let i = 0; i < 3; i++) trainer.step(x, 1, 0);
    expect(weights()).not.toEqual(before);
    const tensors = tf.memory().numTensors;
    snapshot.restoreInto(model);
    expect(weights()).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    snapshot.dispose();
    expect(tf.memory().numTensors).toBe(tensors - model.store.vars.size);
    trainer.dispose();
    model.dispose();
    x.dispose();
  });

  it('averages step statistics', () => {
    const m = new StepStatsMean(2);
    expect(m.mean()).toEqual({ loss: 0, elbo: 0, logPxGivenZ: 0, kl: [0, 0] });
    m.add({ loss: 10, elbo: -10, logPxGivenZ: -8, kl: [1, 1], gradNorm: 3 });
    m.add({ loss: 20, elbo: -20, logPxGivenZ: -14, kl: [3, 3], gradNorm: 5 });
    expect(m.count).toBe(2);
    expect(m.mean()).toEqual({ loss: 15, elbo: -15, logPxGivenZ: -11, kl: [2, 2] });
  });
});
