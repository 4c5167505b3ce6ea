/**
 * npm run bench [-- --configs paper-grey,small-grey --batch 64 --threads 2 --samples 100]
 * Prints, per configuration, on the wasm backend: parameters, FLOPs per image, scoring
 * throughput (ELBO and every L>k, S = 1; and LLR>1 alone at S importance samples, as
 * `npm run eval -- --samples S --k 0,1` scores), training throughput (forward + backward + Adam) on
 * one thread and, with --threads N > 1, on N threads as `npm run train --threads N` trains,
 * and the achieved GFLOP/s. Figures only; nothing is asserted.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { configByName } from '../hvae/config.ts';
import { createModel } from '../hvae/createModel.ts';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { NoiseSource } from '../hvae/noise.ts';
import { scoreAll } from '../hvae/bounds.ts';
import { Trainer } from '../hvae/training.ts';
import { GradientWorkers } from './gradientWorkers.ts';
import { num, parseArgs, runMain, str, UsageError } from './args.ts';

function forwardFlops(model: HierarchicalVae, x: tf.Tensor4D): number {
  model.store.flops = 0;
  tf.tidy(() => {
    model.run(x, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(1) });
  });
  const f = model.store.flops / x.shape[0];
  model.store.flops = null;
  return f;
}

async function timeIt(repeats: number, f: () => Promise<void> | void): Promise<number> {
  await f();
  const t = performance.now();
  for (let i = 0; i < repeats; i++) await f();
  return (performance.now() - t) / 1000 / repeats;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const configs = str(a, 'configs', 'paper-grey,small-grey').split(',');
  const batch = num(a, 'batch', 64);
  const repeats = num(a, 'repeats', 3);
  const threads = num(a, 'threads', 1);
  const samples = num(a, 'samples', 20);
  if (!Number.isInteger(samples) || samples < 1) throw new UsageError('--samples must be a whole number >= 1');
  if (!Number.isInteger(threads) || threads < 1 || batch % threads !== 0) throw new UsageError(`--threads must be a whole number >= 1 that divides --batch ${batch}`);
  const backend = await initNodeBackend();
  console.log(`backend ${backend}, batch ${batch}, ${repeats} timed repeats after one warm-up; Node ${process.version}`);
  for (const name of configs) {
    const model = createModel(configByName(name), 1);
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1), 0.7), 'float32')) as tf.Tensor4D;
    model.initialize(x);
    const L = model.numStages;
    const fwd = forwardFlops(model, x);
    const scoreSec = await timeIt(repeats, async () => {
      await scoreAll(model, x, { samples: 1, lowerLatents: 'mode', seed: 1 });
    });
    // As eval scores S >= 100: ten images per call, MAX_ROWS rows per pass.
    const iwImages = Math.min(batch, 10);
    const xs = tf.slice(x, 0, iwImages);
    const iwSec = await timeIt(repeats, async () => {
      await scoreAll(model, xs, { samples, lowerLatents: 'mode', seed: 1, ks: [0, 1] });
    });
    xs.dispose();
    const trainer = new Trainer(model, { learningRate: 1e-3, seed: 1, emaDecay: 0.999 });
    const trainSec = await timeIt(repeats, () => {
      trainer.step(x, 1, 2);
    });
    let shardedLine = '';
    if (threads > 1) {
      const workers = await GradientWorkers.start(model.config, threads - 1);
      const shard = batch / threads;
      const all = x.dataSync() as Float32Array;
      const D = all.length / batch;
      const local = tf.slice(x, 0, shard);
      const others = Array.from({ length: threads - 1 }, (_, i) => all.slice((i + 1) * shard * D, (i + 2) * shard * D));
      const shardedSec = await timeIt(repeats, async () => {
        await trainer.stepSharded(local, 1, 2, (index) => workers.compute(model, others, { seed: 1, index, beta: 1, freeBits: 2, freeBitsPer: 'element' }));
      });
      shardedLine = `\n  training on ${threads} threads (shards of ${shard}): ${(batch / shardedSec).toFixed(1)} images/s`;
      local.dispose();
      await workers.close();
    }
    const scoreRate = batch / scoreSec;
    const trainRate = batch / trainSec;
    // Scoring runs L+1 forward passes; a training step costs about three forward passes.
    const scoreGflops = (scoreRate * fwd * (L + 1)) / 1e9;
    const trainGflops = (trainRate * fwd * 3) / 1e9;
    console.log(
      [
        `${name}: ${model.numParams().toLocaleString('en')} parameters, ${(fwd / 1e6).toFixed(1)} MFLOP per image per pass`,
        `  scoring (ELBO + all ${L} L>k, S = 1): ${scoreRate.toFixed(1)} images/s, ${scoreGflops.toFixed(1)} GFLOP/s`,
        `  scoring L>0 and L>1 (LLR>1) at S = ${samples}, ${iwImages} images per call: ${(iwImages / iwSec).toFixed(2)} images/s`,
        `  training (forward + backward + Adam): ${trainRate.toFixed(1)} images/s, ~${trainGflops.toFixed(1)} GFLOP/s${shardedLine}`,
      ].join('\n'),
    );
    trainer.dispose();
    model.dispose();
    x.dispose();
  }
}

runMain(main);
