/**
 * Reading a picture (a canvas drawing, a decoded upload) into grey intensities, and the steps every
 * conversion into a 28x28 model input shares: size checks, transparency, the border that tells the
 * background, area-averaging resampling, and taking a picture that is already 28x28 as it is.
 */
import { IMAGE_PIXELS, IMAGE_SIDE } from './imageSet.ts';

/** What a canvas ImageData or a decoded file gives: width * height RGBA pixels, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** 'auto' inverts when the border is light, i.e. the picture is dark on a light background. */
export type InvertOption = 'auto' | boolean;

export interface ModelInput {
  /** 28 * 28 values in [0, 1], row-major: light object on a dark background, as both datasets are. */
  image: Float32Array;
  inverted: boolean;
  /** Nothing stands out from the background: the image is all zeros (or, taken as it is, all dark). */
  empty: boolean;
}

export class PreprocessError extends Error {
  override name = 'PreprocessError';
}

/** Larger inputs are refused: the greyscale copy alone would take 4 bytes per pixel. */
export const MAX_INPUT_PIXELS = 40_000_000;
/** A pixel is ink when it stands out from the background by more than this (intensity in [0, 1]). */
export const INK_THRESHOLD = 0.1;

export function checkSize(input: RgbaImage): { width: number; height: number } {
  const { width, height, data } = input;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new PreprocessError(`image size must be positive whole numbers, got ${width}x${height}`);
  }
  if (width * height > MAX_INPUT_PIXELS) {
    throw new PreprocessError(
      `image is ${width}x${height} = ${width * height} pixels; the limit is ${MAX_INPUT_PIXELS} (${MAX_INPUT_PIXELS / 1e6} megapixels)`,
    );
  }
  if (data.length !== width * height * 4) {
    throw new PreprocessError(`a ${width}x${height} RGBA image needs ${width * height * 4} bytes, got ${data.length}`);
  }
  return { width, height };
}

/**
 * Rec. 601 luma of 8-bit RGB in [0, 1]. Integer weights over one division: a grey pixel v gives
 * exactly v / 255, the value the IDX reader gives the same byte, so a dataset image written as a
 * PNG reads back bit for bit.
 */
export function luma(r: number, g: number, b: number): number {
  return (299 * r + 587 * g + 114 * b) / 255_000;
}

/**
 * The backdrop that transparency is composited on: the one that contrasts with the visible content,
 * white under dark ink (a drawing canvas with a transparent background), black under light ink.
 * Null when every pixel is fully transparent.
 */
export function backdropOf(input: RgbaImage): 0 | 1 | null {
  const { data } = input;
  const n = input.width * input.height;
  let alphaSum = 0;
  let inkSum = 0;
  for (let j = 0; j < n * 4; j += 4) {
    const alpha = data[j + 3]! / 255;
    alphaSum += alpha;
    inkSum += alpha * luma(data[j]!, data[j + 1]!, data[j + 2]!);
  }
  if (alphaSum === 0) return null;
  return inkSum / alphaSum > 0.5 ? 0 : 1;
}

export interface Grey {
  values: Float32Array;
  min: number;
  max: number;
}

/** Luminance in [0, 1] with transparency composited on the contrasting backdrop; null when fully transparent. */
export function toGrey(input: RgbaImage): Grey | null {
  const backdrop = backdropOf(input);
  if (backdrop === null) return null;
  const { data } = input;
  const n = input.width * input.height;
  const values = new Float32Array(n);
  let min = 1;
  let max = 0;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const alpha = data[j + 3]! / 255;
    const v = alpha * luma(data[j]!, data[j + 1]!, data[j + 2]!) + (1 - alpha) * backdrop;
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { values, min, max };
}

/** Thickness of the frame that tells the background: about one dataset pixel (1/28 of the shorter side). */
export function borderThickness(width: number, height: number): number {
  return Math.max(1, Math.round(Math.min(width, height) / IMAGE_SIDE));
}

/** Indices of the pixels of the border frame, in scan order. */
export function borderIndices(width: number, height: number): Uint32Array {
  const t = borderThickness(width, height);
  const inner = Math.max(0, width - 2 * t) * Math.max(0, height - 2 * t);
  const out = new Uint32Array(width * height - inner);
  let n = 0;
  for (let y = 0; y < height; y++) {
    const edgeRow = y < t || y >= height - t;
    for (let x = 0; x < width; x++) {
      if (!edgeRow && x === t) x = Math.max(x, width - t);
      out[n++] = y * width + x;
    }
  }
  return out;
}

const HISTOGRAM_BINS = 1024;

/** Median of values in [0, 1], to 1/1023, from a histogram. */
export function medianOf(values: ArrayLike<number>): number {
  const histogram = new Uint32Array(HISTOGRAM_BINS);
  for (let i = 0; i < values.length; i++) histogram[Math.round(Math.min(1, Math.max(0, values[i]!)) * (HISTOGRAM_BINS - 1))]!++;
  let seen = 0;
  let bin = 0;
  while (bin < HISTOGRAM_BINS - 1 && (seen += histogram[bin]!) < values.length / 2) bin++;
  return bin / (HISTOGRAM_BINS - 1);
}

