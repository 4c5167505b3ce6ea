/**
 * The named transforms and generators of the dataset registry (datasets.json): derived sets transform
 * every image of their source, generated sets draw from a seed. pytorch/hvae_torch/data.py implements
 * the same names and draws the same mulberry32 stream, so both engines build the same images.
 */
import { mulberry32 } from './random.ts';
import { IMAGE_PIXELS, IMAGE_SIDE } from './imageSet.ts';

/** x -> 1 - x, as the paper's Appendix A makes its inverted sets. */
export function invertImages(images: Float32Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = 1 - images[i]!;
  return out;
}

/** Every image upside down: its rows in reverse order. */
export function flipImagesVertically(images: Float32Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let start = 0; start < images.length; start += IMAGE_PIXELS) {
    for (let row = 0; row < IMAGE_SIDE; row++) {
      const from = start + (IMAGE_SIDE - 1 - row) * IMAGE_SIDE;
      out.set(images.subarray(from, from + IMAGE_SIDE), start + row * IMAGE_SIDE);
    }
  }
  return out;
}

/** `count` images of independent Uniform[0, 1) pixels. */
export function uniformNoiseImages(count: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(count * IMAGE_PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = rng();
  return out;
}

/** `count` images of independent pixels, each 1 with probability 0.5, else 0. */
export function bernoulliNoiseImages(count: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(count * IMAGE_PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = rng() < 0.5 ? 1 : 0;
  return out;
}

/** `count` images, each filled with one grey level drawn from Uniform[0, 1). */
export function constantImages(count: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(count * IMAGE_PIXELS);
  for (let i = 0; i < count; i++) out.fill(rng(), i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
  return out;
}

export const TRANSFORMS = {
  invert: invertImages,
  'flip-vertical': flipImagesVertically,
} satisfies Record<string, (images: Float32Array) => Float32Array>;

export const GENERATORS = {
  uniform: uniformNoiseImages,
  bernoulli: bernoulliNoiseImages,
  constant: constantImages,
} satisfies Record<string, (count: number, seed: number) => Float32Array>;

export type TransformName = keyof typeof TRANSFORMS;
export type GeneratorName = keyof typeof GENERATORS;
