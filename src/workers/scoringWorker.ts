/// <reference lib="webworker" />
/**
 * The scoring worker: owns the tfjs backend and the model, so drawing on the page never waits
 * for a forward pass. It keeps the model's bytes, so a lost WebGPU device costs a rebuild on
 * the next backend, not a reload.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBrowserBackend, onWebGPUDeviceLost, type BackendName } from '../backend/browser.ts';
import { imagesToTensor, scoreAll, scoreImages } from '../hvae/bounds.ts';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { likelihoodRegret, SINGLE_IMAGE_REGRET } from '../hvae/likelihoodRegret.ts';
import { NoiseSource } from '../hvae/noise.ts';
import { unpackModelFile } from '../hvae/modelFile.ts';
import { deserializeModel, fetchModelFiles, type ModelJson } from '../hvae/weightsIo.ts';
import { readRepresentations, withGrams } from '../hvae/representations.ts';
import type { ImageScores, ModelInfo, ScoreSettings, WorkerRequest, WorkerResponse } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

let model: HierarchicalVae | null = null;
let source: { url: string; json: ModelJson; weights: ArrayBuffer } | null = null;

function post(msg: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

function buildModel(): HierarchicalVae {
  if (!source) throw new Error('no model loaded');
  model?.dispose();
  model = deserializeModel(source.json, source.weights);
  return model;
}

async function scoreOne(m: HierarchicalVae, image: Float32Array, settings: ScoreSettings, reconstructions: boolean): Promise<ImageScores> {
  const x = imagesToTensor(image, 1, m.config.inputShape);
  try {
    const s = await scoreAll(m, x, { ...settings, reconstructions });
    return {
      bounds: s.bounds.map((b) => b[0]!),
      ratios: s.ratios.map((r) => r[0]!),
      boundsBelow: s.boundsBelow.map((b) => (b ? b[0]! : null)),
      klPerLayer: s.klPerLayer.map((v) => v[0]!),
      logPxGivenZ: s.logPxGivenZ[0]!,
      reconstructions: s.reconstructions ?? [],
    };
  } finally {
    x.dispose();
  }
}

/** Posterior means of every latent layer, in batches of 100 images to bound the activations' memory. */
async function posteriorMeans(m: HierarchicalVae, images: Float32Array, count: number): Promise<{ layers: Float32Array[]; shapes: number[][] }> {
  const shapes = m.latentShapes;
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const layers = sizes.map((n) => new Float32Array(count * n));
  for (let start = 0; start < count; start += 100) {
    const n = Math.min(100, count - start);
    const x = imagesToTensor(images.subarray(start * m.dims, (start + n) * m.dims), n, m.config.inputShape);
    // k = 0 with zero noise: every z_i is the mean of its q, and generation uses exactly those.
    const means = tf.tidy(() => m.run(x, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(null) }).latents);
    x.dispose();
    const data = await Promise.all(means.map((z) => z.data() as Promise<Float32Array>));
    means.forEach((z) => z.dispose());
    data.forEach((d, i) => layers[i]!.set(d, start * sizes[i]!));
  }
  return { layers, shapes };
}

/** Time of one full scoring (all k, S = 1) of a blank image after a warm-up that compiles the kernels. */
async function timeScoring(m: HierarchicalVae): Promise<number> {
  const blank = new Float32Array(m.dims);
  const settings: ScoreSettings = { samples: 1, lowerLatents: 'mode', seed: 1 };
  await scoreOne(m, blank, settings, true);
  const t = performance.now();
  await scoreOne(m, blank, settings, true);
  return performance.now() - t;
}

async function init(req: Extract<WorkerRequest, { type: 'init' }>): Promise<void> {
  const from = req.source;
  const files = 'url' in from ? await fetchModelFiles(from.url) : unpackModelFile(new Uint8Array(from.file), from.name);
  source = { url: 'url' in from ? from.url : from.name, ...files };
  const status = await initBrowserBackend(req.backend);
  const m = buildModel();
  const msPerScore = await timeScoring(m);
  onWebGPUDeviceLost((result) => {
    model = null;
    if ('error' in result) {
      post({ type: 'error', id: -1, message: `the WebGPU device was lost (${result.reason}) and no other backend started: ${result.error.message}` });
      return;
    }
    buildModel();
    post({ type: 'backendLost', reason: result.reason, backend: result.status.name });
  });
  const info: ModelInfo = {
    url: source.url,
    config: m.config,
    meta: source.json.meta,
    numStages: m.numStages,
    latentNames: m.latentNames,
    latentStages: m.latentStages,
    latentShapes: m.latentShapes,
    dims: m.dims,
    numParams: m.numParams(),
  };
  post({ type: 'ready', id: req.id, backend: status.name, ...(status.threads ? { threads: status.threads } : {}), tried: status.tried, model: info, msPerScore });
}

async function handle(req: WorkerRequest): Promise<void> {
  if (req.type === 'init') return init(req);
  const m = model;
  if (!m) throw new Error('the model is not loaded yet');
  const t = performance.now();
  if (req.type === 'score') {
    const scores = await scoreOne(m, req.image, req.settings, req.reconstructions);
    post({ type: 'scores', id: req.id, scores, ms: performance.now() - t, backend: tf.getBackend() as BackendName });
  } else if (req.type === 'samplePrior') {
    const s = m.samplePrior(req.count, new NoiseSource(req.seed), req.lowerLatents);
    const data = (await s.data()) as Float32Array;
    s.dispose();
    const images = Array.from({ length: req.count }, (_, i) => data.slice(i * m.dims, (i + 1) * m.dims));
    post({ type: 'priorSamples', id: req.id, images, ms: performance.now() - t });
  } else if (req.type === 'posteriorMeans') {
    const { layers, shapes } = await posteriorMeans(m, req.images, req.count);
    post({ type: 'posteriorMeans', id: req.id, layers, shapes, ms: performance.now() - t }, layers.map((l) => l.buffer));
  } else if (req.type === 'representations') {
    const layers = await withGrams(await readRepresentations(m, req.images, req.count), req.count);
    post({ type: 'representations', id: req.id, layers, ms: performance.now() - t }, layers.flatMap((l) => [l.values.buffer, l.gram!.buffer]));
  } else if (req.type === 'regret') {
    const x = imagesToTensor(req.image, 1, m.config.inputShape);
    try {
      const of = SINGLE_IMAGE_REGRET.steps;
      const r = await likelihoodRegret(m, x, SINGLE_IMAGE_REGRET, (p) => p.steps > 0 && post({ type: 'regretProgress', id: req.id, steps: p.steps, of }));
      post({ type: 'regret', id: req.id, before: r.before[0]!, after: r.after[0]!, regret: r.regret[0]!, ms: performance.now() - t, backend: tf.getBackend() as BackendName });
    } finally {
      x.dispose();
    }
  } else {
    const s = await scoreImages(m, req.images, req.count, req.settings, 100);
    post({ type: 'batchScores', id: req.id, bounds: s.bounds, ratios: s.ratios, ms: performance.now() - t });
  }
}

// One request at a time, interactive ones first: on a slow backend the image being drawn must
// not wait behind figure rows that were asked for earlier.
const queue: WorkerRequest[] = [];
let busy = false;

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  while (queue.length > 0) {
    const i = queue.findIndex((r) => !(r.type === 'score' && r.background));
    const [req] = queue.splice(i >= 0 ? i : 0, 1);
    try {
      await handle(req!);
    } catch (e) {
      post({ type: 'error', id: req!.id, message: (e as Error).message || String(e) });
    }
  }
  busy = false;
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  queue.push(ev.data);
  void drain();
};
