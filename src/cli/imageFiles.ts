/**
 * Decodes image files in Node into RGBA, for `npm run score`: the formats the page reads (PNG, JPEG,
 * WebP, GIF, BMP), checked by the same header rules as the page (src/data/imageHeader.ts). sharp
 * (libvips) decodes the first four; bmp-ts decodes BMP, which libvips leaves to ImageMagick.
 */
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { decode as decodeBmp } from 'bmp-ts';
import { checkImageBytes, MAX_IMAGE_FILE_BYTES } from '../data/imageHeader.ts';
import { MAX_INPUT_PIXELS, type RgbaImage } from '../data/picture.ts';

export class ImageFileError extends Error {
  override name = 'ImageFileError';
}

export async function readImageFile(path: string): Promise<RgbaImage> {
  const info = await stat(path).catch(() => null);
  if (!info || !info.isFile()) throw new ImageFileError(`${path}: no such file`);
  // Refused before reading, like the page; the header check below repeats it on the bytes.
  if (info.size > MAX_IMAGE_FILE_BYTES) throw new ImageFileError(`${path}: the file is ${(info.size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_IMAGE_FILE_BYTES / 1024 / 1024} MB.`);
  const bytes = await readFile(path);
  const check = checkImageBytes(path, bytes);
  if (!check.ok) throw new ImageFileError(check.message);
  try {
    return check.header.format === 'bmp' ? readBmp(bytes) : await readWithSharp(bytes);
  } catch (e) {
    throw new ImageFileError(`${path}: could not decode the image; the file is damaged or incomplete (${(e as Error).message})`);
  }
}

/** The first frame, turned upright by its EXIF orientation and converted to sRGB, as the browser shows it. */
async function readWithSharp(bytes: Buffer): Promise<RgbaImage> {
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .autoOrient()
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

function readBmp(bytes: Buffer): RgbaImage {
  const bmp = decodeBmp(bytes, { toRGBA: true });
  const height = Math.abs(bmp.height);
  const data = new Uint8ClampedArray(bmp.data.buffer, bmp.data.byteOffset, bmp.width * height * 4);
  // bmp-ts writes alpha 0 where a BMP has no alpha channel; browsers take such a BMP as opaque.
  let anyAlpha = false;
  for (let i = 3; i < data.length && !anyAlpha; i += 4) anyAlpha = data[i] !== 0;
  if (!anyAlpha) for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: bmp.width, height, data };
}
