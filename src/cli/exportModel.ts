/**
 * npm run export-model -- --run runs/<run> (--epoch N [--weights ema|raw] | --best) --out models/<name>
 * Copies the EMA (or raw) weights of one epoch snapshot into a shipped model folder and writes its
 * model card (card.json) from the run's log: config, parameters, FLOPs, epochs, wall-clock
 * training time and throughput on this machine, test ELBO. The epoch is chosen by the caller
 * from in-distribution numbers or a fixed schedule, never from OOD test sets; with --best it is
 * the snapshot the run's own selection rule kept in <run>/best (the PyTorch engine's runs).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { NoiseSource } from '../hvae/noise.ts';
import { bitsPerDim } from '../hvae/bounds.ts';
import { conversionForModel } from '../data/conversions.ts';
import { bool, num, parseArgs, runMain, str, UsageError, type ParsedArgs } from './args.ts';
import { savedSettings } from './checkpoint.ts';
import { loadModelDir, saveModelDir, writeAtomic } from './modelFiles.ts';

interface LogRecord {
  epoch: number;
  test_elbo_nats: number;
  /** The raw weights' test ELBO, logged since runs keep raw snapshots too. */
  test_elbo_nats_raw?: number;
  test_n: number;
  seconds_eval: number;
  elapsed_seconds: number;
  /** Optimizer steps taken by the end of the epoch. */
  step: number;
  free_bits: number;
  beta: number;
  backend: string;
  /** Threads that shared each batch (not logged by older runs). */
  threads?: number;
  /** Processes of a data-parallel PyTorch run. */
  processes?: number;
}

/** <run>/best/selection.json, written by the PyTorch engine when a snapshot beats the kept one. */
interface Selection {
  epoch: number;
  weights: 'ema' | 'raw';
  value: number;
  /** The score that gave value; select, when present, is the rule's list, whose largest AUROC chooses. */
  score: string;
  select?: string;
  val_in: string;
  val_ood: string;
}

async function chosenSnapshot(run: string, a: ParsedArgs): Promise<{ epoch: number; weights: 'ema' | 'raw'; dir: string; selection: string }> {
  if (bool(a, 'best')) {
    let sel: Selection;
    try {
      sel = JSON.parse(await readFile(join(run, 'best', 'selection.json'), 'utf8')) as Selection;
    } catch {
      throw new UsageError(`${run}/best/selection.json is missing: --best needs a run that keeps its chosen snapshot there`);
    }
    const rule = `the run's rule, written before it trained: the snapshot (averaged or raw weights) with the highest validation AUROC of ${sel.select !== undefined && sel.select !== sel.score ? `the largest of ${sel.select.split(',').join(', ')} (here ${sel.score})` : sel.score}, ${sel.val_in} against ${sel.val_ood}, S = 1`;
    return { epoch: sel.epoch, weights: sel.weights, dir: join(run, 'best'), selection: str(a, 'selection', `${rule}: the ${sel.weights === 'ema' ? 'averaged' : 'raw'} weights after epoch ${sel.epoch}, ${sel.value}`) };
  }
  const epoch = num(a, 'epoch');
  const weights = str(a, 'weights', 'ema');
  if (weights !== 'ema' && weights !== 'raw') throw new UsageError(`--weights must be ema or raw, got "${weights}"`);
  const selection = str(a, 'selection', `fixed schedule: the ${weights === 'ema' ? 'EMA' : 'raw'} weights after epoch ${epoch}`);
  return { epoch, weights, dir: join(run, 'epochs', weights === 'ema' ? String(epoch) : `${epoch}-raw`), selection };
}

function machine(rec: LogRecord): string {
  const cores = `${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'})`;
  const threads = rec.threads ? `, ${rec.threads} thread${rec.threads > 1 ? 's' : ''}` : '';
  if (rec.backend.startsWith('pytorch')) return `${cores}, ${rec.backend}${threads}${rec.processes && rec.processes > 1 ? ` x ${rec.processes} processes` : ''}`;
  return `${cores}, tfjs ${rec.backend} backend in Node ${process.version}${threads ? `${threads} at the end` : ''}`;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const run = str(a, 'run');
  const out = str(a, 'out');
  const { epoch, weights, dir, selection } = await chosenSnapshot(run, a);
  await initNodeBackend();
  const log = (await readFile(join(run, 'log.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogRecord);
  const rec = log.find((r) => r.epoch === epoch);
  if (!rec) throw new UsageError(`${run}/log.jsonl has no epoch ${epoch} (it has ${log.map((r) => r.epoch).join(', ')})`);
  const state = JSON.parse(await readFile(join(run, 'checkpoint', 'state.json'), 'utf8')) as { settings: Record<string, unknown> };
  const elbo = weights === 'ema' ? rec.test_elbo_nats : rec.test_elbo_nats_raw;
  if (elbo === undefined) throw new UsageError(`${run}/log.jsonl has no test ELBO of the raw weights: this run kept no raw snapshots`);
  const { model, json } = await loadModelDir(dir);
  const dataset = String(json.meta.dataset);

  model.store.flops = 0;
  tf.tidy(() => {
    model.run(tf.zeros([1, ...model.config.inputShape]) as tf.Tensor4D, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(null) });
  });
  const flops = model.store.flops;
  model.store.flops = null;

  // elapsed_seconds is the training time of the whole run to this epoch, across resumes.
  const batch = Number((state.settings as { batch?: number }).batch);
  await saveModelDir(out, model, { dataset, epoch, weights, run });
  const card = {
    model: out.split('/').pop(),
    trained_on: dataset,
    input_conversion: conversionForModel(dataset).conversion,
    config: model.config.name,
    parameters: model.numParams(),
    flops_per_image_per_pass: flops,
    epochs: epoch,
    selection,
    training: savedSettings(state.settings),
    training_seconds: Math.round(rec.elapsed_seconds),
    training_images_per_second: Math.round(((rec.step * batch) / rec.elapsed_seconds) * 10) / 10,
    training_machine: machine(rec),
    test_elbo_nats: Math.round(elbo * 100) / 100,
    test_bits_per_dim: Math.round(bitsPerDim(elbo, model.dims) * 10000) / 10000,
    // The PyTorch engine's runs validate on held-out training images (--val-split train), never the test split.
    test_elbo_measured_on:
      state.settings.valSplit === 'train'
        ? `the last ${rec.test_n} ${dataset} training images, held out of training (the run's validation set), S = 1, one seeded binarisation`
        : `first ${rec.test_n} ${dataset} test images, S = 1, one seeded binarisation`,
    weights_bytes: model.numParams() * 4,
  };
  await writeAtomic(join(out, 'card.json'), JSON.stringify(card, null, 1));
  console.error(`wrote ${out} (epoch ${epoch}, ${card.parameters} parameters, ${(card.weights_bytes / 1e6).toFixed(2)} MB of weights)`);
}

runMain(main, ['WeightsError']);
