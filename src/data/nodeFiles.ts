/** Node-only: reading the registered datasets from disk, and gzip through node:zlib. */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { buildImageSet, type FileDatasetSpec, type Split } from './datasets.ts';
import { IdxFormatError, readIdx, type IdxArray } from './idx.ts';
import { imageSetFromIdx, type ImageSet } from './imageSet.ts';

export class DatasetMissingError extends Error {
  override name = 'DatasetMissingError';
}

/** Folder overrides by dataset name; they take precedence over each dataset's environment variable. */
export type DataDirs = Partial<Record<string, string>>;

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const gunzipAsync = promisify(gunzip);

export async function gunzipNode(bytes: Uint8Array): Promise<Uint8Array> {
  return gunzipAsync(bytes);
}

/** The folder a file dataset is read from: override, else environment variable, else the registry's folder. */
function datasetDir(spec: FileDatasetSpec, dirs: DataDirs = {}): string {
  const dir = dirs[spec.name] || process.env[spec.dirEnv] || spec.dir;
  return isAbsolute(dir) ? dir : join(PROJECT_ROOT, dir);
}

/** One split of any registered dataset (see DATASETS), read from disk. */
export function loadDataset(name: string, split: Split, dirs: DataDirs = {}): Promise<ImageSet> {
  return buildImageSet(name, split, async (spec, s) => {
    const dir = datasetDir(spec, dirs);
    // One file after the other, so a missing dataset always reports its images file first.
    const images = await readIdxFile(spec, join(dir, spec.files[s].images));
    const labels = await readIdxFile(spec, join(dir, spec.files[s].labels));
    return imageSetFromIdx(spec.name, images, labels);
  });
}

async function readIdxFile(spec: FileDatasetSpec, path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new DatasetMissingError(
      `${spec.name}: data file ${path} not found. Install it with: ${spec.install}` +
        ` (or set ${spec.dirEnv} to a folder holding the IDX files)`,
    );
  }
  try {
    return await readIdx(bytes, gunzipNode);
  } catch (e) {
    // Name the file: a corrupt download should say which one.
    const reason = e instanceof IdxFormatError ? e.message : `gzip data is corrupt (${(e as Error).message})`;
    throw new IdxFormatError(`${path}: ${reason}`);
  }
}
