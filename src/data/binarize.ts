/** Bernoulli binarisation of grey images: each pixel becomes 1 with probability equal to its intensity. */
import { mulberry32, type Rng } from './random.ts';

/** One fresh sample per call; training draws a new one every epoch from a running generator. */
export function dynamicBinarize(images: Float32Array, rng: Rng): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = rng() < images[i]! ? 1 : 0;
  return out;
}

/** The binarisation fixed by `seed`: evaluation scores one seeded binarisation per test set. */
export function binarize(images: Float32Array, seed: number): Float32Array {
  return dynamicBinarize(images, mulberry32(seed));
}

/** Seed of the binarisation that single images (drawings, uploads, `npm run score`) get. */
export const SINGLE_IMAGE_SEED = 0;

/**
 * What the model sees of one grey image: a fixed Bernoulli binarisation, the same kind the
 * test sets get, so the image is scored like the in-distribution reference it is compared with.
 */
export function toModelPixels(grey: Float32Array): Float32Array {
  return binarize(grey, SINGLE_IMAGE_SEED);
}

/** One fixed binarisation seed per (dataset, split), the same for every model and S (FNV-1a of the names). */
export function binarizationSeed(dataset: string, split: string): number {
  let h = 2166136261;
  for (const c of `${dataset}/${split}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}
