import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { TINY_GREY, configByName } from './config.ts';
import { createModel } from './createModel.ts';
import { Hvae } from './model.ts';
import { scoreAll } from './bounds.ts';
import { NoiseSource } from './noise.ts';
import { deserializeModel, parseModelJson, serializeModel, WeightsError, type ModelJson } from './weightsIo.ts';

describe('weights io', () => {
  let model: Hvae;
  let x: tf.Tensor4D;
  let json: ModelJson;
  let weights: ArrayBuffer;
  beforeAll(async () => {
    await initNodeBackend();
    model = new Hvae(TINY_GREY, 2);
    x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 8), 0.7), 'float32')) as tf.Tensor4D;
    model.initialize(x);
    ({ json, weights } = await serializeModel(model, { dataset: 'test' }));
  });

  it('round trip gives bit-identical scores', async () => {
    const back = deserializeModel(parseModelJson(JSON.stringify(json)), weights.slice(0));
    const a = await scoreAll(model, x, { samples: 2, lowerLatents: 'mode', seed: 4 });
    const b = await scoreAll(back, x, { samples: 2, lowerLatents: 'mode', seed: 4 });
    for (let k = 0; k <= 3; k++) expect(Array.from(b.bounds[k]!)).toEqual(Array.from(a.bounds[k]!));
    expect(back.numParams()).toBe(model.numParams());
    back.dispose();
  });

  it('rejects a truncated shard', () => {
    expect(() => deserializeModel(json, weights.slice(0, weights.byteLength - 8))).toThrow(/truncated/);
  });

  it('rejects extra bytes', () => {
    const bigger = new Uint8Array(weights.byteLength + 4);
    bigger.set(new Uint8Array(weights));
    expect(() => deserializeModel(json, bigger.buffer)).toThrow(/more than the manifest/);
  });

  it('rejects NaN values naming the tensor', () => {
    const bad = weights.slice(0);
    new Float32Array(bad)[10] = NaN;
    expect(() => deserializeModel(json, bad)).toThrow(/NaN or Inf/);
  });

  it('rejects missing, unknown and wrongly shaped tensors', () => {
    const specs = json.weightsManifest[0]!.weights;
    const dropLast: ModelJson = { ...json, weightsManifest: [{ paths: ['weights.bin'], weights: specs.slice(0, -1) }] };
    const lastSize = specs.at(-1)!.shape.reduce((a, b) => a * b, 1) * 4;
    expect(() => deserializeModel(dropLast, weights.slice(0, weights.byteLength - lastSize))).toThrow(/missing 1 tensor/);
    const renamed: ModelJson = { ...json, weightsManifest: [{ paths: ['weights.bin'], weights: specs.map((s, i) => (i === 0 ? { ...s, name: 'bogus' } : s)) }] };
    expect(() => deserializeModel(renamed, weights)).toThrow(WeightsError);
    const first = specs[0]!;
    const n = first.shape.reduce((a, b) => a * b, 1);
    const reshaped: ModelJson = { ...json, weightsManifest: [{ paths: ['weights.bin'], weights: [{ ...first, shape: [n] }, ...specs.slice(1)] }] };
    expect(() => deserializeModel(reshaped, weights)).toThrow(/has shape \[\d+\] but the model expects/);
  });

  it('rejects files that are not models', () => {
    expect(() => parseModelJson('{not json')).toThrow(/not valid JSON/);
    expect(() => parseModelJson('{"format":"other"}')).toThrow(/not an HVAE model file/);
    expect(() => parseModelJson(JSON.stringify({ ...json, config: { ...json.config, stages: [] } }))).toThrow(/stages/);
  });

  it("builds and runs the paper's grey-scale configuration", () => {
    const paper = createModel(configByName('paper-grey'), 1);
    expect(paper.latentShapes).toEqual([[14, 14, 8], [16], [8]]);
    const r = tf.tidy(() => {
      const out = paper.run(x.slice(0, 2), { k: 1, lowerLatents: 'mode', noise: new NoiseSource(null) });
      return [out.logits.shape, out.logWeight.arraySync()] as const;
    });
    expect(r[0]).toEqual([2, 28, 28, 1]);
    expect(r[1].every((v) => Number.isFinite(v))).toBe(true);
    paper.dispose();
  });
});
