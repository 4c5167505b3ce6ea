/**
 * MNIST's conversion (LeCun et al., 1998): turns an arbitrary picture (a canvas drawing, an uploaded
 * photo) into what an MNIST model sees, the way MNIST's digits were made: light ink on a dark
 * background, cropped to the ink, scaled with anti-aliasing so the longer side is 20 px, and placed in
 * a 28x28 field with its centre of mass at the centre.
 */
import { IMAGE_PIXELS, IMAGE_SIDE } from './imageSet.ts';
import {
  INK_THRESHOLD,
  borderStats,
  checkSize,
  decideInversion,
  emptyResult,
  resampleArea,
  toGrey,
  boxAbove,
  type InvertOption,
  type ModelInput,
  type RgbaImage,
} from './picture.ts';

// Callers that convert as MNIST (the lecture's pad, the Train page's examples) take these from here.
export { PreprocessError, type RgbaImage } from './picture.ts';

export interface PreprocessOptions {
  invert?: InvertOption;
}

/** MNIST's digits fit a 20x20 box inside the 28x28 field. */
export const DIGIT_BOX = 20;

/** Centre of mass target, in pixel indices. */
const CENTRE = IMAGE_SIDE / 2;

/** MNIST's conversion of any picture; a 28x28 digit of MNIST comes back nearly unchanged. */
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

  const box = boxAbove(ink, width, height, 0);
  if (!box) return emptyResult(inverted);
  const scale = DIGIT_BOX / Math.max(box.width, box.height);
  const outWidth = Math.max(1, Math.round(box.width * scale));
  const outHeight = Math.max(1, Math.round(box.height * scale));
  const digit = resampleArea(ink, width, box, outWidth, outHeight);
  return { image: placeByCentreOfMass(digit, outWidth, outHeight), inverted, empty: false };
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

