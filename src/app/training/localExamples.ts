/**
 * The user's own training examples (drawings and uploads, each already converted to 28x28 as the
 * playground converts its input), kept in IndexedDB so that a reload loses none of them.
 */
import { IMAGE_PIXELS } from '../../data/imageSet.ts';
import { imagesToBytes } from '../../data/trainingSets.ts';
import { EXAMPLES_STORE, withStore } from '../indexedDb.ts';

export interface Example {
  id: number;
  /** 784 grey values in [0, 1]. */
  image: Float32Array;
  /** "drawing" or the uploaded file's name. */
  source: string;
}

interface ExampleRecord {
  id?: number;
  pixels: Uint8Array;
  source: string;
}

export async function listExamples(): Promise<Example[]> {
  const all = await withStore<ExampleRecord[]>(EXAMPLES_STORE, 'readonly', 'reading your examples', (s) => s.getAll() as IDBRequest<ExampleRecord[]>);
  return all.map((r) => ({ id: r.id!, image: Float32Array.from(r.pixels, (v) => v / 255), source: r.source }));
}

/** Stores one 28x28 image; returns it with its id. Its pixels are kept as bytes, as the shipped sets are. */
export async function addExample(image: Float32Array, source: string): Promise<Example> {
  if (image.length !== IMAGE_PIXELS) throw new Error(`an example has ${IMAGE_PIXELS} pixels, got ${image.length}`);
  const pixels = imagesToBytes(image);
  const id = await withStore(EXAMPLES_STORE, 'readwrite', `the example from ${source}`, (s) => s.add({ pixels, source } satisfies ExampleRecord));
  return { id: Number(id), image: Float32Array.from(pixels, (v) => v / 255), source };
}

export async function deleteExample(id: number): Promise<void> {
  await withStore(EXAMPLES_STORE, 'readwrite', 'deleting an example', (s) => s.delete(id));
}

export async function clearExamples(): Promise<void> {
  await withStore(EXAMPLES_STORE, 'readwrite', 'deleting your examples', (s) => s.clear());
}
