/**
 * npm run make-training-sets [-- --train 2000 --held-out 200 --out public/train]
 * Writes the subsets the Train page trains and monitors on (the app downloads nothing else at run
 * time): a seeded sample of the FashionMNIST and MNIST training splits, and a seeded sample of the
 * test split of every dataset, held out for the per-epoch AUROC. Raw 8-bit pixels plus index.json.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DATASET_NAMES } from '../data/datasets.ts';
import { IMAGE_PIXELS } from '../data/imageSet.ts';
import { loadDataset } from '../data/nodeFiles.ts';
import { mulberry32 } from '../data/random.ts';
import { imagesToBytes, type TrainingSetEntry, type TrainingSetIndex, type TrainingSetRole } from '../data/trainingSets.ts';
import { sampleIndices } from '../ood/protocol.ts';
import { num, parseArgs, runMain, str } from './args.ts';
import { writeAtomic } from './modelFiles.ts';

const TRAINABLE = ['fashionmnist', 'mnist'];

async function writeSubset(out: string, dataset: string, role: TrainingSetRole, count: number, seed: number): Promise<TrainingSetEntry> {
  const split = role === 'train' ? 'train' : 'test';
  const set = await loadDataset(dataset, split);
  const indices = Array.from(sampleIndices(set.count, count, mulberry32(seed)));
  const images = new Float32Array(count * IMAGE_PIXELS);
  indices.forEach((idx, i) => images.set(set.images.subarray(idx * IMAGE_PIXELS, (idx + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS));
  const file = `${dataset}-${role === 'train' ? 'train' : 'heldout'}.bin`;
  await writeAtomic(join(out, file), imagesToBytes(images));
  console.error(`${file}: ${count} images of ${dataset}/${split}`);
  return { dataset, role, split, file, count, indices, labels: set.labels ? indices.map((i) => set.labels![i]!) : null };
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const trainCount = num(a, 'train', 2000);
  const heldOutCount = num(a, 'held-out', 200);
  const out = str(a, 'out', 'public/train');
  await mkdir(out, { recursive: true });
  const sets: TrainingSetEntry[] = [];
  for (const d of TRAINABLE) sets.push(await writeSubset(out, d, 'train', trainCount, 2021));
  for (const d of DATASET_NAMES) sets.push(await writeSubset(out, d, 'heldOut', heldOutCount, 2022));
  const index: TrainingSetIndex = { sets };
  await writeAtomic(join(out, 'index.json'), JSON.stringify(index));
}

runMain(main, ['DatasetMissingError', 'UnknownDatasetError', 'IdxFormatError']);
