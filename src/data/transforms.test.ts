import { describe, expect, it } from 'vitest';
import { meanOf, sameValues } from './floatArrays.ts';
import { bernoulliNoiseImages, constantImages, flipImagesVertically, invertImages, uniformNoiseImages } from './transforms.ts';

describe('transforms', () => {
  it('inverts x to 1 - x', () => {
    expect(Array.from(invertImages(Float32Array.from([0, 0.25, 1])))).toEqual([1, 0.75, 0]);
  });

  it('flips upside down: row r of each image becomes row 27 - r, and flipping twice gives the images back', () => {
    // Two images whose pixel at (row, column) is image * 10000 + row * 100 + column.
    const images = Float32Array.from({ length: 2 * 784 }, (_, i) => Math.floor(i / 784) * 10000 + Math.floor((i % 784) / 28) * 100 + (i % 28));
    const flipped = flipImagesVertically(images);
    expect(flipped[0]).toBe(2700);
    expect(flipped[27]).toBe(2727);
    expect(flipped[27 * 28 + 5]).toBe(5);
    expect(flipped[784 + 3 * 28 + 4]).toBe(10000 + 2400 + 4);
    expect(sameValues(flipImagesVertically(flipped), images)).toBe(true);
    expect(sameValues(flipped, images)).toBe(false);
  });
});

describe('generators', () => {
  it('makes seeded uniform noise images', () => {
    const a = uniformNoiseImages(10, 1);
    expect(a.length).toBe(10 * 784);
    expect(sameValues(uniformNoiseImages(10, 1), a)).toBe(true);
    expect(sameValues(uniformNoiseImages(10, 2), a)).toBe(false);
    expect(meanOf(a)).toBeCloseTo(0.5, 1);
  });

  it('makes seeded Bernoulli(0.5) noise: every pixel exactly 0 or 1, half of them 1', () => {
    const a = bernoulliNoiseImages(100, 7);
    expect(a.length).toBe(100 * 784);
    expect(a.every((v) => v === 0 || v === 1)).toBe(true);
    expect(meanOf(a)).toBeCloseTo(0.5, 2);
    expect(sameValues(bernoulliNoiseImages(100, 7), a)).toBe(true);
    expect(sameValues(bernoulliNoiseImages(100, 8), a)).toBe(false);
  });

  it('makes seeded constant images: one grey level per image, drawn from [0, 1)', () => {
    const a = constantImages(1000, 7);
    expect(a.length).toBe(1000 * 784);
    const levels = Array.from({ length: 1000 }, (_, i) => a[i * 784]!);
    for (let i = 0; i < 1000; i++) expect(a.subarray(i * 784, (i + 1) * 784).every((v) => v === levels[i])).toBe(true);
    expect(levels.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(levels).size).toBe(1000);
    expect(meanOf(Float32Array.from(levels))).toBeCloseTo(0.5, 1);
    expect(sameValues(constantImages(1000, 8), a)).toBe(false);
  });
});
