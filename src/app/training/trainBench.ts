/**
 * ?bench on the Train page: window.hvaeTrainBench for `npm run bench:train-browser`. It trains a
 * new model for a few steps in the same worker the page uses and returns the time of each step,
 * so the figures include everything a real training step costs on that backend.
 */
import type { BackendChoice } from '../../backend/backendNames.ts';
import { CONFIGS } from '../../hvae/config.ts';
import { IMAGE_PIXELS } from '../../data/imageSet.ts';
import type { TrainingResponse } from '../../workers/protocol.ts';
import { fetchTrainingIndex, fetchTrainingSet } from './trainingAssets.ts';
import { TrainingClient } from './trainingClient.ts';

export interface TrainBenchOptions {
  backend: BackendChoice;
  config: string;
  batch: number;
  /** Steps timed, after `warmup` steps that compile kernels. */
  steps: number;
  warmup: number;
}

export interface TrainBenchResult {
  backend: string;
  tried: string[];
  numParams: number;
  stepMs: number[];
}

async function bench(o: TrainBenchOptions): Promise<TrainBenchResult> {
  const config = CONFIGS[o.config];
  if (!config) throw new Error(`unknown configuration ${o.config}`);
  const entry = (await fetchTrainingIndex()).find((s) => s.role === 'train' && s.dataset === 'fashionmnist');
  if (!entry) throw new Error('no FashionMNIST training subset in train/index.json');
  const set = await fetchTrainingSet(entry);
  const count = o.batch * (o.steps + o.warmup);
  if (count > entry.count) throw new Error(`${count} images needed, the subset has ${entry.count}`);
  return new Promise((resolve, reject) => {
    const stepMs: number[] = [];
    let started: Extract<TrainingResponse, { type: 'started' }> | null = null;
    const client = new TrainingClient((msg) => {
      if (msg.type === 'started') started = msg;
      else if (msg.type === 'step') stepMs.push(msg.report.ms);
      else if (msg.type === 'finished' || msg.type === 'diverged' || msg.type === 'error') {
        client.terminate();
        if (msg.type !== 'finished' || !started) reject(new Error(msg.type === 'finished' ? 'no start message' : msg.message));
        else resolve({ backend: started.backend, tried: started.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${t.error}`), numParams: started.numParams, stepMs: stepMs.slice(o.warmup) });
      }
    });
    client.start({
      backend: o.backend,
      from: { kind: 'scratch', config },
      data: { images: set.images.slice(0, count * IMAGE_PIXELS), count, dataset: 'fashionmnist', description: 'benchmark' },
      heldOut: null,
      settings: { epochs: 1, batchSize: o.batch, learningRate: 1e-3, freeBits: 2, warmupEpochs: 0, clipNorm: 0, seed: 1 },
    });
  });
}

export function installTrainBench(): void {
  (window as unknown as { hvaeTrainBench?: typeof bench }).hvaeTrainBench = bench;
}
