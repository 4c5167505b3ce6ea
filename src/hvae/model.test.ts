import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { TINY_GREY, validateConfig, type HvaeConfig } from './config.ts';
import { Hvae } from './model.ts';
import { NoiseSource } from './noise.ts';

/** Two blocks per stage, so that "every block" differs from "the first block". */
const TWO_BLOCKS: HvaeConfig = {
  ...TINY_GREY,
  name: 'tiny-two-blocks',
  stages: TINY_GREY.stages.map((s) => ({ ...s, blocks: [{ ...s.blocks[0]!, stride: 1 }, s.blocks[0]!] })),
};

function elbo(model: Hvae, x: tf.Tensor4D): Float32Array {
  return tf.tidy(() => model.run(x, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(null) }).logWeight.dataSync() as Float32Array);
}

describe('model options of the paper code: skips into every block, gated blocks', () => {
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await initNodeBackend();
    x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 4), 0.8), 'float32')) as tf.Tensor4D;
  });

  it('by default only the first block of a stage takes the skip features', () => {
    const names = [...new Hvae(TWO_BLOCKS, 1).store.vars.keys()];
    expect(names).toContain('stage2/q/block1/aux/v');
    expect(names).not.toContain('stage2/q/block2/aux/v');
    expect(names).toContain('stage1/p/block1/aux/v');
    expect(names).not.toContain('stage1/p/block2/aux/v');
  });

  it('with skipEveryBlock every block takes them, and each one changes the ELBO', () => {
    const model = new Hvae({ ...TWO_BLOCKS, skipEveryBlock: true }, 1);
    model.initialize(x);
    const before = elbo(model, x);
    // The gain, not the direction v: weight normalisation makes the layer blind to v's scale.
    for (const name of ['stage2/q/block2/aux/g', 'stage1/p/block2/aux/g']) {
      const v = model.store.vars.get(name);
      expect(v, name).toBeDefined();
      const saved = v!.clone();
      v!.assign(tf.tidy(() => tf.mul(saved, 3)));
      const after = elbo(model, x);
      expect(Math.abs(after[0]! - before[0]!), name).toBeGreaterThan(1e-3);
      v!.assign(saved);
      saved.dispose();
    }
    model.dispose();
  });

  it('gated blocks double the second convolution and gate it', () => {
    const plain = new Hvae(TWO_BLOCKS, 1);
    const gated = new Hvae({ ...TWO_BLOCKS, gated: true }, 1);
    const channels = TWO_BLOCKS.stages[0]!.blocks[0]!.channels;
    expect(plain.store.vars.get('stage1/q/block1/conv2/v')!.shape[3]).toBe(channels);
    expect(gated.store.vars.get('stage1/q/block1/conv2/v')!.shape[3]).toBe(2 * channels);
    gated.initialize(x);
    const e = elbo(gated, x);
    expect(Array.from(e).every(Number.isFinite)).toBe(true);
    plain.dispose();
    gated.dispose();
  });

  it('a config file with a non-boolean option is refused', () => {
    expect(() => validateConfig({ ...TWO_BLOCKS, gated: 'yes' })).toThrow(/gated must be true or false/);
    expect((validateConfig({ ...TWO_BLOCKS, skipEveryBlock: true }) as HvaeConfig).skipEveryBlock).toBe(true);
  });
});

describe('replicas: the deterministic encoder runs once per image', () => {
  it('equals scoring the tiled batch, sample by sample, for every k and both lower-latent modes', async () => {
    await initNodeBackend();
    const model = new Hvae({ ...TWO_BLOCKS, skipEveryBlock: true }, 2);
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 9), 0.7), 'float32')) as tf.Tensor4D;
    model.initialize(x);
    for (const lowerLatents of ['mode', 'sample'] as const) {
      for (let k = 0; k <= model.numStages; k++) {
        const [tiled, replicated] = tf.tidy(() => [
          model.run(tf.tile(x, [3, 1, 1, 1]) as tf.Tensor4D, { k, lowerLatents, noise: new NoiseSource(5) }).logWeight.arraySync(),
          model.run(x, { k, lowerLatents, noise: new NoiseSource(5), replicas: 3 }).logWeight.arraySync(),
        ]);
        expect(replicated).toHaveLength(6);
        // Different samples per copy: otherwise the comparison would not see a wrong order.
        if (k < model.numStages || lowerLatents === 'sample') expect(Math.abs(tiled[0]! - tiled[2]!)).toBeGreaterThan(1e-3);
        replicated.forEach((v, i) => expect(v, `k=${k} ${lowerLatents} row ${i}`).toBeCloseTo(tiled[i]!, 3));
      }
    }
    expect(() => model.run(x, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(1), replicas: 0 })).toThrow(/replicas/);
    x.dispose();
    model.dispose();
  });
});
