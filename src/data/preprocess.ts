/**
 * Turns an arbitrary picture (a canvas drawing, an uploaded photo) into what the model sees, the way
 * MNIST was made: light ink on a dark background, cropped to the ink, scaled with anti-aliasing so the
 * longer side is 20 px, and placed in a 28x28 field with its centre of mass at the centre.
 */
import { IMAGE_PIXELS, IMAGE_SIDE } from './imageSet.ts';

/** What a canvas ImageData or a decoded PNG gives: width * height RGBA pixels, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** 'auto' inverts when the border is light, i.e. the picture is dark ink on a light background. */
export type InvertOption = 'auto' | boolean;

export interface PreprocessOptions {
  invert?: InvertOption;
}

export interface ModelInput {
  /** 28 * 28 values in [0, 1], row-major. */
  image: Float32Array;
  inverted: boolean;
  /** No ink found: the image is all zeros. */
  empty: boolean;
}

export class PreprocessError extends Error {
  override name = 'PreprocessError';
}

/** Larger inputs are refused: the greyscale copy alone would take 4 bytes per pixel. */
export const MAX_INPUT_PIXELS = 40_000_000;
/** MNIST's digits fit a 20x20 box inside the 28x28 field. */
export const DIGIT_BOX = 20;
/** A pixel is ink when it stands out from the background by more than this (intensity in [0, 1]). */
export const INK_THRESHOLD = 0.1;

/** Centre of mass target, in pixel indices. */
const CENTRE = IMAGE_SIDE / 2;

export function preprocessImage(input: RgbaImage, options: PreprocessOptions = {}): ModelInput {
  const { width, height } = checkSize(input);
  const grey = toGrey(input);
  if (!grey) return emptyResult(false);

  const border = borderStats(grey.values, width, height);
  const inverted = decideInversion(options.invert ?? 'auto', border.mean);
  // Levels: the background goes to 0 and the brightest pixel to 1, so a photo of grey paper looks
  // like a clean drawing. The background is the border's median (robust to ink touching the edge)
  // when that is dark after orientation; when a forced orientation disagrees with the border, it is
  // the darkest pixel.
  const borderLevel = inverted ? 1 - border.median : border.median;
  const darkest = inverted ? 1 - grey.max : grey.min;
  const background = borderLevel <= 0.5 ? borderLevel : darkest;
  const peak = inverted ? 1 - grey.min : grey.max;
  if (peak - background <= INK_THRESHOLD) return emptyResult(inverted);
  const ink = levels(grey.values, inverted, background, peak);

  const box = inkBox(ink, width, height);
  if (!box) return emptyResult(inverted);
  const scale = DIGIT_BOX / Math.max(box.width, box.height);
  const outWidth = Math.max(1, Math.round(box.width * scale));
  const outHeight = Math.max(1, Math.round(box.height * scale));
  const digit = resampleBox(ink, width, box, outWidth, outHeight);
  return { image: placeByCentreOfMass(digit, outWidth, outHeight), inverted, empty: false };
}

/** For images that are already 28x28 grey in [0, 1]: a copy, inverted on request (default: never). */
export function toModelInput(grey: Float32Array, options: PreprocessOptions = {}): ModelInput {
  if (grey.length !== IMAGE_PIXELS) {
    throw new PreprocessError(`expected a 28x28 grey image (${IMAGE_PIXELS} values), got ${grey.length} values`);
  }
  for (let i = 0; i < grey.length; i++) {
    const v = grey[i]!;
    if (!(v >= 0 && v <= 1)) throw new PreprocessError(`grey values must lie in [0, 1]; value ${i} is ${v}`);
  }
  const inverted = decideInversion(options.invert ?? false, borderStats(grey, IMAGE_SIDE, IMAGE_SIDE).mean);
  const image = new Float32Array(IMAGE_PIXELS);
  let empty = true;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const v = inverted ? 1 - grey[i]! : grey[i]!;
    image[i] = v;
    if (v > INK_THRESHOLD) empty = false;
  }
  return { image, inverted, empty };
}

