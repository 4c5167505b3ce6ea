/**
 * The order and binarisation of training batches, shared by `npm run train` and the page's
 * training worker: each epoch visits the images in a seeded permutation, and each batch gets a
 * Bernoulli binarisation seeded by (run seed, epoch, batch), so a resumed run replays exactly
 * the batches it would have seen. A last batch smaller than the batch size is left out.
 */
import { binarize } from './binarize.ts';
import { mulberry32 } from './random.ts';

/** Seed of the dynamic binarisation of one batch. */
export function batchSeed(seed: number, epoch: number, batch: number): number {
  return (seed * 1_000_003 + epoch * 10_007 + batch) >>> 0;
}

/** The order of the images in one epoch: a Fisher-Yates shuffle seeded by (run seed, epoch). */
export function epochPermutation(n: number, seed: number, epoch: number): Uint32Array {
  const rand = mulberry32(seed * 7919 + epoch);
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Whole batches in one epoch of n images. */
export function batchesPerEpoch(n: number, batchSize: number): number {
  return Math.floor(n / batchSize);
}

/**
 * Batch `b` of an epoch, binarised: images [n * dims] in [0, 1], gathered in the epoch's order
 * into `scratch` (batchSize * dims values, reused between batches).
 */
export function trainingBatch(
  images: Float32Array,
  dims: number,
  order: Uint32Array,
  b: number,
  scratch: Float32Array,
  seed: number,
  epoch: number,
): Float32Array {
  const batchSize = scratch.length / dims;
  for (let i = 0; i < batchSize; i++) {
    const idx = order[b * batchSize + i]!;
    scratch.set(images.subarray(idx * dims, (idx + 1) * dims), i * dims);
  }
  return binarize(scratch, batchSeed(seed, epoch, b));
}
