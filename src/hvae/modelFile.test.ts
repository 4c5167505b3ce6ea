import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { scoreAll } from './bounds.ts';
import { TINY_GREY } from './config.ts';
import { Hvae } from './model.ts';
import { packModelFile, unpackModelFile } from './modelFile.ts';
import { deserializeModel, serializeModel, type ModelJson } from './weightsIo.ts';

describe('single model file', () => {
  let model: Hvae;
  let json: ModelJson;
  let weights: ArrayBuffer;
  let file: Uint8Array;
  beforeAll(async () => {
    await initNodeBackend();
    model = new Hvae(TINY_GREY, 5);
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3), 0.7), 'float32')) as tf.Tensor4D;
    model.initialize(x);
    x.dispose();
    ({ json, weights } = await serializeModel(model, { dataset: 'mnist', note: 'ünïcode in meta' }));
    file = packModelFile(json, weights);
  });

  it('round trip keeps model.json and the weight bytes, and the rebuilt model scores identically', async () => {
    const back = unpackModelFile(file, 'm.hvae');
    expect(back.json).toEqual(json);
    expect(new Uint8Array(back.weights)).toEqual(new Uint8Array(weights));
    const rebuilt = deserializeModel(back.json, back.weights);
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 9), 0.6), 'float32')) as tf.Tensor4D;
    const a = await scoreAll(model, x, { samples: 1, lowerLatents: 'mode', seed: 2 });
    const b = await scoreAll(rebuilt, x, { samples: 1, lowerLatents: 'mode', seed: 2 });
    expect(Array.from(b.bounds[0]!)).toEqual(Array.from(a.bounds[0]!));
    rebuilt.dispose();
    x.dispose();
  });

  it('places the weights at a multiple of 4 bytes whatever the JSON length', () => {
    for (const pad of ['', 'a', 'ab', 'abc']) {
      const f = packModelFile({ ...json, meta: { pad } }, weights);
      expect((f.length - weights.byteLength) % 4).toBe(0);
      expect(unpackModelFile(f, 'm.hvae').json.meta).toEqual({ pad });
    }
  });

  it('refuses, with the file name and a reason, whatever is not a model file', () => {
    const enc = new TextEncoder();
    expect(() => unpackModelFile(new Uint8Array(0), 'e.hvae')).toThrow('e.hvae is empty');
    expect(() => unpackModelFile(enc.encode(JSON.stringify(json)), 'model.json')).toThrow(/model\.json is a JSON file, not a model file/);
    expect(() => unpackModelFile(enc.encode('\x89PNG\r\n\x1a\n....'), 'cat.png')).toThrow(/cat\.png is not a model file: it does not start with "HVAE-OOD"/);
    expect(() => unpackModelFile(file.subarray(0, 10), 'cut.hvae')).toThrow(/cut\.hvae is truncated/);
    expect(() => unpackModelFile(file.subarray(0, 100), 'cut.hvae')).toThrow(/cut\.hvae is truncated: its header promises/);
    expect(() => unpackModelFile(file.subarray(0, file.length - 4), 'short.hvae')).toThrow(/short\.hvae \(weights\): file is truncated/);
    const nan = file.slice();
    new DataView(nan.buffer).setFloat32(nan.length - 4, NaN, true);
    expect(() => unpackModelFile(nan, 'nan.hvae')).toThrow(/nan\.hvae \(weights\): tensor .* contains NaN or Inf/);
  });

  it('refuses a header whose model.json is not a model', () => {
    const bad = packModelFile({ ...json, format: 'other' as ModelJson['format'] }, weights);
    expect(() => unpackModelFile(bad, 'x.hvae')).toThrow(/x\.hvae: not an HVAE model file/);
    const badConfig = packModelFile({ ...json, config: { ...json.config, stages: [] } }, weights);
    expect(() => unpackModelFile(badConfig, 'y.hvae')).toThrow(/y\.hvae: Invalid model config: stages/);
  });
});
