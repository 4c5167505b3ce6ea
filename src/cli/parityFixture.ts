/**
 * node --import tsx src/cli/parityFixture.ts <out folder> [--configs a,b] [--n 8]
 *
 * What the PyTorch engine's parity tests compare with (pytorch/tests/test_parity.py): for each
 * configuration, a model (the shipped weights where a shipped model has that configuration, else a
 * seeded, data-initialised one) in the app's weights format, a batch of binarised test images, and
 * this library's results on them: the names of the inference parameters (what likelihood regret
 * refits); deterministic L>k for every k; with recorded noise, one pass at
 * k = 0 and one at k = 1 with sampled lower latents (log p(x|z), each KL term, log w); the training
 * loss with free bits and its gradient for every parameter tensor; and draws of the seeded data
 * streams (binarisation, epoch order, evaluation samples). The passes run on wasm, the
 * page's and the CLI's backend; the gradients on tfjs's cpu backend, its reference kernels (wasm's
 * equal them: src/hvae/training.test.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { configByName } from '../hvae/config.ts';
import { imagesToTensor } from '../hvae/bounds.ts';
import type { LowerLatents } from '../hvae/hierarchicalVae.ts';
import { createModel } from '../hvae/createModel.ts';
import { NoiseSource } from '../hvae/noise.ts';
import { shardGradients } from '../hvae/training.ts';
import { encodeTensors } from '../hvae/weightsIo.ts';
import { binarize, binarizationSeed } from '../data/binarize.ts';
import { loadDataset } from '../data/nodeFiles.ts';
import { mulberry32 } from '../data/random.ts';
import { batchSeed, epochPermutation } from '../data/trainingBatches.ts';
import { sampleIndices } from '../ood/protocol.ts';
import { num, parseArgs, runMain, str } from './args.ts';
import { loadModelDir, saveModelDir } from './modelFiles.ts';

/** Shipped models whose (trained) weights the fixture uses for their configuration. */
const SHIPPED: Record<string, string> = { 'small-grey-ref': 'models/hvae-fashionmnist' };
const BETA = 0.7;
const FREE_BITS = 2;
const NOISE_SEED = 11;
const GRAD_N = 1;
/**
 * The configurations whose gradients are compared: tfjs's cpu backend takes minutes for the larger
 * ones. Between them they cover every kind of layer: sub-pixel and tied transposed up-sampling,
 * gated blocks, projection and parameter-free shortcuts, conv and dense latents.
 */
const GRADIENT_CONFIGS = ['tiny-grey', 'small-grey-ref', 'biva-tiny-grey'];

/** Replays NoiseSource's draws and keeps a copy of each, in order. */
class RecordingNoise extends NoiseSource {
  readonly draws: tf.Tensor[] = [];
  override normal(shape: number[]): tf.Tensor {
    const t = super.normal(shape);
    this.draws.push(tf.keep(t.clone()));
    return t;
  }
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const out = a.positional[0];
  if (!out) throw new Error('usage: parityFixture.ts <out folder> [--configs a,b] [--n 8]');
  const names = str(a, 'configs', 'tiny-grey,small-grey-ref,small-grey,small-grey-paper,paper-grey,biva-tiny-grey,biva-small-grey').split(',');
  const n = num(a, 'n', 8);
  await initNodeBackend();
  const test = await loadDataset('fashionmnist', 'test');
  const D = 28 * 28;
  const images = binarize(test.images.subarray(0, n * D), binarizationSeed('fashionmnist', 'test'));
  const index: Record<string, unknown> = {};
  for (const name of names) {
    const model = SHIPPED[name] ? (await loadModelDir(SHIPPED[name]!)).model : createModel(configByName(name), 5);
    const x = imagesToTensor(images, n);
    if (!SHIPPED[name]) model.initialize(x, 3);
    const L = model.numStages;
    const named: [string, tf.Tensor][] = [['x', x]];
    // Each pass keeps only its log weights: the paper's configuration at 28x28 outgrows the wasm heap otherwise.
    for (let k = 0; k <= L; k++)
      named.push([`deterministic/logWeight/${k}`, tf.tidy(() => model.run(x, { k, lowerLatents: 'mode', noise: new NoiseSource(null) }).logWeight)]);
    for (let l = 1; l <= L; l++)
      named.push([`deterministic/logWeightBelow/${l}`, tf.tidy(() => model.run(x, { k: 0, l, lowerLatents: 'mode', noise: new NoiseSource(null) }).logWeight)]);
    const passes: [string, number, LowerLatents, number, number | undefined][] = [
      ['k0', 0, 'mode', NOISE_SEED, undefined],
      ['k1sample', 1, 'sample', NOISE_SEED + 1, undefined],
      ['l2', 0, 'mode', NOISE_SEED + 2, 2],
    ];
    const draws: Record<string, number> = {};
    for (const [tag, k, lower, seed, l] of passes) {
      const noise = new RecordingNoise(seed);
      const r = model.run(x, { k, l, lowerLatents: lower, noise });
      named.push([`${tag}/logWeight`, r.logWeight], [`${tag}/logPxGivenZ`, r.logPxGivenZ]);
      r.kl.forEach((t, i) => t && named.push([`${tag}/kl/${i}`, t]));
      noise.draws.forEach((t, i) => named.push([`${tag}/noise/${i}`, t]));
      draws[tag] = noise.draws.length;
    }
    // The step's noise is NoiseSource(NOISE_SEED)'s, recorded above as k0's draws.
    const losses: Record<string, number> = {};
    if (GRADIENT_CONFIGS.includes(name)) {
      await tf.setBackend('cpu');
      // The cpu backend is slow: the gradients use the first GRAD_N images (with the first GRAD_N rows of k0's noise).
      const xg = tf.slice(x, 0, GRAD_N);
      for (const per of ['element', 'layer'] as const) {
        const g = shardGradients(model, xg, BETA, FREE_BITS, per, NOISE_SEED);
        losses[per] = g.loss;
        let off = 0;
        for (const [vname, v] of model.store.vars) {
          named.push([`grad/${per}/${vname}`, tf.tensor(g.grads.subarray(off, off + v.size), v.shape)]);
          off += v.size;
        }
      }
      xg.dispose();
      await tf.setBackend('wasm');
    }
    const dir = join(out, name);
    await mkdir(dir, { recursive: true });
    await saveModelDir(dir, model, { fixture: true });
    const { specs, data } = await encodeTensors(named);
    await writeFile(join(dir, 'values.bin'), new Uint8Array(data));
    const inference = [...model.store.vars.keys()].filter((v) => model.isInferenceParameter(v));
    index[name] = { specs, losses, beta: BETA, freeBits: FREE_BITS, draws, n, gradN: GRAD_N, gradients: GRADIENT_CONFIGS.includes(name), inference };
    tf.dispose(named.map(([, t]) => t));
    model.dispose();
  }
  // The data streams both engines draw: the same seeds must give the same numbers.
  const rng = mulberry32(12345);
  index.data = {
    mulberry32_12345: Array.from({ length: 10 }, () => rng()),
    epochPermutation_1000_1_2: Array.from(epochPermutation(1000, 1, 2)),
    sampleIndices_10000_50_20210: Array.from(sampleIndices(10000, 50, mulberry32(20210))),
    binarizationSeed_mnist_test: binarizationSeed('mnist', 'test'),
    batchSeed_1_2_3: batchSeed(1, 2, 3),
  };
  await writeFile(join(out, 'index.json'), JSON.stringify(index));
}

runMain(main, ['DatasetMissingError', 'WeightsError']);
