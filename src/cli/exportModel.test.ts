import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { TINY_GREY } from '../hvae/config.ts';
import { Hvae } from '../hvae/model.ts';
import { loadModelDir, saveModelDir } from './modelFiles.ts';

const run = promisify(execFile);
const exportModel = (args: string[]) => run('node', ['--import', 'tsx', 'src/cli/exportModel.ts', ...args], { encoding: 'utf8' });

/** One epoch of a PyTorch engine run's log, as `python -m hvae_torch train` writes it. */
const LOG = {
  epoch: 3, step: 1380, test_elbo_nats: -250.5, test_elbo_nats_raw: -248.25, test_n: 1000, seconds_eval: 60,
  elapsed_seconds: 1800, free_bits: 0.05, beta: 1, backend: 'pytorch 1.13.0a0 cpu', threads: 2, processes: 1,
};

describe('export-model --best: the snapshot a run\'s own rule kept', () => {
  let dir: string;
  let model: Hvae;
  beforeAll(async () => {
    await initNodeBackend();
    dir = await mkdtemp(join(tmpdir(), 'export-'));
    model = new Hvae(TINY_GREY, 3);
    model.initialize(tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 2), 0.7), 'float32')) as tf.Tensor4D);
    const r = join(dir, 'run');
    await saveModelDir(join(r, 'best'), model, { dataset: 'fashionmnist', epoch: 3, weights: 'raw' });
    await writeFile(join(r, 'best', 'selection.json'), JSON.stringify({ epoch: 3, weights: 'raw', value: 0.912345, score: 'LLR>2', select: 'LLR>1,LLR>2', val_in: 'fashionmnist/train', val_ood: 'mnist/train' }));
    await writeFile(join(r, 'log.jsonl'), `${JSON.stringify({ ...LOG, epoch: 2, test_elbo_nats_raw: -260 })}\n${JSON.stringify(LOG)}\n`);
    await mkdir(join(r, 'checkpoint'));
    await writeFile(join(r, 'checkpoint', 'state.json'), JSON.stringify({ settings: { config: 'tiny-grey', dataset: 'fashionmnist', batch: 128, schedule: { freeBits: 0.05, freeBitsPer: 'element' }, valSplit: 'train' } }));
  });
  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies best/ and writes a card from the chosen epoch, its weights and the rule', async () => {
    await exportModel(['--run', join(dir, 'run'), '--best', '--out', join(dir, 'models', 'shipped')]);
    const card = JSON.parse(await readFile(join(dir, 'models', 'shipped', 'card.json'), 'utf8')) as Record<string, unknown>;
    expect(card).toMatchObject({ model: 'shipped', trained_on: 'fashionmnist', input_conversion: 'fashionmnist', epochs: 3, parameters: model.numParams() });
    // The raw weights were chosen, so the raw weights' test ELBO of epoch 3 is the card's.
    expect(card.test_elbo_nats).toBe(-248.25);
    expect(card.selection).toContain('the highest validation AUROC of the largest of LLR>1, LLR>2 (here LLR>2)');
    expect(card.selection).toContain('the raw weights after epoch 3, 0.912345');
    expect(card.training_machine).toContain('pytorch 1.13.0a0 cpu, 2 threads');
    expect(card.test_elbo_measured_on).toContain('the last 1000 fashionmnist training images, held out of training');
    expect(card.training_images_per_second).toBe(Math.round(((1380 * 128) / 1800) * 10) / 10);
    const { model: shipped } = await loadModelDir(join(dir, 'models', 'shipped'));
    for (const [name, v] of model.store.vars) expect(Array.from(shipped.store.vars.get(name)!.dataSync()), name).toEqual(Array.from(v.dataSync()));
    shipped.dispose();
  });

  it('says what is missing when the run kept no chosen snapshot', async () => {
    await rm(join(dir, 'run', 'best', 'selection.json'));
    await expect(exportModel(['--run', join(dir, 'run'), '--best', '--out', join(dir, 'models', 'other')])).rejects.toMatchObject({
      stderr: expect.stringContaining('best/selection.json is missing'),
    });
  });
});
