import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { scoreAll } from '../hvae/bounds.ts';
import { TINY_GREY } from '../hvae/config.ts';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { Hvae } from '../hvae/model.ts';
import { packModelFile } from '../hvae/modelFile.ts';
import { serializeModel } from '../hvae/weightsIo.ts';
import { loadModel, modelDirFor, saveModelDir } from './modelFiles.ts';

describe('model files on disk: a folder or one exported .hvae file', () => {
  let dir: string;
  let model: Hvae;
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await initNodeBackend();
    dir = await mkdtemp(join(tmpdir(), 'hvae-files-'));
    model = new Hvae(TINY_GREY, 6);
    x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 4), 0.7), 'float32')) as tf.Tensor4D;
    model.initialize(x);
    await saveModelDir(join(dir, 'folder'), model, { dataset: 'mnist' });
    const { json, weights } = await serializeModel(model, { dataset: 'mnist' });
    await writeFile(join(dir, 'exported.hvae'), packModelFile(json, weights));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const elbo = async (m: HierarchicalVae) => Array.from((await scoreAll(m, x, { samples: 1, lowerLatents: 'mode', seed: 3 })).bounds[0]!);

  it('loadModel reads a folder and a .hvae file to the same model', async () => {
    const a = await loadModel(join(dir, 'folder'));
    const b = await loadModel(join(dir, 'exported.hvae'));
    expect(b.json.meta).toEqual({ dataset: 'mnist' });
    expect(await elbo(b.model)).toEqual(await elbo(a.model));
    expect(await elbo(b.model)).toEqual(await elbo(model));
    a.model.dispose();
    b.model.dispose();
  });

  it('names the problem with a missing path or a file that is not a model', async () => {
    await expect(loadModel(join(dir, 'nowhere.hvae'))).rejects.toThrow(/nowhere\.hvae does not exist/);
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await expect(loadModel(join(dir, 'notes.txt'))).rejects.toThrow(/notes\.txt is not a model file/);
  });

  it('modelDirFor unpacks a file into a folder beside it that loads as the same model, once', async () => {
    expect(await modelDirFor(join(dir, 'folder'))).toBe(join(dir, 'folder'));
    const unpacked = await modelDirFor(join(dir, 'exported.hvae'));
    expect(unpacked).toBe(join(dir, 'exported'));
    const c = await loadModel(unpacked);
    expect(await elbo(c.model)).toEqual(await elbo(model));
    c.model.dispose();
    // Unpacking the same file again finds the same model there and keeps the folder as it is.
    const before = await readFile(join(unpacked, 'model.json'), 'utf8');
    expect(await modelDirFor(join(dir, 'exported.hvae'))).toBe(unpacked);
    expect(await readFile(join(unpacked, 'model.json'), 'utf8')).toBe(before);
  });

  it('modelDirFor refuses a folder that holds a different model', async () => {
    const other = new Hvae(TINY_GREY, 7);
    other.initialize(x);
    const { json, weights } = await serializeModel(other, { dataset: 'mnist' });
    await saveModelDir(join(dir, 'taken'), model, { dataset: 'mnist' });
    await writeFile(join(dir, 'taken.hvae'), packModelFile(json, weights));
    await expect(modelDirFor(join(dir, 'taken.hvae'))).rejects.toThrow(/taken already holds a different model/);
    other.dispose();
  });
});
