import { describe, expect, it } from 'vitest';
import { loadDataset } from './nodeFiles.ts';
import { MAX_INPUT_PIXELS } from './picture.ts';
import { PreprocessError, preprocessImage, type RgbaImage } from './preprocess.ts';

type Rgba = [number, number, number, number];
const WHITE: Rgba = [255, 255, 255, 255];
const BLACK: Rgba = [0, 0, 0, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

function canvas(width: number, height: number, fill: Rgba): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(fill, i * 4);
  return { width, height, data };
}

function rect(img: RgbaImage, x: number, y: number, w: number, h: number, colour: Rgba): RgbaImage {
  for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) img.data.set(colour, (yy * img.width + xx) * 4);
  return img;
}

/** Bounding box of the nonzero pixels and the centre of mass in pixel indices. */
function measure(image: Float32Array): { left: number; top: number; width: number; height: number; cx: number; cy: number } {
  let left = 28, right = -1, top = 28, bottom = -1, mass = 0, mx = 0, my = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = image[y * 28 + x]!;
      if (v <= 0) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1, cx: mx / mass, cy: my / mass };
}

/** An L: a tall stroke with a foot to the right, so its centre of mass is off its box centre. */
function drawL(img: RgbaImage, ink: Rgba): RgbaImage {
  rect(img, 30, 20, 12, 80, ink);
  return rect(img, 30, 88, 50, 12, ink);
}

describe('preprocessImage', () => {
  it('inverts dark ink on white, scales the longer side to 20 px and centres the mass at (14, 14)', () => {
    const out = preprocessImage(drawL(canvas(120, 130, WHITE), BLACK));
    expect(out.inverted).toBe(true);
    expect(out.empty).toBe(false);
    const m = measure(out.image);
    expect(Math.max(m.width, m.height)).toBeGreaterThanOrEqual(19);
    expect(Math.max(m.width, m.height)).toBeLessThanOrEqual(21);
    expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(m.cy - 14)).toBeLessThanOrEqual(0.5);
    // The L's box centre lies pixels right of its centre of mass: centring the box would fail the checks above.
    expect(m.left + m.width / 2 - 14).toBeGreaterThan(2);
    expect(Math.min(...out.image)).toBe(0);
    expect(Math.max(...out.image)).toBe(1);
  });

  it('leaves light ink on black as it is, and gives the same picture as the dark-on-light version', () => {
    const light = preprocessImage(drawL(canvas(120, 130, BLACK), WHITE));
    const dark = preprocessImage(drawL(canvas(120, 130, WHITE), BLACK));
    expect(light.inverted).toBe(false);
    expect(light.image).toEqual(dark.image);
  });

  it('reads a transparent drawing canvas with dark ink, and one with light ink', () => {
    const reference = preprocessImage(drawL(canvas(120, 130, BLACK), WHITE)).image;
    const darkInk = preprocessImage(drawL(canvas(120, 130, CLEAR), BLACK));
    expect(darkInk.inverted).toBe(true);
    expect(darkInk.image).toEqual(reference);
    const lightInk = preprocessImage(drawL(canvas(120, 130, CLEAR), WHITE));
    expect(lightInk.inverted).toBe(false);
    expect(lightInk.image).toEqual(reference);
  });

  it('keeps the aspect ratio', () => {
    const tall = measure(preprocessImage(rect(canvas(200, 200, BLACK), 50, 20, 40, 160, WHITE)).image);
    expect([tall.width, tall.height]).toEqual([5, 20]);
    const wide = measure(preprocessImage(rect(canvas(200, 200, BLACK), 20, 50, 160, 40, WHITE)).image);
    expect([wide.width, wide.height]).toEqual([20, 5]);
    const small = measure(preprocessImage(rect(canvas(50, 50, BLACK), 20, 20, 2, 4, WHITE)).image);
    expect([small.width, small.height]).toEqual([10, 20]);
  });

  it('anti-aliases by area averaging: a 1-px checkerboard halved becomes uniform grey', () => {
    const img = canvas(60, 60, BLACK);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) if ((x + y) % 2 === 0) rect(img, 10 + x, 10 + y, 1, 1, WHITE);
    const out = preprocessImage(img).image;
    const values = Array.from(out).filter((v) => v > 0);
    expect(values.length).toBe(400);
    for (const v of values) expect(v).toBeCloseTo(0.5, 6);
  });

  it('stretches a photo-like grey background to 0 and the ink to 1', () => {
    const paper: Rgba = [200, 200, 200, 255];
    const pencil: Rgba = [90, 90, 90, 255];
    const out = preprocessImage(rect(canvas(100, 100, paper), 40, 10, 20, 80, pencil));
    expect(out.inverted).toBe(true);
    expect(Math.max(...out.image)).toBeCloseTo(1, 6);
    expect(out.image.filter((v) => v > 0).length).toBe(5 * 20);
  });

  it('follows a forced invert option', () => {
    const img = rect(canvas(50, 50, BLACK), 10, 10, 20, 30, WHITE);
    expect(preprocessImage(img, { invert: false }).inverted).toBe(false);
    // Forced inversion of light ink on black: the black background becomes the ink, a square around a hole.
    const forced = preprocessImage(img, { invert: true });
    expect(forced.inverted).toBe(true);
    expect(measure(forced.image)).toMatchObject({ width: 20, height: 20 });
    expect(forced.image.filter((v) => v === 0).length).toBeGreaterThan(784 - 400);
  });

  it('flags an image without ink and returns zeros', () => {
    for (const img of [canvas(64, 48, WHITE), canvas(64, 48, BLACK), canvas(64, 48, CLEAR), canvas(64, 48, [128, 128, 128, 255])]) {
      const out = preprocessImage(img);
      expect(out.empty).toBe(true);
      expect(out.image.length).toBe(784);
      expect(out.image.every((v) => v === 0)).toBe(true);
    }
  });

  it('refuses oversized, zero-sized and inconsistent images with clear messages', () => {
    const side = Math.ceil(Math.sqrt(MAX_INPUT_PIXELS)) + 1;
    expect(() => preprocessImage({ width: side, height: side, data: new Uint8ClampedArray(4) })).toThrow(/= 40\d{6} pixels; the limit is 40000000 \(40 megapixels\)/);
    expect(() => preprocessImage({ width: 0, height: 10, data: new Uint8ClampedArray(0) })).toThrow(PreprocessError);
    expect(() => preprocessImage({ width: 2.5, height: 10, data: new Uint8ClampedArray(100) })).toThrow(/positive whole numbers/);
    expect(() => preprocessImage({ width: 10, height: 10, data: new Uint8ClampedArray(399) })).toThrow(/needs 400 bytes, got 399/);
  });
});

