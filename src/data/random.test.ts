import { describe, expect, it } from 'vitest';
import { meanOf, sameValues } from './floatArrays.ts';
import { mulberry32 } from './random.ts';
import { binarize, dynamicBinarize } from './binarize.ts';

describe('mulberry32', () => {
  it('replays per seed, differs across seeds, stays in [0, 1) with mean 1/2', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 100_000 }, () => a());
    expect(Array.from({ length: 100_000 }, () => b())).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 2);
  });
});

describe('binarisation', () => {
  const grey = Float32Array.from({ length: 200_000 }, (_, i) => (i % 256) / 255);

  it('gives only 0 and 1, keeps 0 at 0 and 1 at 1', () => {
    const b = binarize(grey, 1);
    expect(b.every((v) => v === 0 || v === 1)).toBe(true);
    for (let i = 0; i < grey.length; i++) {
      if (grey[i] === 0) expect(b[i]).toBe(0);
      if (grey[i] === 1) expect(b[i]).toBe(1);
    }
  });

  it('is fixed by its seed and differs across seeds', () => {
    expect(sameValues(binarize(grey, 7), binarize(grey, 7))).toBe(true);
    expect(sameValues(binarize(grey, 7), binarize(grey, 8))).toBe(false);
  });

  it('keeps the mean intensity', () => {
    expect(meanOf(binarize(grey, 3))).toBeCloseTo(meanOf(grey), 2);
  });

  it('draws a fresh sample on every call with a running generator', () => {
    const rng = mulberry32(5);
    const first = dynamicBinarize(grey, rng);
    const second = dynamicBinarize(grey, rng);
    expect(sameValues(second, first)).toBe(false);
    expect(sameValues(first, binarize(grey, 5))).toBe(true);
  });
});
