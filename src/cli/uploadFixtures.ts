/**
 * Pictures for the tests of uploads, shared by the unit tests and the browser tests: dataset images
 * as image files, the same images upscaled smoothly, and a photo-like garment.
 */
import sharp from 'sharp';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../data/imageSet.ts';
import { mulberry32 } from '../data/random.ts';

/** A 28x28 grey image in [0, 1] as 8-bit grey bytes (the dataset's own bytes: its values are k / 255). */
export function greyBytes(image: Float32Array): Buffer {
  if (image.length !== IMAGE_PIXELS) throw new Error(`expected ${IMAGE_PIXELS} values, got ${image.length}`);
  return Buffer.from(Array.from(image, (v) => Math.round(v * 255)));
}

/** The image as a 28x28 grey PNG. */
export function pngOf(image: Float32Array): Promise<Buffer> {
  return sharp(greyBytes(image), { raw: { width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 1 } }).png().toBuffer();
}

/**
 * The image scaled up `factor` times with bilinear smoothing, pixel centres aligned (as a canvas
 * draws an image scaled up with smoothing on, and as most image editors scale), as a grey PNG.
 */
export function upscaledPngOf(image: Float32Array, factor: number): Promise<Buffer> {
  const side = IMAGE_SIDE * factor;
  const out = Buffer.alloc(side * side);
  const at = (x: number, y: number) => image[Math.min(IMAGE_SIDE - 1, Math.max(0, y)) * IMAGE_SIDE + Math.min(IMAGE_SIDE - 1, Math.max(0, x))]!;
  for (let y = 0; y < side; y++) {
    const sy = (y + 0.5) / factor - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let x = 0; x < side; x++) {
      const sx = (x + 0.5) / factor - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
      out[y * side + x] = Math.round(v * 255);
    }
  }
  return sharp(out, { raw: { width: side, height: side, channels: 1 } }).png().toBuffer();
}

/** Width and height of the photo-like picture, and the box of the garment in it. */
export const PHOTO = { width: 420, height: 320, garment: { x: 90, y: 60, width: 240, height: 200 } } as const;

/**
 * A dark T-shirt (body and sleeves) on light paper with seeded camera-like grain, as RGB: what a
 * phone photo of a garment on a table looks like, far larger than 28x28.
 */
export function photoRgb(seed = 1): Buffer {
  const { width, height } = PHOTO;
  const rgb = Buffer.alloc(width * height * 3);
  const rng = mulberry32(seed);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const body = x >= 150 && x < 270 && y >= 60 && y < 260;
      const sleeves = x >= 90 && x < 330 && y >= 60 && y < 120;
      const base = body || sleeves ? [60, 62, 64] : [222, 220, 218];
      const grain = Math.round((rng() + rng() + rng() - 1.5) * 6);
      for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, base[c]! + grain));
    }
  }
  return rgb;
}

export function photoPng(seed = 1): Promise<Buffer> {
  return sharp(photoRgb(seed), { raw: { width: PHOTO.width, height: PHOTO.height, channels: 3 } }).png().toBuffer();
}
