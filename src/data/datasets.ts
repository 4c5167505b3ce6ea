/**
 * The dataset registry: datasets.json lists every dataset once, for this library and the PyTorch engine
 * (pytorch/hvae_torch/data.py reads the same file). Sets read from IDX files, sets derived from another
 * one by a named transform, and sets generated from a seed by a named generator (transforms.ts).
 * Platform-free: reading the files is the caller's job (see nodeFiles.ts), the derivations happen here.
 * Each dataset made from pictures names the conversion its authors used, the one a model trained on it
 * gets for new pictures.
 */
import type { ConversionName } from './conversions.ts';
import registryJson from './datasets.json' with { type: 'json' };
import type { ImageSet } from './imageSet.ts';
import { GENERATORS, TRANSFORMS, type GeneratorName, type TransformName } from './transforms.ts';

export type Split = 'train' | 'test';
const SPLITS: readonly Split[] = ['train', 'test'];

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
   * drawings for a model trained on it are converted the same way. Null for a set not made from
   * pictures (letters rendered from fonts).
   */
  conversion: ConversionName | null;
}

/** A dataset made by transforming every image of another one; labels carry over. */
export interface DerivedDatasetSpec {
  kind: 'derived';
  name: string;
  description: string;
  source: string;
  transform: TransformName;
}

/** A dataset generated from a seed; it has no labels. */
export interface GeneratedDatasetSpec {
  kind: 'generated';
  name: string;
  description: string;
  generator: GeneratorName;
  counts: Record<Split, number>;
  /** Different seeds per split, so test images never repeat training images. */
  seeds: Record<Split, number>;
}

export type DatasetSpec = FileDatasetSpec | DerivedDatasetSpec | GeneratedDatasetSpec;

export class UnknownDatasetError extends Error {
  override name = 'UnknownDatasetError';
}

export class DatasetRegistryError extends Error {
  override name = 'DatasetRegistryError';
}

type Entry = Record<string, unknown>;

function isEntry(v: unknown): v is Entry {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function perSplit<T>(v: unknown, what: string, check: (x: unknown) => x is T, fail: (why: string) => never): Record<Split, T> {
  if (!isEntry(v) || !SPLITS.every((s) => check(v[s]))) return fail(`${what} must give train and test`);
  return { train: v.train as T, test: v.test as T };
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isUint32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
const isFilePair = (v: unknown): v is IdxFilePair => isEntry(v) && isString(v.images) && isString(v.labels);

function parseEntry(raw: unknown, at: number): DatasetSpec {
  const fail = (why: string): never => {
    const name = isEntry(raw) && typeof raw.name === 'string' ? ` ("${raw.name}")` : '';
    throw new DatasetRegistryError(`datasets.json, entry ${at}${name}: ${why}`);
  };
  if (!isEntry(raw)) return fail('not an object');
  const { kind, name, description } = raw;
  if (!isString(name) || !/^[a-z0-9-]+$/.test(name)) return fail('name must be lower-case letters, digits and dashes');
  if (!isString(description)) return fail('description missing');
  switch (kind) {
    case 'files': {
      const { dir, dirEnv, install, conversion } = raw;
      if (!isString(dir) || !isString(dirEnv) || !isString(install)) return fail('dir, dirEnv and install must be strings');
      if (conversion !== null && !isString(conversion)) return fail('conversion must be a conversion name or null');
      return { kind, name, description, dir, dirEnv, install, files: perSplit(raw.files, 'files', isFilePair, fail), conversion: conversion as ConversionName | null };
    }
    case 'derived': {
      const { source, transform } = raw;
      if (!isString(source)) return fail('source missing');
      if (!isString(transform) || !Object.hasOwn(TRANSFORMS, transform)) return fail(`transform must be one of ${Object.keys(TRANSFORMS).join(', ')}`);
      return { kind, name, description, source, transform: transform as TransformName };
    }
    case 'generated': {
      const { generator } = raw;
      if (!isString(generator) || !Object.hasOwn(GENERATORS, generator)) return fail(`generator must be one of ${Object.keys(GENERATORS).join(', ')}`);
      return { kind, name, description, generator: generator as GeneratorName, counts: perSplit(raw.counts, 'counts', isUint32, fail), seeds: perSplit(raw.seeds, 'seeds', isUint32, fail) };
    }
    default:
      return fail('kind must be files, derived or generated');
  }
}

/** Checks the registry's entries; throws DatasetRegistryError naming the first bad one. */
export function parseRegistry(raw: unknown): DatasetSpec[] {
  if (!Array.isArray(raw)) throw new DatasetRegistryError('datasets.json must hold a list of datasets');
  const specs = raw.map(parseEntry);
  const names = new Set<string>();
  specs.forEach((d, i) => {
    if (names.has(d.name)) throw new DatasetRegistryError(`datasets.json, entry ${i} ("${d.name}"): the name is used twice`);
    names.add(d.name);
  });
  specs.forEach((d, i) => {
    if (d.kind === 'derived' && !names.has(d.source)) throw new DatasetRegistryError(`datasets.json, entry ${i} ("${d.name}"): unknown source "${d.source}"`);
  });
  return specs;
}

export const DATASETS: readonly DatasetSpec[] = parseRegistry(registryJson);

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
      return { ...source, images: TRANSFORMS[spec.transform](source.images), name: spec.name };
    }
    case 'generated': {
      const count = spec.counts[split];
      return { images: GENERATORS[spec.generator](count, spec.seeds[split]), count, height: 28, width: 28, name: spec.name };
    }
  }
}
