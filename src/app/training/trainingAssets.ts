/** The Train page's shipped data: the training and held-out subsets in public/train/ (npm run make-training-sets). */
import { imagesFromBytes, type TrainingSetEntry, type TrainingSetIndex } from '../../data/trainingSets.ts';

const base = import.meta.env.BASE_URL;

export interface LoadedSet {
  entry: TrainingSetEntry;
  /** count * 784 grey values in [0, 1]. */
  images: Float32Array;
}

export async function fetchTrainingIndex(): Promise<TrainingSetEntry[]> {
  const res = await fetch(`${base}train/index.json`);
  if (!res.ok) throw new Error(`could not load train/index.json (HTTP ${res.status}); npm run make-training-sets writes it`);
  return ((await res.json()) as TrainingSetIndex).sets;
}

const cache = new Map<string, Promise<LoadedSet>>();

/** The images of one subset, fetched once per page. */
export function fetchTrainingSet(entry: TrainingSetEntry): Promise<LoadedSet> {
  let p = cache.get(entry.file);
  if (!p) {
    p = (async () => {
      const res = await fetch(`${base}train/${entry.file}`);
      if (!res.ok) throw new Error(`could not load train/${entry.file} (HTTP ${res.status})`);
      return { entry, images: imagesFromBytes(new Uint8Array(await res.arrayBuffer()), entry.count, `train/${entry.file}`) };
    })();
    p.catch(() => cache.delete(entry.file));
    cache.set(entry.file, p);
  }
  return p;
}
