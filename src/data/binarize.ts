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
