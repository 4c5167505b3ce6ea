/**
 * The small dataset subsets the Train page serves from public/train/ (written by
 * `npm run make-training-sets`): training images of FashionMNIST and MNIST, and held-out test
 * images of every dataset for the per-epoch AUROC. Each file is raw 8-bit pixels, 784 per image.
 */
import { IMAGE_PIXELS } from './imageSet.ts';

export type TrainingSetRole = 'train' | 'heldOut';

export interface TrainingSetEntry {
  dataset: string;
  role: TrainingSetRole;
  /** The dataset split the images were sampled from. */
  split: 'train' | 'test';
  file: string;
  count: number;
  /** Indices into that split, ascending. */
  indices: number[];
  labels: number[] | null;
}

export interface TrainingSetIndex {
  sets: TrainingSetEntry[];
}

/** Pixels in [0, 1] from 8-bit bytes; refuses a file of the wrong size, naming it. */
export function imagesFromBytes(bytes: Uint8Array, count: number, file: string): Float32Array {
  if (bytes.length !== count * IMAGE_PIXELS) throw new Error(`${file} has ${bytes.length} bytes, expected ${count * IMAGE_PIXELS} (${count} images)`);
  return Float32Array.from(bytes, (v) => v / 255);
}

/** 8-bit bytes of images in [0, 1]. */
export function imagesToBytes(images: Float32Array): Uint8Array {
  return Uint8Array.from(images, (v) => Math.round(v * 255));
}
