import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { TINY_GREY } from './config.ts';
import { Hvae } from './model.ts';
import { imagesToTensor, scoreAll } from './bounds.ts';
import { NoiseSource } from './noise.ts';

describe('no tensor leaks', () => {
  beforeAll(async () => {
    await initNodeBackend();
  });

  it('tensor count and bytes stay flat over a thousand scorings with reconstructions', async () => {
    const model = new Hvae(TINY_GREY, 1);
    const image = new Float32Array(784).map((_, i) => (i % 7 === 0 ? 1 : 0));
    const score = async () => {
      const x = imagesToTensor(image, 1);
      await scoreAll(model, x, { samples: 2, lowerLatents: 'sample', seed: 3, reconstructions: true });
      x.dispose();
      tf.dispose(model.samplePrior(1, new NoiseSource(1)));
    };
    await score();
    const before = tf.memory();
    for (let i = 0; i < 1000; i++) await score();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    model.dispose();
  });
});
