/** The image collection every part of the app passes around: 28x28 grey images in [0, 1], row-major. */
import { IdxFormatError, type IdxArray } from './idx.ts';

export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;

export interface ImageSet {
  /** count * 28 * 28 values in [0, 1]. */
  images: Float32Array;
  labels?: Uint8Array;
  count: number;
  height: 28;
  width: 28;
  name: string;
}

const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/** Builds an ImageSet from IDX image (N x 28 x 28) and optional label (N) arrays. */
export function imageSetFromIdx(name: string, images: IdxArray, labels?: IdxArray): ImageSet {
  const [count, height, width] = images.dims;
  if (images.dims.length !== 3 || count === undefined || height !== IMAGE_SIDE || width !== IMAGE_SIDE) {
    throw new IdxFormatError(`${name}: images have dimensions ${images.dims.join('x')}, expected N x 28 x 28`);
  }
  if (labels && (labels.dims.length !== 1 || labels.dims[0] !== count)) {
    throw new IdxFormatError(`${name}: labels have dimensions ${labels.dims.join('x')}, expected ${count} to match the images`);
  }
  const pixels = new Float32Array(images.data.length);
  const bytes = images.data;
  for (let i = 0; i < bytes.length; i++) pixels[i] = BYTE_TO_UNIT[bytes[i]!]!;
  const set: ImageSet = { images: pixels, count, height: IMAGE_SIDE, width: IMAGE_SIDE, name };
  if (labels) set.labels = labels.data.slice();
  return set;
}
