/**
 * npm run eval -- --model models/<name>|<file>.hvae [--ood mnist,...] [--samples S] [--n N] [--train-n N] [--k 0,1] [--l 1,2]
 *
 * Per-example scores (every L>k, nats) on the in-distribution test split, a seeded sample of its
 * train split, and each OOD test split; one JSON per (dataset, split, S) under <model>/eval/, then
 * <model>/eval/REPORT.md from every eval file present. The files hold no ratio the bounds give
 * (LLR>k, LLR>k<l): validateEvalFile derives those when a file is read. Each split saves
 * its progress after every batch, so a stopped run resumes where it stopped. `--splits` restricts
 * the run to some of the splits, so that processes on separate cores can share the work; each
 * rewrites REPORT.md from every eval file present when it ends. `--k 0,1` computes only those
 * L>k (and their LLR>k): at S = 100 the passes for LLR>1 alone take half the time of all four.
 * `--baselines ic,lr` adds two baselines on the same images: input complexity "IC(png)" (Serrà et
 * al., 2020) from L>0 and the binarised image's PNG length, and likelihood regret "LR" (Xiao et
 * al., 2020), which refits the encoder to each image (`--regret-steps`, `--regret-lr`,
 * `--regret-samples`) and takes seconds per image; the split's end prints its images/s.
 * `--l 1,2` adds the paper's Appendix E bounds L<l (one more pass per l), which give its generalised
 * ratios LLR>k<l = L<l - L>k for every k computed.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { imagesToTensor, scoreImages, type Scores } from '../hvae/bounds.ts';
import { likelihoodRegret, REGRET_SAMPLES, XIAO_REFIT, type RegretOptions } from '../hvae/likelihoodRegret.ts';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { binarize, binarizationSeed } from '../data/binarize.ts';
import { loadDataset } from '../data/nodeFiles.ts';
import { DATASET_NAMES } from '../data/datasets.ts';
import { evalFileName, roundScore, type EvalFile } from '../ood/evalFile.ts';
import { inputComplexityScores } from '../ood/inputComplexity.ts';
import { INPUT_COMPLEXITY, LIKELIHOOD_REGRET, pairedOodSet, sampleIndices } from '../ood/protocol.ts';
import { mulberry32 } from '../data/random.ts';
import { num, parseArgs, runMain, str, UsageError } from './args.ts';
import { loadModelDir, modelDirFor, writeAtomic } from './modelFiles.ts';
import { Progress } from './progress.ts';
import { writeReport } from './report.ts';

interface Partial {
  done: number;
  scores: Record<string, number[]>;
}

/** The baselines scored beside the bounds, on the same images (--baselines). */
interface Baselines {
  inputComplexity: boolean;
  /** The refit of likelihood regret; null: not scored. */
  regret: Omit<RegretOptions, 'seed'> | null;
}

