/** Image transforms that make the derived out-of-distribution sets. */
import { mulberry32 } from './random.ts';
import { IMAGE_PIXELS } from './imageSet.ts';

/** x -> 1 - x, as the paper's Appendix A makes its inverted sets. */
export function invertImages(images: Float32Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = 1 - images[i]!;
  return out;
}

/** `count` images of independent Uniform[0, 1) pixels. */
export function uniformNoiseImages(count: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const out = new Float32Array(count * IMAGE_PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = rng();
  return out;
}