/** The values of the border frame, in scan order. */
export function borderValues(values: ArrayLike<number>, width: number, height: number): Float32Array {
  return Float32Array.from(borderIndices(width, height), (i) => values[i]!);
}

/** Mean and median brightness of the border frame. */
export function borderStats(values: Float32Array, width: number, height: number): { mean: number; median: number } {
  const border = borderValues(values, width, height);
  let sum = 0;
  for (const v of border) sum += v;
  return { mean: sum / border.length, median: medianOf(border) };
}

export function decideInversion(option: InvertOption, borderMean: number): boolean {
  return option === 'auto' ? borderMean > 0.5 : option;
}

export function emptyResult(inverted: boolean): ModelInput {
  return { image: new Float32Array(IMAGE_PIXELS), inverted, empty: true };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The smallest box holding every pixel whose value exceeds `threshold`; null when there is none. */
export function boxAbove(values: Float32Array, width: number, height: number, threshold: number): Box | null {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (values[row + x]! > threshold) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        bottom = y;
      }
    }
  }
  return right < 0 ? null : { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/** For each output cell, the source cells it overlaps and the overlap weights (summing to 1). */
interface AreaKernel {
  first: Int32Array;
  weights: Float64Array[];
}

/** Output cell j averages the source interval [j * f, (j + 1) * f) with f = srcLength / dstLength. */
function areaKernel(srcLength: number, dstLength: number): AreaKernel {
  const f = srcLength / dstLength;
  const first = new Int32Array(dstLength);
  const weights: Float64Array[] = [];
  for (let j = 0; j < dstLength; j++) {
    const start = j * f;
    const end = Math.min(srcLength, (j + 1) * f);
    const k0 = Math.floor(start);
    const k1 = Math.ceil(end);
    const w = new Float64Array(k1 - k0);
    for (let k = k0; k < k1; k++) w[k - k0] = (Math.min(end, k + 1) - Math.max(start, k)) / f;
    first[j] = k0;
    weights.push(w);
  }
  return { first, weights };
}

/**
 * Area-averaging (box filter) resampling of a box of `values` (rows of `width`) to outWidth x
 * outHeight, rows first, then columns: anti-aliased at any ratio.
 */
export function resampleArea(values: Float32Array, width: number, box: Box, outWidth: number, outHeight: number): Float32Array {
  const horizontal = areaKernel(box.width, outWidth);
  const vertical = areaKernel(box.height, outHeight);
  const rows = new Float64Array(box.height * outWidth);
  for (let y = 0; y < box.height; y++) {
    const src = (box.y + y) * width + box.x;
    for (let j = 0; j < outWidth; j++) {
      const w = horizontal.weights[j]!;
      const k0 = src + horizontal.first[j]!;
      let sum = 0;
      for (let k = 0; k < w.length; k++) sum += w[k]! * values[k0 + k]!;
      rows[y * outWidth + j] = sum;
    }
  }
  const out = new Float32Array(outWidth * outHeight);
  for (let i = 0; i < outHeight; i++) {
    const w = vertical.weights[i]!;
    const k0 = vertical.first[i]!;
    for (let j = 0; j < outWidth; j++) {
      let sum = 0;
      for (let k = 0; k < w.length; k++) sum += w[k]! * rows[(k0 + k) * outWidth + j]!;
      out[i * outWidth + j] = Math.min(1, sum);
    }
  }
  return out;
}

/** For images that are already 28x28 grey in [0, 1] (the gallery): a copy, inverted on request (default: never). */
export function toModelInput(grey: Float32Array, options: { invert?: InvertOption } = {}): ModelInput {
  if (grey.length !== IMAGE_PIXELS) {
    throw new PreprocessError(`expected a 28x28 grey image (${IMAGE_PIXELS} values), got ${grey.length} values`);
  }
  for (let i = 0; i < grey.length; i++) {
    const v = grey[i]!;
    if (!(v >= 0 && v <= 1)) throw new PreprocessError(`grey values must lie in [0, 1]; value ${i} is ${v}`);
  }
  return passThrough(grey, decideInversion(options.invert ?? false, borderStats(grey, IMAGE_SIDE, IMAGE_SIDE).mean));
}

/**
 * A 28x28 picture taken as it is: its grey levels, inverted when the border is light (or as forced),
 * nothing cropped, scaled or stretched. A dataset image written to a file and read back is the
 * dataset's image exactly.
 */
export function takeAsIs(input: RgbaImage, options: { invert?: InvertOption } = {}): ModelInput {
  const { width, height } = checkSize(input);
  if (width !== IMAGE_SIDE || height !== IMAGE_SIDE) throw new PreprocessError(`only a ${IMAGE_SIDE}x${IMAGE_SIDE} image is taken as it is, got ${width}x${height}`);
  const grey = toGrey(input);
  if (!grey) return emptyResult(false);
  return passThrough(grey.values, decideInversion(options.invert ?? 'auto', borderStats(grey.values, width, height).mean));
}

function passThrough(grey: Float32Array, inverted: boolean): ModelInput {
  const image = new Float32Array(IMAGE_PIXELS);
  let empty = true;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const v = inverted ? 1 - grey[i]! : grey[i]!;
    image[i] = v;
    if (v > INK_THRESHOLD) empty = false;
  }
  return { image, inverted, empty };
}
