/**
 * npm run figure2 [-- --models models/hvae-fashionmnist,models/hvae-mnist --n 1000 --datasets fashionmnist,mnist --out public/figure2.json]
 *
 * The paper's Figure 2: both models see the same seeded sample of each test set; for every layer of
 * their inference networks (residual blocks and posterior means, bottom to top) the best-match absolute
 * correlation and linear CKA between them, and the same against a freshly initialised model of the
 * second model's configuration (what the architecture alone gives). Writes the JSON the lecture reads
 * and prints a table; `npm run report` then adds the numbers to each model's REPORT.md.
 */
import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { IMAGE_PIXELS } from '../data/imageSet.ts';
import { loadDataset } from '../data/nodeFiles.ts';
import { createModel } from '../hvae/createModel.ts';
import { readRepresentations, withGrams, type InferenceRepresentations, type LayerValues } from '../hvae/representations.ts';
import { compareModels, figure2Images, FIGURE2_FILE, FIGURE2_SAMPLE_SEED, type Figure2File, type Figure2Layer, type Figure2Series } from '../ood/figure2.ts';
import { num, parseArgs, runMain, str, UsageError } from './args.ts';
import { loadModel, writeAtomic } from './modelFiles.ts';
import { Progress } from './progress.ts';

const UNTRAINED_SEED = 1;

function table(series: Figure2Series): string {
  const f = (v: number | null) => (v === null ? '  n/a' : v.toFixed(3));
  const rows = series.layers.map(
    (l: Figure2Layer) =>
      `  ${l.name.padEnd(6)} ${f(l.correlation)}  ${f(l.cka)}   ${l.units.join('/').padEnd(9)} ${l.constantUnits.join('/').padEnd(9)} ${
        l.activeUnits ? `${l.activeUnits.join('/').padEnd(7)} ${f(l.activeCorrelation ?? null)}` : ''
      }`,
  );
  const head = '  layer  corr   CKA     units     constant  active  corr of active';
  return [`${series.dataset} test images (${series.count}), against the ${series.against} model:`, head, ...rows].join('\n');
}

async function representationsOf(label: string, model: InferenceRepresentations, x: Float32Array, count: number): Promise<LayerValues[]> {
  const progress = new Progress(label, count);
  const layers = await readRepresentations(model, x, count, 100, (done) => progress.update(done));
  progress.finish();
  return withGrams(layers, count);
}

async function compare(label: string, a: LayerValues[], b: LayerValues[], count: number): Promise<Figure2Layer[]> {
  const progress = new Progress(label, a.length, 'layers');
  const layers = await compareModels(a, b, count, (done) => progress.update(done));
  progress.finish();
  return layers;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const a = parseArgs(process.argv.slice(2));
  const paths = str(a, 'models', 'models/hvae-fashionmnist,models/hvae-mnist').split(',').filter(Boolean);
  if (paths.length !== 2) throw new UsageError('--models needs two models, comma-separated');
  const n = num(a, 'n', 1000);
  if (!Number.isInteger(n) || n < 2) throw new UsageError('--n must be a whole number of at least 2');
  const out = str(a, 'out', FIGURE2_FILE);
  const backend = await initNodeBackend();
  const loaded = await Promise.all(paths.map((p) => loadModel(p)));
  const refs = loaded.map(({ model, json }, i) => {
    const dataset = json.meta.dataset;
    if (typeof dataset !== 'string') throw new UsageError(`${paths[i]} names no training dataset (meta.dataset)`);
    return { name: basename(paths[i]!).replace(/\.hvae$/, ''), config: model.config.name, dataset };
  }) as Figure2File['models'];
  const datasets = str(a, 'datasets', refs.map((r) => r.dataset).join(',')).split(',').filter(Boolean);
  const [modelA, modelB] = [loaded[0]!.model, loaded[1]!.model];
  console.error(`Figure 2: ${refs[0].name} (${refs[0].config}) vs ${refs[1].name} (${refs[1].config}) on ${backend}, ${n} test images of ${datasets.join(', ')}`);

  const series: Figure2Series[] = [];
  for (const dataset of datasets) {
    const set = await loadDataset(dataset, 'test');
    const { x, indices } = figure2Images(dataset, set.images, set.count, n, IMAGE_PIXELS);
    const count = indices.length;
    const repsA = await representationsOf(`${dataset}: ${refs[0].name}`, modelA, x, count);
    const repsB = await representationsOf(`${dataset}: ${refs[1].name}`, modelB, x, count);
    series.push({ dataset, count, against: 'trained', layers: await compare(`${dataset}: trained vs trained`, repsA, repsB, count) });
    // The baseline: the second model's configuration before any training, initialised from this sample's first batch.
    const untrained = createModel(modelB.config, UNTRAINED_SEED);
    const first = tf.tensor4d(x.subarray(0, Math.min(100, count) * IMAGE_PIXELS), [Math.min(100, count), ...modelB.config.inputShape]);
    untrained.initialize(first);
    first.dispose();
    const repsU = await representationsOf(`${dataset}: untrained ${refs[1].config}`, untrained, x, count);
    untrained.dispose();
    series.push({ dataset, count, against: 'untrained', layers: await compare(`${dataset}: trained vs untrained`, repsA, repsU, count) });
    for (const s of series.slice(-2)) console.log(table(s));
  }
  modelA.dispose();
  modelB.dispose();

  const argv = process.argv.slice(2).join(' ');
  const file: Figure2File = {
    command: `npm run figure2${argv ? ` -- ${argv}` : ''}`,
    engine: `tfjs ${tf.version_core} ${tf.getBackend()}`,
    models: refs,
    untrainedSeed: UNTRAINED_SEED,
    sampleSeed: FIGURE2_SAMPLE_SEED,
    series,
    seconds: Math.round((Date.now() - t0) / 1000),
  };
  await writeAtomic(out, JSON.stringify(file, null, 1));
  console.error(`wrote ${out} (${file.seconds} s)`);
}

runMain(main, ['DatasetMissingError', 'UnknownDatasetError', 'IdxFormatError', 'WeightsError']);
