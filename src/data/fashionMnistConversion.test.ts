import { describe, expect, it } from 'vitest';
import { adaptiveSharpen, convertAsFashionMnist } from './fashionMnistConversion.ts';
import { mulberry32 } from './random.ts';
import type { RgbaImage } from './picture.ts';

type Rgb = [number, number, number];

function canvas(width: number, height: number, fill: Rgb): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...fill, 255], i * 4);
  return { width, height, data };
}

function paint(img: RgbaImage, inside: (x: number, y: number) => boolean, colour: Rgb): RgbaImage {
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (inside(x, y)) img.data.set(colour, (y * img.width + x) * 4);
  return img;
}

/** A T-shirt: a body 120 wide and 200 tall, sleeves 60 out on each side, at (90, 60) of the picture. */
const shirt = (x: number, y: number) => (x >= 150 && x < 270 && y >= 60 && y < 260) || (x >= 90 && x < 330 && y >= 60 && y < 120);

/** Seeded noise of about `amplitude` grey levels, the same on every channel, as a camera's grain. */
function addNoise(img: RgbaImage, amplitude: number, seed: number): RgbaImage {
  const rng = mulberry32(seed);
  for (let i = 0; i < img.width * img.height; i++) {
    const n = Math.round((rng() + rng() + rng() - 1.5) * amplitude);
    for (let c = 0; c < 3; c++) img.data[i * 4 + c] = img.data[i * 4 + c]! + n;
  }
  return img;
}

/** Bounding box of the nonzero pixels of a 28x28 image. */
function box(image: Float32Array): { left: number; top: number; right: number; bottom: number } {
  let left = 28, right = -1, top = 28, bottom = -1;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if (image[y * 28 + x]! > 0) {
    left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y);
  }
  return { left, top, right, bottom };
}

describe('convertAsFashionMnist', () => {
  it('turns a dark garment photographed on light, slightly noisy paper into the dataset\'s form', () => {
    const photo = addNoise(paint(canvas(420, 320, [222, 220, 218]), shirt, [60, 62, 64]), 6, 1);
    const out = convertAsFashionMnist(photo);
    expect(out).toMatchObject({ inverted: true, empty: false });
    // Trimmed to the shirt (240 x 200), longest side 28, the other 23, centred with the odd row on top.
    expect(box(out.image)).toEqual({ left: 0, top: 3, right: 27, bottom: 25 });
    // The paper and its noise are background: exactly 0 outside the shirt.
    expect(out.image[1 * 28 + 14]).toBe(0);
    expect(out.image[24 * 28 + 2]).toBe(0);
    // Negated against the paper, not stretched: (220 - 62) / 220 of full intensity inside the body, away from outlines.
    expect(out.image[15 * 28 + 14]).toBeCloseTo((220 - 62) / 220, 1);
    // 8-bit grey levels, as the dataset stores them.
    for (const v of out.image) expect(Math.round(v * 255)).toBeCloseTo(v * 255, 3);
  });

  it('gives the same picture for the garment with and without the noise, and light on dark without inverting', () => {
    const clean = convertAsFashionMnist(paint(canvas(420, 320, [222, 220, 218]), shirt, [60, 62, 64]));
    const noisy = convertAsFashionMnist(addNoise(paint(canvas(420, 320, [222, 220, 218]), shirt, [60, 62, 64]), 6, 2));
    expect(box(noisy.image)).toEqual(box(clean.image));
    const light = convertAsFashionMnist(paint(canvas(420, 320, [0, 0, 0]), shirt, [160, 160, 160]));
    expect(light.inverted).toBe(false);
    expect(box(light.image)).toEqual(box(clean.image));
    expect(light.image[15 * 28 + 14]).toBeCloseTo(160 / 255, 2);
  });

  it('trims by colour distance in RGB space: a red shirt nearly as bright as the grey background is found', () => {
    // Luma 130 against 140: within the 5% fuzz in brightness alone, far outside it in colour.
    const out = convertAsFashionMnist(paint(canvas(420, 320, [140, 140, 140]), shirt, [255, 76, 77]));
    expect(box(out.image)).toEqual({ left: 0, top: 3, right: 27, bottom: 25 });
    expect(out.image[15 * 28 + 14]).toBeCloseTo(10 / 140, 1);
  });

  it('fills the frame on the longest side whatever the picture\'s size, where MNIST\'s leaves a 20 px box', () => {
    for (const scale of [1, 3]) {
      const img = paint(canvas(100 * scale, 100 * scale, [250, 250, 250]), (x, y) => x >= 40 * scale && x < 60 * scale && y >= 10 * scale && y < 90 * scale, [20, 20, 20]);
      const b = box(convertAsFashionMnist(img).image);
      expect([b.bottom - b.top + 1, b.right - b.left + 1]).toEqual([28, 7]);
      // An odd margin of 21 columns: 11 on the left, 10 on the right.
      expect(b.left).toBe(11);
    }
  });

  it('flags a picture with nothing on it and keeps the 8-bit background at 0', () => {
    for (const img of [canvas(64, 48, [253, 253, 253]), addNoise(canvas(64, 48, [200, 200, 200]), 6, 3)]) {
      const out = convertAsFashionMnist(img);
      expect(out.empty).toBe(true);
      expect(out.image.every((v) => v === 0)).toBe(true);
    }
  });
});

describe('adaptiveSharpen', () => {
  it('leaves flat regions alone and steepens an outline', () => {
    const w = 12;
    const h = 12;
    const img = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * w + x] = x < 6 ? 0.6 : 0;
    const out = adaptiveSharpen(img, w, h);
    // Far from the outline: unchanged.
    expect(out[6 * w + 1]).toBe(img[6 * w + 1]);
    expect(out[6 * w + 10]).toBe(0);
    // At the outline the bright side overshoots: sharpened.
    expect(out[6 * w + 5]!).toBeGreaterThan(0.6);
  });
});
