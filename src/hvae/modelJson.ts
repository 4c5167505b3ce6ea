/**
 * The model file format without tfjs: model.json (config + weights manifest) and the checks on a
 * float32 weight shard. The page's main thread validates imported files with these before any
 * worker builds the model. Every way a file can be wrong gets its own message.
 */
import { validateConfig, type ModelConfig } from './config.ts';

export const MODEL_FORMAT = 'hvae-ood/1';
export const WEIGHTS_FILE = 'weights.bin';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface ModelJson {
  format: typeof MODEL_FORMAT;
  config: ModelConfig;
  /** Free-form facts about how the weights were made (dataset, epochs, ...). */
  meta: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export class WeightsError extends Error {
  override name = 'WeightsError';
}

/** Unpacks a float32 buffer by its specs; rejects truncated or oversized data and non-finite values. */
export function decodeTensors(specs: WeightSpec[], data: ArrayBuffer, what = 'weights'): Map<string, { shape: number[]; values: Float32Array }> {
  const expected = specs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0) * 4;
  if (data.byteLength < expected)
    throw new WeightsError(`${what}: file is truncated (${data.byteLength} bytes, the manifest needs ${expected})`);
  if (data.byteLength > expected)
    throw new WeightsError(`${what}: file has ${data.byteLength - expected} bytes more than the manifest describes`);
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let off = 0;
  for (const w of specs) {
    if (w.dtype !== 'float32') throw new WeightsError(`${what}: tensor ${w.name} has unsupported dtype ${String(w.dtype)}`);
    const n = w.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(data, off, n);
    off += n * 4;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(values[i]!)) throw new WeightsError(`${what}: tensor ${w.name} contains NaN or Inf (index ${i})`);
    }
    out.set(w.name, { shape: w.shape, values });
  }
  return out;
}

/** Parses model.json text and checks it describes a model this code can build. */
export function parseModelJson(text: string): ModelJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WeightsError(`model.json is not valid JSON (${(e as Error).message})`);
  }
  const j = raw as Partial<ModelJson>;
  if (typeof j !== 'object' || j === null || j.format !== MODEL_FORMAT)
    throw new WeightsError(`not an HVAE model file (expected format "${MODEL_FORMAT}")`);
  const config = validateConfig(j.config);
  const manifest = j.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length !== 1 || !Array.isArray(manifest[0]?.weights))
    throw new WeightsError('model.json has no single weights manifest');
  return { format: MODEL_FORMAT, config, meta: j.meta ?? {}, weightsManifest: manifest };
}
