/**
 * npm run make-assets [-- --datasets a,b --count 48]: writes the small dataset subsets the app serves
 * from public/gallery/ (the app downloads nothing else at run time): a seeded sample of the test split
 * of each dataset (by default every registered one) as raw 8-bit pixels, with an index naming the
 * source indices and labels.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DATASET_NAMES } from '../data/datasets.ts';
import { loadDataset } from '../data/nodeFiles.ts';
import { IMAGE_PIXELS } from '../data/imageSet.ts';
import { mulberry32 } from '../data/random.ts';
import { sampleIndices } from '../ood/protocol.ts';
import { num, parseArgs, runMain, str } from './args.ts';
import { writeAtomic } from './modelFiles.ts';

export interface GalleryEntry {
  dataset: string;
  file: string;
  count: number;
  /** Indices into the dataset's test split. */
  indices: number[];
  labels: number[] | null;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const datasets = str(a, 'datasets', DATASET_NAMES.join(',')).split(',');
  const count = num(a, 'count', 48);
  const out = str(a, 'out', 'public/gallery');
  await mkdir(out, { recursive: true });
  const entries: GalleryEntry[] = [];
  for (const name of datasets) {
    const set = await loadDataset(name, 'test');
    const indices = Array.from(sampleIndices(set.count, count, mulberry32(4242)));
    const bytes = new Uint8Array(count * IMAGE_PIXELS);
    indices.forEach((idx, i) => {
      for (let p = 0; p < IMAGE_PIXELS; p++) bytes[i * IMAGE_PIXELS + p] = Math.round(set.images[idx * IMAGE_PIXELS + p]! * 255);
    });
    const file = `${name}-test.bin`;
    await writeAtomic(join(out, file), bytes);
    entries.push({ dataset: name, file, count, indices, labels: set.labels ? indices.map((i) => set.labels![i]!) : null });
    console.error(`${file}: ${count} images`);
  }
  await writeAtomic(join(out, 'index.json'), JSON.stringify({ entries }, null, 1));
}

runMain(main, ['DatasetMissingError', 'UnknownDatasetError', 'IdxFormatError']);
