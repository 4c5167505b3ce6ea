import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { TINY_GREY, type HvaeConfig } from './config.ts';
import { Hvae } from './model.ts';
import { NoiseSource } from './noise.ts';
import { readRepresentations } from './representations.ts';

/** Two blocks per stage, the second at stride 1, so every stage lists two block outputs of known shapes. */
const TWO_BLOCKS: HvaeConfig = {
  ...TINY_GREY,
  name: 'tiny-two-blocks',
  stages: TINY_GREY.stages.map((s) => ({ ...s, blocks: [s.blocks[0]!, { ...s.blocks[0]!, stride: 1 }] })),
};

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('the inference network layer by layer', () => {
  let model: Hvae;
  let images: Float32Array;
  beforeAll(async () => {
    await initNodeBackend();
    model = new Hvae(TWO_BLOCKS, 3);
    images = Float32Array.from({ length: 5 * 784 }, (_, i) => ((i * 7919) % 13 < 4 ? 1 : 0));
    const x = tf.tensor4d(images, [5, 28, 28, 1]);
    model.initialize(x);
    x.dispose();
  });

  it('lists every block output and posterior mean, bottom to top, with the shapes the configuration gives', () => {
    const x = tf.tensor4d(images.subarray(0, 2 * 784), [2, 28, 28, 1]);
    const layers = tf.tidy(() => model.representations(x).map((l) => ({ name: l.name, latent: l.latent, shape: l.tensor.shape })));
    x.dispose();
    const L = TWO_BLOCKS.stages.length;
    expect(layers.map((l) => l.name)).toEqual(Array.from({ length: L }, (_, i) => [`b${i + 1}.1`, `b${i + 1}.2`, `z${i + 1}`]).flat());
    expect(layers.map((l) => l.latent)).toEqual(layers.map((l) => l.name.startsWith('z')));
    let side = 28;
    TWO_BLOCKS.stages.forEach((s, i) => {
      side /= s.blocks[0]!.stride;
      const block = [2, side, side, s.blocks[0]!.channels];
      expect(layers[3 * i]!.shape).toEqual(block);
      expect(layers[3 * i + 1]!.shape).toEqual(block);
      expect(layers[3 * i + 2]!.shape).toEqual(s.latent.kind === 'conv' ? [2, side, side, s.latent.channels] : [2, s.latent.units]);
    });
  });

  it('has as latents the posterior means that the forward pass uses when no noise is drawn', () => {
    const x = tf.tensor4d(images, [5, 28, 28, 1]);
    const [ours, pass] = tf.tidy(() => {
      const reps = model.representations(x).filter((l) => l.name.startsWith('z'));
      const latents = model.run(x, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(null) }).latents;
      return [reps.map((l) => Array.from(l.tensor.dataSync())), latents.map((z) => Array.from(z.dataSync()))];
    });
    x.dispose();
    expect(ours).toHaveLength(pass.length);
    ours.forEach((z, i) => {
      const scale = Math.max(...pass[i]!.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      expect(maxDifference(z, pass[i]!)).toBeLessThan(1e-5 * scale);
    });
  });

  it('reads the same values in batches as in one batch', async () => {
    const whole = await readRepresentations(model, images, 5, 5);
    const batched = await readRepresentations(model, images, 5, 2);
    expect(batched.map((l) => [l.name, l.shape])).toEqual(whole.map((l) => [l.name, l.shape]));
    batched.forEach((l, i) => {
      expect(l.values.length).toBe(5 * l.shape.reduce((a, b) => a * b, 1));
      expect(maxDifference(l.values, whole[i]!.values)).toBeLessThan(1e-5);
    });
    await expect(readRepresentations(model, images.subarray(0, 100), 5)).rejects.toThrow(/expected 5 x 784/);
  });
});
