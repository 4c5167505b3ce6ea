/** Model folders on disk: model.json + weights.bin, written atomically (temp file, then rename). */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hvae } from '../hvae/model.ts';
import { WEIGHTS_FILE, WeightsError, deserializeModel, parseModelJson, serializeModel, type ModelJson } from '../hvae/weightsIo.ts';

export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function saveModelDir(dir: string, model: Hvae, meta: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { json, weights } = await serializeModel(model, meta);
  await writeAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
  await writeAtomic(join(dir, 'model.json'), JSON.stringify(json, null, 1));
}

export async function loadModelDir(dir: string): Promise<{ model: Hvae; json: ModelJson }> {
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
