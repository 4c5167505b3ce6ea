import { describe, expect, it } from 'vitest';
import { binarize } from './binarize.ts';
import { batchSeed, batchesPerEpoch, epochPermutation, trainingBatch } from './trainingBatches.ts';

describe('training batches', () => {
  it('each epoch visits every image once, in an order fixed by (seed, epoch)', () => {
    const p = epochPermutation(500, 3, 2);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(Array.from(epochPermutation(500, 3, 2))).toEqual(Array.from(p));
    expect(Array.from(epochPermutation(500, 3, 3))).not.toEqual(Array.from(p));
    expect(Array.from(epochPermutation(500, 4, 2))).not.toEqual(Array.from(p));
    // Pinned: runs resumed from older checkpoints must replay the same order.
    expect(Array.from(epochPermutation(10, 1, 0))).toEqual([4, 2, 8, 0, 7, 1, 5, 3, 9, 6]);
    expect(batchSeed(1, 2, 3)).toBe(1020020);
  });

  it('drops a last partial batch', () => {
    expect(batchesPerEpoch(64, 16)).toBe(4);
    expect(batchesPerEpoch(70, 16)).toBe(4);
    expect(batchesPerEpoch(10, 16)).toBe(0);
  });

  it('gathers the images of batch b in epoch order and binarises them with the batch seed', () => {
    const dims = 4;
    const n = 6;
    // Image i has every pixel at i / 10: which image went where shows in the binarisation's probabilities.
    const images = Float32Array.from({ length: n * dims }, (_, j) => Math.floor(j / dims) / 10);
    const order = Uint32Array.from([5, 0, 3, 1, 4, 2]);
    const scratch = new Float32Array(2 * dims);
    const x = trainingBatch(images, dims, order, 1, scratch, 7, 2);
    expect(Array.from(scratch)).toEqual([0.3, 0.3, 0.3, 0.3, 0.1, 0.1, 0.1, 0.1].map((v) => Math.fround(v)));
    expect(Array.from(x)).toEqual(Array.from(binarize(scratch, batchSeed(7, 2, 1))));
    expect(x.every((v) => v === 0 || v === 1)).toBe(true);
  });
});
