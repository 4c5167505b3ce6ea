/** Messages between the page and the scoring worker: one typed union each way. */
import type { BackendAttempt, BackendChoice, BackendName } from '../backend/browser.ts';
import type { ModelConfig } from '../hvae/config.ts';
import type { LowerLatents } from '../hvae/hierarchicalVae.ts';
import type { LayerValues } from '../hvae/representations.ts';

export interface ScoreSettings {
  samples: number;
  lowerLatents: LowerLatents;
  /** null: every latent at its mean (deterministic scores). */
  seed: number | null;
  /** The l whose L<l to compute too (the paper's Appendix E); none when absent. */
  ls?: number[];
}

/** A shipped model's model.json URL, or the bytes of a .hvae file kept in the browser (named for messages). */
export type ModelSource = { url: string } | { name: string; file: ArrayBuffer };

export type WorkerRequest =
  | { type: 'init'; id: number; backend: BackendChoice; source: ModelSource }
  /** `background` requests (figure rows, benchmarks) wait while interactive ones are queued. */
  | { type: 'score'; id: number; image: Float32Array; settings: ScoreSettings; reconstructions: boolean; background?: boolean }
  | { type: 'samplePrior'; id: number; count: number; seed: number; lowerLatents: LowerLatents }
  | { type: 'scoreBatch'; id: number; images: Float32Array; count: number; settings: ScoreSettings }
  /** The mean of q(z_i | .) per latent layer for a batch, every latent at its mean (the paper's Figure 2 compares them across models). */
  | { type: 'posteriorMeans'; id: number; images: Float32Array; count: number }
  /** Every layer of the inference network for a batch, bottom to top, with the images' Gram matrices (Figure 2). */
  | { type: 'representations'; id: number; images: Float32Array; count: number }
  /** Likelihood regret of one image (SINGLE_IMAGE_REGRET); the weights are put back afterwards. */
  | { type: 'regret'; id: number; image: Float32Array };

/** Scores of one image: index k of bounds/ratios is L>k / LLR>k in nats. */
export interface ImageScores {
  bounds: number[];
  ratios: number[];
  /** Index l: L<l in nats for each l asked for, null for the others. */
  boundsBelow: (number | null)[];
  klPerLayer: number[];
  logPxGivenZ: number;
  /** Per k, the mean of p(x|z) as 784 values (when requested). */
  reconstructions: Float32Array[];
}

export interface ModelInfo {
  /** The URL or the name it was loaded from. */
  url: string;
  config: ModelConfig;
  meta: Record<string, unknown>;
  /** L: the bounds run over k = 0..L. */
  numStages: number;
  /** One name per latent, in the order of every per-latent list (klPerLayer). */
  latentNames: string[];
  /** The stage (1-based) of each latent. */
  latentStages: number[];
  /** One example's shape of each latent. */
  latentShapes: number[][];
  dims: number;
  numParams: number;
}

export type WorkerResponse =
  /** `threads`: the wasm backend's thread count (absent on the other backends). */
  | { type: 'ready'; id: number; backend: BackendName; threads?: number; tried: BackendAttempt[]; model: ModelInfo; msPerScore: number }
  | { type: 'scores'; id: number; scores: ImageScores; ms: number; backend: BackendName }
  | { type: 'priorSamples'; id: number; images: Float32Array[]; ms: number }
  | { type: 'batchScores'; id: number; bounds: Float64Array[]; ratios: Float64Array[]; ms: number }
  /** layers[i]: count x (shapes[i] elements) values of z_{i+1}, NHWC for a conv latent; z1 first. */
  | { type: 'posteriorMeans'; id: number; layers: Float32Array[]; shapes: number[][]; ms: number }
  | { type: 'representations'; id: number; layers: LayerValues[]; ms: number }
  /** Sent after each Adam step of a regret request, before its answer. */
  | { type: 'regretProgress'; id: number; steps: number; of: number }
  /** ELBOs (nats) with the trained and the refitted encoder, and their difference. */
  | { type: 'regret'; id: number; before: number; after: number; regret: number; ms: number; backend: BackendName }
  | { type: 'backendLost'; reason: string; backend: BackendName }
  | { type: 'error'; id: number; message: string };

/* Training: the page runs one training at a time in its own worker, and can pause, resume or stop it between batches. */

export interface TrainSettings {
  epochs: number;
  /** Images per step; a smaller training set uses all of its images per step. */
  batchSize: number;
  learningRate: number;
  /** Free-bits budget lambda in nats, shared by the latent layers: held for the first half of the epochs, then annealed to 0. */
  freeBits: number;
  /** KL warm-up: the KL weight beta rises from 0 to 1 over this many epochs (0 = off). */
  warmupEpochs: number;
  /** Clip the global gradient norm (0 = off). */
  clipNorm: number;
  seed: number;
}

/** Where training starts: a new model of a configuration, or a model to fine-tune (shipped, or kept in the browser). */
export type TrainStart = { kind: 'scratch'; config: ModelConfig } | { kind: 'model'; name: string; source: ModelSource };

export interface TrainData {
  /** count * 784 grey values in [0, 1]; every batch gets a fresh Bernoulli binarisation. */
  images: Float32Array;
  count: number;
  /** The dataset name written into the model ('fashionmnist', 'mnist', or 'custom' for drawings and uploads). */
  dataset: string;
  /** For the model's metadata, e.g. "500 FashionMNIST training images". */
  description: string;
}

/** Held-out images scored after every epoch: the AUROC of each score, in-distribution vs OOD. */
export interface HeldOutSets {
  inName: string;
  inImages: Float32Array;
  inCount: number;
  oodName: string;
  oodImages: Float32Array;
  oodCount: number;
}

export type TrainingRequest =
  | { type: 'start'; backend: BackendChoice; from: TrainStart; data: TrainData; heldOut: HeldOutSets | null; settings: TrainSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

export interface StepReport {
  /** 0-based epoch, and the number of batches of it done so far. */
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  /** Steps done in this training. */
  step: number;
  loss: number;
  /** Mean ELBO of the batch in nats (one sample). */
  elbo: number;
  /** Mean KL per latent layer in nats, z1 first. */
  kl: number[];
  beta: number;
  freeBits: number;
  /** Time of this step, and images per second over the training so far (pauses excluded). */
  ms: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface EpochReport {
  /** Epochs completed (1 after the first). */
  epoch: number;
  trainElbo: number;
  trainLoss: number;
  trainKl: number[];
  /** Scores of the held-out sets after this epoch; null when there are none. */
  heldOut: { elbo: number; kl: number[]; auroc: Record<string, number> } | null;
  /** Seconds of training and of held-out scoring in this epoch. */
  trainSeconds: number;
  evalSeconds: number;
}

export type TrainingResponse =
  | { type: 'started'; backend: BackendName; tried: BackendAttempt[]; numParams: number; numStages: number; latentNames: string[]; dims: number; batchSize: number; batchesPerEpoch: number }
  | { type: 'step'; report: StepReport }
  | { type: 'epoch'; report: EpochReport }
  | { type: 'paused' }
  | { type: 'resumed' }
  /** The trained model as a .hvae file. */
  | { type: 'finished'; outcome: 'completed' | 'stopped'; file: ArrayBuffer }
  /** The loss turned NaN or infinite: the last good weights are restored and returned. */
  | { type: 'diverged'; message: string; file: ArrayBuffer }
  | { type: 'error'; message: string };
