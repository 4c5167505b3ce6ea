/**
 * Models on disk: a folder (model.json + weights.bin, written atomically: temp file, then rename),
 * or one .hvae file as the page exports it (src/hvae/modelFile.ts).
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { unpackModelFile } from '../hvae/modelFile.ts';
import { WEIGHTS_FILE, WeightsError, deserializeModel, parseModelJson, serializeModel, type ModelJson } from '../hvae/weightsIo.ts';

export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function saveModelDir(dir: string, model: HierarchicalVae, meta: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { json, weights } = await serializeModel(model, meta);
  await writeAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
  await writeAtomic(join(dir, 'model.json'), JSON.stringify(json, null, 1));
}

export async function loadModelDir(dir: string): Promise<{ model: HierarchicalVae; json: ModelJson }> {
  let text: string;
  try {
    text = await readFile(join(dir, 'model.json'), 'utf8');
  } catch {
    throw new WeightsError(`no model.json in ${dir}`);
  }
  const json = parseModelJson(text);
  const shard = json.weightsManifest[0]!.paths[0]!;
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, shard));
  } catch {
    throw new WeightsError(`model.json names ${shard}, which is missing in ${dir}`);
  }
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { model: deserializeModel(json, ab), json };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    throw new WeightsError(`${path} does not exist`);
  }
}

async function readModelFile(path: string): Promise<{ json: ModelJson; weights: ArrayBuffer }> {
  return unpackModelFile(await readFile(path), path);
}

/** A model from a folder or from one exported .hvae file. */
export async function loadModel(path: string): Promise<{ model: HierarchicalVae; json: ModelJson }> {
  if (await isDirectory(path)) return loadModelDir(path);
  const { json, weights } = await readModelFile(path);
  return { model: deserializeModel(json, weights), json };
}

/**
 * The folder that holds a model and its eval results: the path itself for a folder; for a .hvae
 * file, a folder beside it named after the file (models/x.hvae gives models/x/), into which the
 * file is unpacked. A folder that already holds a different model is refused, so eval results
 * of one model are never mixed with another's.
 */
export async function modelDirFor(path: string): Promise<string> {
  if (await isDirectory(path)) return path;
  const { json, weights } = await readModelFile(path);
  const dir = join(dirname(path), basename(path, extname(path)));
  const jsonText = JSON.stringify({ ...json, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: json.weightsManifest[0]!.weights }] }, null, 1);
  let existing: string | null = null;
  try {
    existing = await readFile(join(dir, 'model.json'), 'utf8');
  } catch {
    // No model there yet: unpack below.
  }
  if (existing !== null) {
    const same = existing === jsonText && Buffer.compare(await readFile(join(dir, WEIGHTS_FILE)).catch(() => Buffer.alloc(0)), Buffer.from(weights)) === 0;
    if (!same) throw new WeightsError(`${dir} already holds a different model; move it away or rename ${path}`);
    return dir;
  }
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
  await writeAtomic(join(dir, 'model.json'), jsonText);
  return dir;
}
