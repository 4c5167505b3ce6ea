/**
 * What an image file is, read from its bytes rather than its name or MIME type, and whether the app
 * takes it: the format comes from the magic bytes and the size from the header, so an oversized image
 * is refused before anything decodes it.
 */
import { MAX_INPUT_PIXELS } from './picture.ts';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

export const IMAGE_MIME_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
};

const FORMAT_NAMES: Record<ImageFormat, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', gif: 'GIF', bmp: 'BMP' };

export const MAX_IMAGE_FILE_BYTES = 25 * 1024 * 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** DIB header sizes that follow "BM": core (12), OS/2 2.x (16, 64) and Windows info v1-v5 (40, 52, 56, 108, 124). */
const BMP_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** The format named by the file's first bytes, or null for anything else. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  const gif = ascii(bytes, 0, 6);
  if (gif === 'GIF87a' || gif === 'GIF89a') return 'gif';
  // "BM" alone is two letters of text, so the DIB header size must be a known one too.
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 18 && BMP_HEADER_SIZES.has(view(bytes).getUint32(14, true))) return 'bmp';
  return null;
}

/** Format and pixel size from the header; null for an unknown format or a truncated or invalid header. */
export function sniffImage(bytes: Uint8Array): ImageHeader | null {
  const format = sniffFormat(bytes);
  if (!format) return null;
  const size = SIZE_READERS[format](bytes, view(bytes));
  return size && size.width > 0 && size.height > 0 ? { format, ...size } : null;
}

/** Why a file of this many bytes is refused, or null when it is acceptable. */
export function fileSizeProblem(name: string, byteCount: number): string | null {
  if (byteCount === 0) return `${name}: the file is empty.`;
  if (byteCount > MAX_IMAGE_FILE_BYTES) {
    return `${name}: the file is ${(byteCount / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_IMAGE_FILE_BYTES / 1024 / 1024} MB.`;
  }
  return null;
}

/** Why an image of this size is refused, or null when it is acceptable. */
export function pixelCountProblem(name: string, width: number, height: number): string | null {
  const pixels = width * height;
  if (pixels <= MAX_INPUT_PIXELS) return null;
  return `${name}: the image is ${width}x${height} (${(pixels / 1e6).toFixed(1)} megapixels); the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels.`;
}

export type ImageCheck = { ok: true; header: ImageHeader } | { ok: false; message: string };

/** Everything that can be decided about a file before decoding it, with a one-sentence reason on refusal. */
export function checkImageBytes(name: string, bytes: Uint8Array): ImageCheck {
  const sizeProblem = fileSizeProblem(name, bytes.length);
  if (sizeProblem) return { ok: false, message: sizeProblem };
  const format = sniffFormat(bytes);
  if (!format) return { ok: false, message: `${name}: not a PNG, JPEG, WebP, GIF or BMP image.` };
  const header = sniffImage(bytes);
  if (!header) {
    return { ok: false, message: `${name}: could not decode the ${FORMAT_NAMES[format]} header; the file is damaged or incomplete.` };
  }
  const pixelProblem = pixelCountProblem(name, header.width, header.height);
  return pixelProblem ? { ok: false, message: pixelProblem } : { ok: true, header };
}

type Size = { width: number; height: number };
type SizeReader = (bytes: Uint8Array, data: DataView) => Size | null;

const SIZE_READERS: Record<ImageFormat, SizeReader> = {
  png: pngSize,
  jpeg: jpegSize,
  webp: webpSize,
  gif: gifSize,
  bmp: bmpSize,
};

/** The IHDR chunk comes first: big-endian width and height at bytes 16 and 20. */
function pngSize(bytes: Uint8Array, data: DataView): Size | null {
  if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return null;
  return { width: data.getUint32(16), height: data.getUint32(20) };
}

