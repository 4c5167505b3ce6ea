/**
 * node --import tsx src/cli/datasetsFixture.ts <out folder> [--n 100]
 *
 * What the PyTorch engine's data tests compare with (pytorch/tests/test_data.py): every registered
 * dataset's two splits as this library builds them: index.json with each split's image count and the sum
 * of all its pixels, and the first n images as little-endian float32 in <name>-<split>.f32.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATASET_NAMES, type Split } from '../data/datasets.ts';
import { IMAGE_PIXELS } from '../data/imageSet.ts';
import { loadDataset } from '../data/nodeFiles.ts';
import { num, parseArgs, runMain, UsageError } from './args.ts';

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const out = a.positional[0];
  if (!out) throw new UsageError('usage: datasetsFixture.ts <out folder> [--n 100]');
  const n = num(a, 'n', 100);
  await mkdir(out, { recursive: true });
  const index: Record<string, Partial<Record<Split, { count: number; sum: number }>>> = {};
  for (const name of DATASET_NAMES) {
    index[name] = {};
    for (const split of ['train', 'test'] as const) {
      const set = await loadDataset(name, split);
      const head = set.images.slice(0, n * IMAGE_PIXELS);
      await writeFile(join(out, `${name}-${split}.f32`), new Uint8Array(head.buffer));
      let sum = 0;
      for (const v of set.images) sum += v;
      index[name][split] = { count: set.count, sum };
    }
  }
  await writeFile(join(out, 'index.json'), JSON.stringify(index));
}

runMain(main, ['DatasetMissingError', 'UnknownDatasetError', 'IdxFormatError', 'UsageError']);
