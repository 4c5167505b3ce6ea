/** Decodes PNG and JPEG files in Node into RGBA, for `npm run score` (the page decodes with the browser). */
import { readFile, stat } from 'node:fs/promises';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { MAX_INPUT_PIXELS, type RgbaImage } from '../data/preprocess.ts';

export class ImageFileError extends Error {
  override name = 'ImageFileError';
}

const MAX_FILE_BYTES = 50 * 1024 * 1024;

export async function readImageFile(path: string): Promise<RgbaImage> {
  const info = await stat(path).catch(() => null);
  if (!info || !info.isFile()) throw new ImageFileError(`${path}: no such file`);
  if (info.size === 0) throw new ImageFileError(`${path}: the file is empty`);
  if (info.size > MAX_FILE_BYTES) throw new ImageFileError(`${path}: ${(info.size / 1e6).toFixed(0)} MB is larger than the ${MAX_FILE_BYTES / 1e6} MB limit`);
  const bytes = await readFile(path);
  const isPng = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  try {
    if (isPng) {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (isJpeg) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_INPUT_PIXELS / 1e6 });
      return { width: img.width, height: img.height, data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
    }
  } catch (e) {
    throw new ImageFileError(`${path}: not a readable image (${(e as Error).message})`);
  }
  throw new ImageFileError(`${path}: not a PNG or JPEG file (npm run score reads those two; the app also takes WebP, GIF and BMP)`);
}
