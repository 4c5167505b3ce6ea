/**
 * Fashion-MNIST's conversion (Xiao, Rasul & Vollgraf, 2017, section 2): how the dataset turned each
 * product photo (a 51x73 thumbnail on a light background) into a 28x28 image, applied to any picture:
 *
 *   1-2. trim the edges close to the background colour (within 5% of full intensity in RGB space);
 *   3.   resize the longest edge to 28 by subsampling (rows and columns skipped, no averaging);
 *   4.   sharpen with a Gaussian operator of radius and standard deviation 1, near outlines only;
 *   5.   extend the shorter edge to 28, the object at the centre of the canvas;
 *   6-7. negate the intensities and keep 8-bit grey levels.
 *
 * Two steps are added for pictures that are not Zalando's thumbnails, each a no-op on one:
 * the object is first reduced with anti-aliasing to the thumbnails' scale (longest side 73 px),
 * so subsampling skips what it skipped there rather than picking single pixels of a large photo; and
 * the background is measured from the border (its median colour and its noise) instead of assumed
 * near-white, so a photo's grey paper goes to 0 as the dataset's #fdfdfd did, and pixels within the
 * background's own noise are background. Intensities are otherwise the picture's own: a mid-grey
 * garment stays mid-grey (MNIST's conversion, by contrast, stretches the ink to full intensity).
 */
import { IMAGE_PIXELS, IMAGE_SIDE } from './imageSet.ts';
import {
  backdropOf,
  borderIndices,
  borderValues,
  checkSize,
  decideInversion,
  emptyResult,
  luma,
  medianOf,
  resampleArea,
  boxAbove,
  type Box,
  type InvertOption,
  type ModelInput,
  type RgbaImage,
} from './picture.ts';

/** Longest side of the thumbnails the dataset was made from (51x73). */
export const THUMBNAIL_SIDE = 73;
/** Step 2: a colour within this Euclidean RGB distance (5% of full intensity, 0..255 units) of the background is background. */
export const TRIM_FUZZ = 0.05 * 255;
/**
 * Pixels closer to the background colour than this many times the border's median distance from it
 * are background noise. The median distance of Gaussian grey noise of deviation s is 1.17 s, so 8 of
 * them sit 5.4 s out, which noise reaches once in about 15 million pixels.
 */
export const NOISE_FACTOR = 8;
/** The largest distance in RGB space (0..255 units): black to white. */
const MAX_DISTANCE = 255 * Math.sqrt(3);

export interface FashionMnistOptions {
  invert?: InvertOption;
}

export function convertAsFashionMnist(input: RgbaImage, options: FashionMnistOptions = {}): ModelInput {
  const { width, height } = checkSize(input);
  const backdrop = backdropOf(input);
  if (backdrop === null) return emptyResult(false);
  const rgb = composite(input, backdrop);
  const background = borderColour(rgb, width, height);
  const backgroundLuma = luma(background[0], background[1], background[2]) * 255;
  const inverted = decideInversion(options.invert ?? 'auto', backgroundLuma / 255);

  const distance = distances(rgb, background);
  const noise = NOISE_FACTOR * medianOf(Float32Array.from(borderValues(distance, width, height), (d) => d / MAX_DISTANCE)) * MAX_DISTANCE;
  const box = boxAbove(distance, width, height, Math.max(TRIM_FUZZ, noise));
  if (!box) return emptyResult(inverted);

  // Negated relative to the background: it goes to 0 and full white (or black, not inverted) to 1.
  // When a forced orientation disagrees with the border, plain negation as step 6.
  const base = inverted ? 255 - backgroundLuma : backgroundLuma;
  const floor = base <= 127.5 ? base : 0;
  const intensity = new Float32Array(width * height);
  for (let i = 0, j = 0; i < intensity.length; i++, j += 3) {
    if (distance[i]! <= noise) continue;
    const l = luma(rgb[j]!, rgb[j + 1]!, rgb[j + 2]!) * 255;
    const oriented = inverted ? 255 - l : l;
    intensity[i] = Math.min(1, Math.max(0, (oriented - floor) / (255 - floor)));
  }

  const thumb = toThumbnail(intensity, width, box);
  const [w, h] = fitLongestSide(thumb.width, thumb.height, IMAGE_SIDE);
  const sampled = subsample(thumb.values, thumb.width, thumb.height, w, h);
  const sharpened = adaptiveSharpen(sampled, w, h);
  const image = extendToCentre(sharpened, w, h);
  let empty = true;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    // Step 7: 8-bit grey levels, as the dataset stores them.
    image[i] = Math.round(image[i]! * 255) / 255;
    if (image[i]! > 0) empty = false;
  }
  return { image, inverted, empty };
}

/** RGB in 0..255 with transparency composited on the backdrop (0 black, 1 white). */
function composite(input: RgbaImage, backdrop: 0 | 1): Float32Array {
  const n = input.width * input.height;
  const out = new Float32Array(n * 3);
  const { data } = input;
  for (let i = 0; i < n; i++) {
    const alpha = data[i * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = alpha * data[i * 4 + c]! + (1 - alpha) * 255 * backdrop;
  }
  return out;
}

/** The background colour: the per-channel median of the border (the corner colour of step 2, robust to noise and to an object touching an edge). */
function borderColour(rgb: Float32Array, width: number, height: number): [number, number, number] {
  const border = borderIndices(width, height);
  const channel = (c: number) => medianOf(Float32Array.from(border, (i) => rgb[i * 3 + c]! / 255)) * 255;
  return [channel(0), channel(1), channel(2)];
}

function distances(rgb: Float32Array, colour: readonly [number, number, number]): Float32Array {
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    out[i] = Math.hypot(rgb[j]! - colour[0], rgb[j + 1]! - colour[1], rgb[j + 2]! - colour[2]);
  }
  return out;
}


