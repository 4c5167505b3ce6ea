/**
 * What every model behind the app offers (the HVAE of model.ts, BIVA of biva.ts): one pass behind
 * every bound, prior samples, the joint density, initialisation and the inference network's
 * layers. Bounds, training, workers, CLI and pages use models through this interface only.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config.ts';
import type { ParamStore } from './layers.ts';
import type { NoiseSource } from './noise.ts';
import type { InferenceRepresentations } from './representations.ts';

/** How the latents below z_{k+1} are generated: the conditional prior's mean (paper's code) or a sample. */
export type LowerLatents = 'mode' | 'sample';

/** What distinguishes one pass from another over the same images: its cut and its noise. */
export interface PassSpec {
  /** Number of lowest stages whose latents come from the conditional prior (0 = ELBO). */
  k: number;
  /**
   * L<l (the paper's Appendix E): the latents of stages >= l are drawn from the prior, top down,
   * and those below from q, so only the stages below l contribute KL terms. 1..L, with k = 0;
   * default L + 1 (every stage from q).
   */
  l?: number;
  noise: NoiseSource;
}

/** What every pass of one `runPasses` call shares. */
export interface SharedPassOptions {
  lowerLatents: LowerLatents;
  /**
   * Score x as this many stacked copies (default 1), as if x had been tiled: the encoder below
   * the first sampled latent is deterministic, so it runs once per image, not once per copy.
   */
  replicas?: number;
}

export type PassOptions = PassSpec & SharedPassOptions;

export interface PassResult {
  /** Logits of p(x | z_1). */
  logits: tf.Tensor4D;
  logPxGivenZ: tf.Tensor1D;
  /**
   * log q(z_j|.) - log p(z_j|.) at the sample, per example, one per latent in the model's
   * latentNames order; null for the latents of stages <= k or >= l.
   */
  kl: (tf.Tensor1D | null)[];
  /** The same terms before the per-example sums: per pixel, and per latent element. */
  logPxElements: tf.Tensor;
  klElements: (tf.Tensor | null)[];
  /** log p(x|z) minus every non-null kl term: the integrand of L>k (or L<l). */
  logWeight: tf.Tensor1D;
  /** The latents that generation used, bottom first (for inspection). */
  latents: tf.Tensor[];
}

export interface HierarchicalVae extends InferenceRepresentations {
  readonly config: ModelConfig;
  readonly store: ParamStore;
  /** L: the bounds L>k run over k = 0..L. */
  readonly numStages: number;
  /** Number of pixels D, for bits per dimension. */
  readonly dims: number;
  /** One name per latent, bottom first, in the order of PassResult.kl (HVAE: z1..zL; BIVA: z1 BU, z1 TD, .., zL). */
  readonly latentNames: string[];
  /** The stage (1-based) of each latent: L>k takes the latents of stages <= k from the prior. */
  readonly latentStages: number[];
  /** One example's shape of each latent. */
  readonly latentShapes: number[][];
  numParams(): number;
  /** Whether a parameter (a ParamStore name) belongs to the inference network: q and the paths only q reads. */
  isInferenceParameter(name: string): boolean;
  /** The forward pass behind every bound; the caller owns the tensors (wrap in tf.tidy). */
  run(x: tf.Tensor4D, opts: PassOptions): PassResult;
  /**
   * Several passes over the same images at once; result i equals run(x, {...shared, ...passes[i]})
   * when each pass has its own noise source. The encoder below each pass's first sampled latent is
   * computed once for all of them, and one generative path runs on every pass's rows stacked, so
   * scoring every k costs about one pass's kernel launches. The caller owns the tensors.
   */
  runPasses(x: tf.Tensor4D, passes: readonly PassSpec[], shared: SharedPassOptions): PassResult[];
  /** Means of p(x|z) for n draws from the prior; the lower latents sampled or at their conditional means. */
  samplePrior(n: number, noise: NoiseSource, lowerLatents?: LowerLatents): tf.Tensor4D;
  /** log p(x, z) for given latents in latentNames order. */
  logJoint(x: tf.Tensor4D, latents: tf.Tensor[]): tf.Tensor1D;
  /** Data-dependent initialisation of every weight-normalised layer from one batch. */
  initialize(x: tf.Tensor4D, seed?: number): void;
  dispose(): void;
}