describe('preprocessImage on MNIST digits', () => {
  /** A 28x28 grey image as RGBA, light on dark or dark on light. */
  function render(grey: Float32Array, darkOnLight: boolean): RgbaImage {
    const data = new Uint8ClampedArray(784 * 4);
    for (let i = 0; i < 784; i++) {
      const v = Math.round((darkOnLight ? 1 - grey[i]! : grey[i]!) * 255);
      data.set([v, v, v, 255], i * 4);
    }
    return { width: 28, height: 28, data };
  }

  it('gives an MNIST digit back nearly unchanged, drawn either way round', async () => {
    const mnist = await loadDataset('mnist', 'test');
    const n = 200;
    let close = 0;
    for (let k = 0; k < n; k++) {
      const digit = mnist.images.subarray(k * 784, (k + 1) * 784);
      const light = preprocessImage(render(digit, false));
      const dark = preprocessImage(render(digit, true));
      expect([light.inverted, dark.inverted]).toEqual([false, true]);
      let diff = 0;
      let sideDiff = 0;
      for (let i = 0; i < 784; i++) {
        diff += Math.abs(light.image[i]! - digit[i]!);
        sideDiff = Math.max(sideDiff, Math.abs(light.image[i]! - dark.image[i]!));
      }
      expect(sideDiff).toBeLessThan(1e-5);
      if (diff / 784 < 0.01) close++;
    }
    // Only faint pixels under the ink threshold differ, and a rare digit lands one pixel off.
    expect(close / n).toBeGreaterThan(0.95);
  });
});