/** Output size with the longest side `side` and the aspect ratio kept (rounded, at least 1). */
function fitLongestSide(width: number, height: number, side: number): [number, number] {
  const scale = side / Math.max(width, height);
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

/** The trimmed box, reduced with anti-aliasing to the thumbnails' scale when it is larger; as it is otherwise. */
function toThumbnail(values: Float32Array, width: number, box: Box): { values: Float32Array; width: number; height: number } {
  const [w, h] = Math.max(box.width, box.height) > THUMBNAIL_SIDE ? fitLongestSide(box.width, box.height, THUMBNAIL_SIDE) : [box.width, box.height];
  return { values: resampleArea(values, width, box, w, h), width: w, height: h };
}

/** Step 3: each output pixel takes the source pixel under its centre (ImageMagick's -sample). */
function subsample(values: Float32Array, width: number, height: number, outWidth: number, outHeight: number): Float32Array {
  const out = new Float32Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / outHeight));
    for (let x = 0; x < outWidth; x++) {
      const sx = Math.min(width - 1, Math.floor(((x + 0.5) * width) / outWidth));
      out[y * outWidth + x] = values[sy * width + sx]!;
    }
  }
  return out;
}

/** Value at (x, y) with the edge pixels repeated outside the image. */
function at(values: Float32Array, width: number, height: number, x: number, y: number): number {
  return values[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))]!;
}

function convolve3x3(values: Float32Array, width: number, height: number, kernel: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let v = -1; v <= 1; v++) for (let u = -1; u <= 1; u++) sum += kernel[(v + 1) * 3 + u + 1]! * at(values, width, height, x + u, y + v);
      out[y * width + x] = sum;
    }
  }
  return out;
}

/** Linear levels: black point and white point to 0 and 1, clamped. */
function level(values: Float32Array, black: number, white: number): Float32Array {
  return values.map((v) => Math.min(1, Math.max(0, (v - black) / (white - black))));
}

/** The 3x3 Gaussian of standard deviation 1 (radius 1), normalised. */
const GAUSSIAN_3X3 = (() => {
  const g = [-1, 0, 1].flatMap((v) => [-1, 0, 1].map((u) => Math.exp(-(u * u + v * v) / 2)));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((w) => w / sum);
})();

/** Sharpening with that Gaussian: the centre weighs twice the Gaussian's sum, the neighbours minus their weight; normalised to sum 1. */
const SHARPEN_3X3 = (() => {
  const g = [-1, 0, 1].flatMap((v) => [-1, 0, 1].map((u) => Math.exp(-(u * u + v * v) / 2)));
  const sum = g.reduce((a, b) => a + b, 0);
  const k = g.map((w) => -w);
  k[4] = 2 * sum;
  const total = k.reduce((a, b) => a + b, 0);
  return k.map((w) => w / total);
})();

/** 8 at the centre, -1 around: ImageMagick's edge operator of radius 1. */
const EDGE_3X3 = [-1, -1, -1, -1, 8, -1, -1, -1, -1];

/**
 * Step 4 as ImageMagick's -adaptive-sharpen 1x1 does it: an edge map (the edge operator on the
 * picture as photographed, dark object on light, levelled 20%-95%, blurred by the Gaussian, levelled
 * 10%-95%) chooses, per pixel, the full 3x3 sharpening kernel where it reaches one half and no change
 * elsewhere (at radius 1 there is no kernel in between). The image here is the negated picture, so
 * the edge operator is applied with its sign flipped.
 */
export function adaptiveSharpen(values: Float32Array, width: number, height: number): Float32Array {
  const edgeRaw = convolve3x3(values, width, height, EDGE_3X3).map((e) => Math.min(1, Math.max(0, -e)));
  const edge = level(convolve3x3(level(edgeRaw, 0.2, 0.95), width, height, GAUSSIAN_3X3), 0.1, 0.95);
  const sharp = convolve3x3(values, width, height, SHARPEN_3X3);
  return values.map((v, i) => (edge[i]! >= 0.5 ? Math.min(1, Math.max(0, sharp[i]!)) : v));
}

/**
 * Step 5: the w x h image in the middle of a 28x28 black canvas. An odd margin leaves its extra
 * column on the left and its extra row at the top, as in the dataset (of its 10,000 test images, 3,224
 * have one more empty column on the left than on the right, 10 the other way round).
 */
function extendToCentre(values: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(IMAGE_PIXELS);
  const left = Math.ceil((IMAGE_SIDE - width) / 2);
  const top = Math.ceil((IMAGE_SIDE - height) / 2);
  for (let y = 0; y < height; y++) out.set(values.subarray(y * width, (y + 1) * width), (top + y) * IMAGE_SIDE + left);
  return out;
}