function checkSize(input: RgbaImage): { width: number; height: number } {
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

interface Grey {
  values: Float32Array;
  min: number;
  max: number;
}

/**
 * Luminance (Rec. 601), with transparency composited on the backdrop that contrasts with the visible
 * content: white under dark ink (a drawing canvas with a transparent background), black under light
 * ink. Null when every pixel is fully transparent.
 */
function toGrey(input: RgbaImage): Grey | null {
  const { data } = input;
  const n = input.width * input.height;
  const values = new Float32Array(n);
  let alphaSum = 0;
  let inkSum = 0;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const alpha = data[j + 3]! / 255;
    const luma = (0.299 * data[j]! + 0.587 * data[j + 1]! + 0.114 * data[j + 2]!) / 255;
    values[i] = luma;
    alphaSum += alpha;
    inkSum += alpha * luma;
  }
  if (alphaSum === 0) return null;
  const backdrop = inkSum / alphaSum > 0.5 ? 0 : 1;
  let min = 1;
  let max = 0;
  for (let i = 0, j = 3; i < n; i++, j += 4) {
    const alpha = data[j]! / 255;
    const v = alpha * values[i]! + (1 - alpha) * backdrop;
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { values, min, max };
}

const HISTOGRAM_BINS = 1024;

/** Mean and median brightness of a frame about one MNIST pixel (1/28 of the shorter side) thick. */
function borderStats(values: Float32Array, width: number, height: number): { mean: number; median: number } {
  const thickness = Math.max(1, Math.round(Math.min(width, height) / IMAGE_SIDE));
  const histogram = new Uint32Array(HISTOGRAM_BINS);
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    const edgeRow = y < thickness || y >= height - thickness;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!edgeRow && x === thickness) x = Math.max(x, width - thickness);
      const v = values[row + x]!;
      sum += v;
      count++;
      histogram[Math.round(v * (HISTOGRAM_BINS - 1))]!++;
    }
  }
  let seen = 0;
  let bin = 0;
  while (bin < HISTOGRAM_BINS - 1 && (seen += histogram[bin]!) < count / 2) bin++;
  return { mean: sum / count, median: bin / (HISTOGRAM_BINS - 1) };
}

function decideInversion(option: InvertOption, borderMean: number): boolean {
  return option === 'auto' ? borderMean > 0.5 : option;
}

/** Light-on-dark intensities with the background at 0, the peak at 1, and everything short of ink at exactly 0. */
function levels(values: Float32Array, inverted: boolean, background: number, peak: number): Float32Array {
  const out = new Float32Array(values.length);
  const range = peak - background;
  for (let i = 0; i < values.length; i++) {
    const above = (inverted ? 1 - values[i]! : values[i]!) - background;
    out[i] = above > INK_THRESHOLD ? Math.min(1, above / range) : 0;
  }
  return out;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function inkBox(ink: Float32Array, width: number, height: number): Box | null {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (ink[row + x]! > 0) {
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

/** Area-averaging (box filter) resampling of the box to outWidth x outHeight, rows first, then columns. */
function resampleBox(ink: Float32Array, width: number, box: Box, outWidth: number, outHeight: number): Float32Array {
  const horizontal = areaKernel(box.width, outWidth);
  const vertical = areaKernel(box.height, outHeight);
  const rows = new Float64Array(box.height * outWidth);
  for (let y = 0; y < box.height; y++) {
    const src = (box.y + y) * width + box.x;
    for (let j = 0; j < outWidth; j++) {
      const w = horizontal.weights[j]!;
      const k0 = src + horizontal.first[j]!;
      let sum = 0;
      for (let k = 0; k < w.length; k++) sum += w[k]! * ink[k0 + k]!;
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

/**
 * Places the digit in the 28x28 field so its centre of mass lands on pixel (14, 14), in pixel-index
 * coordinates as MNIST measured it (its test digits' centres of mass average index 14.0, not the
 * geometric centre 13.5). The shift is rounded to whole pixels; whatever falls outside is clipped.
 */
function placeByCentreOfMass(digit: Float32Array, width: number, height: number): Float32Array {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = digit[y * width + x]!;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const dx = Math.round(CENTRE - mx / mass);
  const dy = Math.round(CENTRE - my / mass);
  const out = new Float32Array(IMAGE_PIXELS);
  for (let y = 0; y < height; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= IMAGE_SIDE) continue;
    for (let x = 0; x < width; x++) {
      const tx = x + dx;
      if (tx >= 0 && tx < IMAGE_SIDE) out[ty * IMAGE_SIDE + tx] = digit[y * width + x]!;
    }
  }
  return out;
}

function emptyResult(inverted: boolean): ModelInput {
  return { image: new Float32Array(IMAGE_PIXELS), inverted, empty: true };
}
