import { describe, expect, it } from 'vitest';
import { imageSetFromIdx } from './imageSet.ts';
import { PreprocessError, luma, takeAsIs, toModelInput, type RgbaImage } from './picture.ts';

/** A 28x28 RGBA picture of grey bytes. */
function greyPicture(bytes: Uint8Array, alpha = 255): RgbaImage {
  const data = new Uint8ClampedArray(bytes.length * 4);
  bytes.forEach((v, i) => data.set([v, v, v, alpha], i * 4));
  return { width: 28, height: 28, data };
}

describe('luma', () => {
  it('gives every grey byte exactly the value the IDX reader gives it', () => {
    const bytes = Uint8Array.from({ length: 784 }, (_, i) => i % 256);
    const fromIdx = imageSetFromIdx('t', { dims: [1, 28, 28], data: bytes }).images;
    const fromPicture = Float32Array.from(bytes, (v) => luma(v, v, v));
    expect(fromPicture).toEqual(fromIdx);
  });
});

describe('takeAsIs', () => {
  const digit = new Uint8Array(784);
  digit.fill(200, 300, 340);

  it('takes a 28x28 picture as it is, light on dark', () => {
    const out = takeAsIs(greyPicture(digit));
    expect(out).toMatchObject({ inverted: false, empty: false });
    expect(Array.from(out.image, (v) => Math.round(v * 255))).toEqual(Array.from(digit));
  });

  it('inverts when the border is light, or when told to', () => {
    const dark = takeAsIs(greyPicture(digit.map((v) => 255 - v)));
    expect(dark.inverted).toBe(true);
    expect(Array.from(dark.image, (v) => Math.round(v * 255))).toEqual(Array.from(digit));
    expect(takeAsIs(greyPicture(digit), { invert: true }).image[0]).toBe(1);
    expect(takeAsIs(greyPicture(digit.map((v) => 255 - v)), { invert: false }).inverted).toBe(false);
  });

  it('flags an all-dark or fully transparent picture and refuses other sizes', () => {
    expect(takeAsIs(greyPicture(new Uint8Array(784))).empty).toBe(true);
    expect(takeAsIs(greyPicture(digit, 0)).empty).toBe(true);
    expect(() => takeAsIs({ width: 29, height: 28, data: new Uint8ClampedArray(29 * 28 * 4) })).toThrow(/only a 28x28 image is taken as it is, got 29x28/);
  });
});

describe('toModelInput', () => {
  const digit = new Float32Array(784);
  digit.fill(0.8, 300, 340);

  it('passes a 28x28 grey image through unchanged by default', () => {
    const out = toModelInput(digit);
    expect(out).toMatchObject({ inverted: false, empty: false });
    expect(out.image).toEqual(digit);
    expect(out.image).not.toBe(digit);
  });

  it('inverts on request, and on auto when the border is light', () => {
    const inverted = toModelInput(digit, { invert: true });
    expect(inverted.image[0]).toBe(1);
    expect(inverted.image[300]).toBeCloseTo(0.2, 6);
    const back = toModelInput(inverted.image, { invert: 'auto' });
    expect(back.inverted).toBe(true);
    expect(back.image[300]).toBeCloseTo(0.8, 6);
    expect(toModelInput(digit, { invert: 'auto' }).inverted).toBe(false);
  });

  it('flags an empty image and refuses wrong sizes and values', () => {
    expect(toModelInput(new Float32Array(784)).empty).toBe(true);
    expect(() => toModelInput(new Float32Array(783))).toThrow(PreprocessError);
    expect(() => toModelInput(new Float32Array(783))).toThrow(/784 values\), got 783/);
    const bad = new Float32Array(784);
    bad[5] = Number.NaN;
    expect(() => toModelInput(bad)).toThrow(/value 5 is NaN/);
  });
});
