/**
 * Weights in the tfjs layout: a JSON document (config + weights manifest) and one binary shard
 * of little-endian float32 values. Platform-free: callers bring the bytes (fs in Node, fetch in
 * the page). Every way a file can be wrong gets its own message (see modelJson.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from './createModel.ts';
import type { HierarchicalVae } from './hierarchicalVae.ts';
import { MODEL_FORMAT, WEIGHTS_FILE, WeightsError, decodeTensors, parseModelJson, type ModelJson, type WeightSpec } from './modelJson.ts';

// The file format without tfjs lives in modelJson.ts (the page reads it on its main thread); re-exported for the model library's callers.
export { MODEL_FORMAT, WEIGHTS_FILE, WeightsError, decodeTensors, parseModelJson, type ModelJson, type WeightSpec };

export interface NamedValues {
  specs: WeightSpec[];
  data: ArrayBuffer;
}

/** Packs tensors into one float32 buffer in the given order. */
export async function encodeTensors(named: [string, tf.Tensor][]): Promise<NamedValues> {
  const total = named.reduce((s, [, t]) => s + t.size, 0);
  const buf = new Float32Array(total);
  const specs: WeightSpec[] = [];
  let off = 0;
  for (const [name, t] of named) {
    buf.set((await t.data()) as Float32Array, off);
    off += t.size;
    specs.push({ name, shape: [...t.shape], dtype: 'float32' });
  }
  return { specs, data: buf.buffer };
}

/** Copies named values into a model's variables; every variable must be present with its shape, nothing extra. */
export function assignWeights(model: HierarchicalVae, values: Map<string, { shape: number[]; values: Float32Array }>): void {
  const vars = model.store.vars;
  const missing = [...vars.keys()].filter((n) => !values.has(n));
  if (missing.length) throw new WeightsError(`weights are missing ${missing.length} tensor(s), e.g. ${missing.slice(0, 3).join(', ')}`);
  const extra = [...values.keys()].filter((n) => !vars.has(n));
  if (extra.length) throw new WeightsError(`weights have ${extra.length} unknown tensor(s), e.g. ${extra.slice(0, 3).join(', ')}`);
  for (const [name, v] of vars) {
    const w = values.get(name)!;
    if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i]))
      throw new WeightsError(`tensor ${name} has shape [${w.shape}] but the model expects [${v.shape}]`);
  }
  for (const [name, v] of vars) {
    const w = values.get(name)!;
    tf.tidy(() => v.assign(tf.tensor(w.values, w.shape)));
  }
}

export async function serializeModel(model: HierarchicalVae, meta: Record<string, unknown>): Promise<{ json: ModelJson; weights: ArrayBuffer }> {
  const { specs, data } = await encodeTensors([...model.store.vars.entries()]);
  return {
    json: { format: MODEL_FORMAT, config: model.config, meta, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }] },
    weights: data,
  };
}

/** Builds a model from its JSON and the bytes of its weight shard. */
export function deserializeModel(json: ModelJson, weights: ArrayBuffer): HierarchicalVae {
  const values = decodeTensors(json.weightsManifest[0]!.weights, weights);
  const model = createModel(json.config);
  try {
    assignWeights(model, values);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Fetches a model's JSON and weight bytes by URL (page, worker); the bytes let a caller rebuild the model on another backend. */
export async function fetchModelFiles(modelJsonUrl: string, fetchFn: typeof fetch = fetch): Promise<{ json: ModelJson; weights: ArrayBuffer }> {
  const res = await fetchFn(modelJsonUrl);
  if (!res.ok) throw new WeightsError(`could not load ${modelJsonUrl}: HTTP ${res.status}`);
  const json = parseModelJson(await res.text());
  const shardUrl = new URL(json.weightsManifest[0]!.paths[0]!, new URL(modelJsonUrl, globalThis.location?.href ?? 'file:///')).href;
  const wres = await fetchFn(shardUrl);
  if (!wres.ok) throw new WeightsError(`could not load ${shardUrl}: HTTP ${wres.status}`);
  return { json, weights: await wres.arrayBuffer() };
}
