/**
 * Training checkpoints: model weights, EMA shadows, Adam moments and the loop position, written
 * to a fresh folder and swapped in, so a kill at any moment leaves one complete checkpoint.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import type { Trainer } from '../hvae/training.ts';
import { decodeTensors, encodeTensors, type WeightSpec } from '../hvae/weightsIo.ts';
import { loadModelDir, saveModelDir, writeAtomic } from './modelFiles.ts';

export interface LoopState {
  /** Next batch to run is `batch` of epoch `epoch` (0-based). */
  epoch: number;
  batch: number;
  step: number;
  elapsedSeconds: number;
}

interface StateFile {
  loop: LoopState;
  settings: Record<string, unknown>;
  adam: WeightSpec[];
  ema: WeightSpec[] | null;
}

const CKPT = 'checkpoint';
const CKPT_NEW = 'checkpoint.new';

export async function saveCheckpoint(runDir: string, trainer: Trainer, loop: LoopState, settings: Record<string, unknown>): Promise<void> {
  const dir = join(runDir, CKPT_NEW);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await saveModelDir(dir, trainer.model, { checkpoint: true });
  const adamWeights = await trainer.optimizer.getWeights();
  const adam = await encodeTensors(adamWeights.map((w) => [w.name, w.tensor]));
  await writeAtomic(join(dir, 'adam.bin'), new Uint8Array(adam.data));
  let emaSpecs: WeightSpec[] | null = null;
  if (trainer.ema) {
    const ema = await encodeTensors([...trainer.ema.entries()]);
    await writeAtomic(join(dir, 'ema.bin'), new Uint8Array(ema.data));
    emaSpecs = ema.specs;
  }
  const state: StateFile = { loop, settings, adam: adam.specs, ema: emaSpecs };
  await writeAtomic(join(dir, 'state.json'), JSON.stringify(state, null, 1));
  await rm(join(runDir, CKPT), { recursive: true, force: true });
  await rename(dir, join(runDir, CKPT));
}

export function hasCheckpoint(runDir: string): boolean {
  return existsSync(join(runDir, CKPT, 'state.json')) || existsSync(join(runDir, CKPT_NEW, 'state.json'));
}

async function readBuffer(path: string): Promise<ArrayBuffer> {
  const b = await readFile(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** A run's saved settings; checkpoints written before `freeBitsPer` existed trained with free bits per layer. */
export function savedSettings(raw: Record<string, unknown>): Record<string, unknown> {
  const schedule = raw.schedule as Record<string, unknown> | undefined;
  return schedule && !('freeBitsPer' in schedule) ? { ...raw, schedule: { ...schedule, freeBitsPer: 'layer' } } : raw;
}

/** Loads the newest complete checkpoint; the caller builds the Trainer with `restoreTrainer`. */
export async function loadCheckpoint(runDir: string): Promise<{ model: HierarchicalVae; loop: LoopState; settings: Record<string, unknown>; dir: string }> {
  const dir = existsSync(join(runDir, CKPT, 'state.json')) ? join(runDir, CKPT) : join(runDir, CKPT_NEW);
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as StateFile;
  const { model } = await loadModelDir(dir);
  return { model, loop: state.loop, settings: savedSettings(state.settings), dir };
}

export async function restoreTrainer(dir: string, trainer: Trainer): Promise<void> {
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as StateFile;
  const adam = decodeTensors(state.adam, await readBuffer(join(dir, 'adam.bin')), 'optimizer state');
  await trainer.optimizer.setWeights(state.adam.map((s) => ({ name: s.name, tensor: tf.tensor(adam.get(s.name)!.values, s.shape) })));
  if (trainer.ema && state.ema) {
    const ema = decodeTensors(state.ema, await readBuffer(join(dir, 'ema.bin')), 'EMA weights');
    for (const [n, v] of trainer.ema) {
      const w = ema.get(n);
      if (!w) throw new Error(`checkpoint EMA lacks ${n}`);
      tf.tidy(() => v.assign(tf.tensor(w.values, w.shape)));
    }
  }
}
