/** Messages between the page and the scoring worker: one typed union each way. */
import type { BackendAttempt, BackendChoice, BackendName } from '../backend/browser.ts';
import type { HvaeConfig } from '../hvae/config.ts';
import type { LowerLatents } from '../hvae/model.ts';

export interface ScoreSettings {
  samples: number;
  lowerLatents: LowerLatents;
  /** null: every latent at its mean (deterministic scores). */
  seed: number | null;
}

export type WorkerRequest =
  | { type: 'init'; id: number; backend: BackendChoice; modelUrl: string }
  /** `background` requests (figure rows, benchmarks) wait while interactive ones are queued. */
  | { type: 'score'; id: number; image: Float32Array; settings: ScoreSettings; reconstructions: boolean; background?: boolean }
  | { type: 'samplePrior'; id: number; count: number; seed: number; lowerLatents: LowerLatents }
  | { type: 'scoreBatch'; id: number; images: Float32Array; count: number; settings: ScoreSettings };

/** Scores of one image: index k of bounds/ratios is L>k / LLR>k in nats. */
export interface ImageScores {
  bounds: number[];
  ratios: number[];
  klPerLayer: number[];
  logPxGivenZ: number;
  /** Per k, the mean of p(x|z) as 784 values (when requested). */
  reconstructions: Float32Array[];
}

export interface ModelInfo {
  url: string;
  config: HvaeConfig;
  meta: Record<string, unknown>;
  numLatentLayers: number;
  dims: number;
  numParams: number;
}

export type WorkerResponse =
  | { type: 'ready'; id: number; backend: BackendName; tried: BackendAttempt[]; model: ModelInfo; msPerScore: number }
  | { type: 'scores'; id: number; scores: ImageScores; ms: number; backend: BackendName }
  | { type: 'priorSamples'; id: number; images: Float32Array[]; ms: number }
  | { type: 'batchScores'; id: number; bounds: Float64Array[]; ratios: Float64Array[]; ms: number }
  | { type: 'backendLost'; reason: string; backend: BackendName }
  | { type: 'error'; id: number; message: string };
