import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { TINY_GREY } from '../hvae/config.ts';
import { Hvae } from '../hvae/model.ts';
import { Trainer } from '../hvae/training.ts';
import { loadCheckpoint, restoreTrainer, saveCheckpoint, savedSettings } from './checkpoint.ts';

describe('training checkpoints', () => {
  let dir: string;
  beforeAll(async () => {
    await initNodeBackend();
    dir = await mkdtemp(join(tmpdir(), 'hvae-ckpt-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a run resumed from a checkpoint continues exactly as the uninterrupted run', async () => {
    const batches = [1, 2, 3, 4, 5].map(
      (s) => tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', s), 0.8), 'float32')) as tf.Tensor4D,
    );
    const opts = { learningRate: 2e-3, seed: 9, emaDecay: 0.9 };
    const model = new Hvae(TINY_GREY, 3);
    model.initialize(batches[0]!);
    const trainer = new Trainer(model, opts);
    for (const x of batches.slice(0, 3)) trainer.step(x, 1, 2);
    await saveCheckpoint(dir, trainer, { epoch: 0, batch: 3, step: 3, elapsedSeconds: 1 }, { note: 'test' });
    const continued = batches.slice(3).map((x) => trainer.step(x, 1, 2).loss);

    const c = await loadCheckpoint(dir);
    expect(c.loop).toEqual({ epoch: 0, batch: 3, step: 3, elapsedSeconds: 1 });
    expect(c.settings).toEqual({ note: 'test' });
    const resumed = new Trainer(c.model, opts, c.loop.step);
    await restoreTrainer(c.dir, resumed);
    const replayed = batches.slice(3).map((x) => resumed.step(x, 1, 2).loss);
    expect(replayed[0]!).toBeCloseTo(continued[0]!, 3);
    expect(replayed[1]!).toBeCloseTo(continued[1]!, 3);
    for (const [name, v] of model.store.vars) {
      const a = v.dataSync();
      const b = c.model.store.vars.get(name)!.dataSync();
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      expect(maxDiff, name).toBeLessThan(1e-5);
    }
    for (const [name, v] of trainer.ema!) expect(Array.from(resumed.ema!.get(name)!.dataSync())).toEqual(Array.from(v.dataSync()));
    trainer.dispose();
    resumed.dispose();
    model.dispose();
    c.model.dispose();
    batches.forEach((b) => b.dispose());
  });

  it('settings saved before free bits had a mode read as per layer; a saved mode is kept', () => {
    const old = { epochs: 12, schedule: { freeBits: 2, freeBitsHoldEpochs: 8 } };
    expect(savedSettings(old)).toEqual({ epochs: 12, schedule: { freeBits: 2, freeBitsHoldEpochs: 8, freeBitsPer: 'layer' } });
    const current = { epochs: 6, schedule: { freeBits: 2, freeBitsPer: 'element' } };
    expect(savedSettings(current)).toEqual(current);
  });
});