/** Walks the marker segments up to the first start-of-frame, which holds the size. */
function jpegSize(bytes: Uint8Array, data: DataView): Size | null {
  let i = 2;
  while (i + 1 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte before a marker
      continue;
    }
    i += 2;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // markers without a length
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data, before any frame header
    if (i + 2 > bytes.length) return null;
    const length = data.getUint16(i);
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      if (i + 7 > bytes.length) return null;
      // A height of 0 defers it to a DNL marker, which browsers do not support: getting 0 here refuses the file.
      return { height: data.getUint16(i + 3), width: data.getUint16(i + 5) };
    }
    i += length;
  }
  return null;
}

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** The first chunk after "WEBP" is VP8 (lossy), VP8L (lossless) or VP8X (extended, with the canvas size). */
function webpSize(bytes: Uint8Array, data: DataView): Size | null {
  switch (ascii(bytes, 12, 4)) {
    case 'VP8 ':
      // A key frame: 3 bytes of frame tag, the start code 9D 01 2A, then 14-bit width and height.
      if (bytes.length < 30 || bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return null;
      return { width: data.getUint16(26, true) & 0x3fff, height: data.getUint16(28, true) & 0x3fff };
    case 'VP8L': {
      // Signature 0x2F, then width - 1 and height - 1 as two 14-bit little-endian fields.
      if (bytes.length < 25 || bytes[20] !== 0x2f) return null;
      const bits = data.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X':
      // Flags and 3 reserved bytes, then canvas width - 1 and height - 1 as 24-bit little-endian fields.
      if (bytes.length < 30) return null;
      return { width: uint24(bytes, 24) + 1, height: uint24(bytes, 27) + 1 };
    default:
      return null;
  }
}

/**
 * The logical screen size, widened to the first frame's extent: browsers grow the image to hold a first
 * frame that reaches past the logical screen, so a tiny screen cannot hide a huge frame.
 */
function gifSize(bytes: Uint8Array, data: DataView): Size | null {
  if (bytes.length < 10) return null;
  const screen = { width: data.getUint16(6, true), height: data.getUint16(8, true) };
  const frame = firstGifFrameExtent(bytes, data);
  return frame ? { width: Math.max(screen.width, frame.width), height: Math.max(screen.height, frame.height) } : screen;
}

/** Right and bottom edges of the first image descriptor, skipping the colour table and extension blocks. */
function firstGifFrameExtent(bytes: Uint8Array, data: DataView): Size | null {
  if (bytes.length < 13) return null;
  const flags = bytes[10]!;
  let i = 13 + (flags & 0x80 ? 3 * (2 << (flags & 0x07)) : 0);
  while (i < bytes.length) {
    const block = bytes[i];
    if (block === 0x2c) {
      if (i + 9 > bytes.length) return null;
      return {
        width: data.getUint16(i + 1, true) + data.getUint16(i + 5, true),
        height: data.getUint16(i + 3, true) + data.getUint16(i + 7, true),
      };
    }
    if (block !== 0x21) return null; // the trailer, or not a block at all
    i += 2; // introducer and label, then data sub-blocks up to a zero length
    while (i < bytes.length && bytes[i] !== 0) i += bytes[i]! + 1;
    i++;
  }
  return null;
}

/** Core headers hold 16-bit sizes; the others signed 32-bit ones, with a negative height for top-down rows. */
function bmpSize(bytes: Uint8Array, data: DataView): Size | null {
  const headerSize = data.getUint32(14, true);
  if (headerSize === 12) {
    return bytes.length < 22 ? null : { width: data.getUint16(18, true), height: data.getUint16(20, true) };
  }
  if (bytes.length < 26) return null;
  return { width: data.getInt32(18, true), height: Math.abs(data.getInt32(22, true)) };
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  if (bytes.length < start + length) return '';
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function uint24(bytes: Uint8Array, start: number): number {
  return bytes[start]! | (bytes[start + 1]! << 8) | (bytes[start + 2]! << 16);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