async function scoreSplit(
  model: HierarchicalVae,
  modelName: string,
  dir: string,
  dataset: string,
  split: 'train' | 'test',
  n: number,
  samples: number,
  ks: readonly number[],
  ls: readonly number[],
  baselines: Baselines,
): Promise<void> {
  const out = join(dir, evalFileName(dataset, split, samples));
  if (existsSync(out)) {
    console.error(`${basename(out)} exists; skipping (delete it to recompute)`);
    return;
  }
  const set = await loadDataset(dataset, split);
  const indices = Array.from(
    n >= set.count ? Array.from({ length: set.count }, (_, i) => i) : sampleIndices(set.count, n, mulberry32(20210 + (split === 'train' ? 1 : 0))),
  );
  const D = 28 * 28;
  const picked = new Float32Array(indices.length * D);
  indices.forEach((idx, i) => picked.set(set.images.subarray(idx * D, (idx + 1) * D), i * D));
  const x = binarize(picked, binarizationSeed(dataset, split));

  const partialPath = `${out}.partial`;
  let partial: Partial = { done: 0, scores: {} };
  if (existsSync(partialPath)) {
    partial = JSON.parse(await readFile(partialPath, 'utf8')) as Partial;
    console.error(`${basename(out)}: resuming at example ${partial.done}`);
    const asked = [...(baselines.inputComplexity ? [INPUT_COMPLEXITY] : []), ...(baselines.regret ? [LIKELIHOOD_REGRET] : [])];
    const had = [INPUT_COMPLEXITY, LIKELIHOOD_REGRET].filter((name) => name in partial.scores);
    if (partial.done > 0 && had.join() !== asked.join()) {
      throw new UsageError(`${basename(partialPath)} was started with baselines [${had.join(', ')}], not [${asked.join(', ')}]: rerun with those, or delete it`);
    }
  }
  // Likelihood regret takes seconds per image: small chunks keep what a stopped run loses small.
  // The bounds' noise is seeded per chunk, so with it they draw other (as reproducible) samples.
  const chunk = baselines.regret ? 10 : samples >= 100 ? 50 : 500;
  let regretSeconds = 0;
  const resumedAt = partial.done;
  const progress = new Progress(`${dataset}/${split} S=${samples}`, indices.length, 'img', resumedAt);
  for (let start = partial.done; start < indices.length; start += chunk) {
    const count = Math.min(chunk, indices.length - start);
    const s: Scores = await scoreImages(
      model,
      x.subarray(start * D, (start + count) * D),
      count,
      // Noise seeded by position, so a resumed run gives what an uninterrupted one would.
      { samples, lowerLatents: 'mode', seed: 1 + start, ks, ls },
      samples >= 100 ? 10 : 250,
    );
    for (const k of ks) (partial.scores[`L>${k}`] ??= []).push(...Array.from(s.bounds[k]!, roundScore));
    for (const l of ls) (partial.scores[`L<${l}`] ??= []).push(...Array.from(s.boundsBelow[l]!, roundScore));
    const pixels = x.subarray(start * D, (start + count) * D);
    if (baselines.inputComplexity) (partial.scores[INPUT_COMPLEXITY] ??= []).push(...Array.from(inputComplexityScores(s.bounds[0]!, pixels, 28, 28), roundScore));
    if (baselines.regret) {
      const images = imagesToTensor(pixels, count, model.config.inputShape);
      const began = performance.now();
      // Seeded by position, as the bounds: image i of the split draws from seed 1 + i.
      const r = await likelihoodRegret(model, images, { ...baselines.regret, seed: 1 + start }, (p) => p.steps === 0 && progress.update(start + p.images));
      regretSeconds += (performance.now() - began) / 1000;
      images.dispose();
      (partial.scores[LIKELIHOOD_REGRET] ??= []).push(...Array.from(r.regret, roundScore));
    }
    partial.done = start + count;
    await writeAtomic(partialPath, JSON.stringify(partial));
    progress.update(partial.done);
  }
  const seconds = progress.finish();
  const file: EvalFile = { model: modelName, dataset, split, importance_samples: samples, indices, scores: partial.scores, engine: `tfjs ${tf.version_core} ${tf.getBackend()}` };
  if (baselines.regret) {
    const { steps, learningRate, samples: regretSamples } = baselines.regret;
    file.likelihood_regret = { steps, learning_rate: learningRate, samples: regretSamples };
  }
  await writeAtomic(out, JSON.stringify(file));
  await rm(partialPath, { force: true });
  if (regretSeconds > 0) console.error(`${basename(out)}: likelihood regret of ${indices.length - resumedAt} images took ${regretSeconds.toFixed(0)} s (${((indices.length - resumedAt) / regretSeconds).toFixed(3)} images/s)`);
  console.error(`${basename(out)}: ${indices.length - resumedAt} images in ${seconds.toFixed(0)} s (${((indices.length - resumedAt) / seconds).toFixed(1)} images/s)`);
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  // An exported .hvae file is unpacked into a folder beside it, which then holds the eval results.
  const modelDir = await modelDirFor(str(a, 'model'));
  const samples = num(a, 'samples', 1);
  const n = num(a, 'n', 10000);
  const trainN = num(a, 'train-n', n);
  const backend = await initNodeBackend();
  const { model, json } = await loadModelDir(modelDir);
  const L = model.numStages;
  const ks = str(a, 'k', Array.from({ length: L + 1 }, (_, k) => k).join(','))
    .split(',')
    .map(Number);
  if (!ks.includes(0) || ks.some((k) => !Number.isInteger(k) || k < 0 || k > L)) throw new UsageError(`--k must list whole numbers in 0..${L} including 0 (the ELBO every LLR>k needs)`);
  const asked = str(a, 'baselines', '').split(',').filter(Boolean);
  for (const b of asked) if (b !== 'ic' && b !== 'lr') throw new UsageError(`--baselines: "${b}" is not ic (input complexity) or lr (likelihood regret)`);
  const baselines: Baselines = {
    inputComplexity: asked.includes('ic'),
    regret: asked.includes('lr')
      ? { steps: num(a, 'regret-steps', XIAO_REFIT.steps), learningRate: num(a, 'regret-lr', XIAO_REFIT.learningRate), samples: num(a, 'regret-samples', REGRET_SAMPLES) }
      : null,
  };
  const ls = str(a, 'l', '').split(',').filter(Boolean).map(Number);
  if (ls.some((l) => !Number.isInteger(l) || l < 1 || l > L)) throw new UsageError(`--l must list whole numbers in 1..${L}`);
  // A model trained on the page's own examples names no dataset: --in says which test set is its in-distribution.
  const inDataset = str(a, 'in', String(json.meta.dataset ?? ''));
  if (!DATASET_NAMES.includes(inDataset)) {
    throw new UsageError(`${modelDir}/model.json does not name a known training dataset (meta.dataset = "${json.meta.dataset}"); pass --in fashionmnist or --in mnist`);
  }
  const oodSets = str(a, 'ood', pairedOodSet(inDataset)).split(',').filter(Boolean);
  for (const d of oodSets) if (!DATASET_NAMES.includes(d)) throw new UsageError(`unknown OOD dataset "${d}"; known: ${DATASET_NAMES.join(', ')}`);
  const dir = join(modelDir, 'eval');
  await mkdir(dir, { recursive: true });
  const name = basename(modelDir);
  console.error(`evaluating ${name} (trained on ${inDataset}) with S = ${samples} on ${backend}`);
  const all: { dataset: string; split: 'train' | 'test'; n: number }[] = [
    { dataset: inDataset, split: 'test', n },
    { dataset: inDataset, split: 'train', n: trainN },
    ...oodSets.map((d) => ({ dataset: d, split: 'test' as const, n })),
  ];
  const only = str(a, 'splits', '').split(',').filter(Boolean);
  for (const o of only) if (!all.some((s) => `${s.dataset}/${s.split}` === o)) throw new UsageError(`--splits: "${o}" is not one of ${all.map((s) => `${s.dataset}/${s.split}`).join(', ')}`);
  for (const s of all.filter((s) => only.length === 0 || only.includes(`${s.dataset}/${s.split}`))) await scoreSplit(model, name, dir, s.dataset, s.split, s.n, samples, ks, ls, baselines);
  await writeReport(modelDir, inDataset);
  console.error(`wrote ${join(dir, 'REPORT.md')}`);
  model.dispose();
}

runMain(main, ['NonFiniteRegretError', 'DatasetMissingError', 'UnknownDatasetError', 'IdxFormatError', 'WeightsError']);
