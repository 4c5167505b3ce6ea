/**
 * The parts both models' stages are built from: the shapes along the bottom-up path, Gaussian heads,
 * the map from a latent sample to a feature map, the rule that picks a generative block's skip
 * input, and the data-dependent initialisation.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LatentConfig, StageConfig } from './config.ts';
import { ParamStore, WnConv, WnDense, resampledShape, type Shape3 } from './layers.ts';
import type { PassOptions, PassResult, PassSpec, SharedPassOptions } from './hierarchicalVae.ts';
import { bernoulliLogDensity, softplusStd, sumPerExample, type Gaussian } from './likelihoods.ts';

export interface InferenceShapes {
  /** Input of stage i's blocks: x, then z_{i-1} itself when it is spatial, else z_{i-1} mapped to h_{i-1}'s shape. */
  inShapes: Shape3[];
  /** Output of stage i's blocks. */
  hShapes: Shape3[];
  /** One example's shape of z_i: [h, w, c] or [units]. */
  zShapes: number[][];
}

/** Shapes along the bottom-up inference path ('same' padding: strides divide); a stride that does not divide is refused. */
export function inferenceShapes(inputShape: Shape3, stages: StageConfig[]): InferenceShapes {
  const out: InferenceShapes = { inShapes: [], hShapes: [], zShapes: [] };
  let a: Shape3 = [...inputShape];
  for (const [i, s] of stages.entries()) {
    out.inShapes.push(a);
    let h = a;
    for (const b of s.blocks) {
      if (h[0] % b.stride !== 0 || h[1] % b.stride !== 0) throw new Error(`Stage ${i + 1}: size ${h[0]}x${h[1]} is not divisible by stride ${b.stride}`);
      h = resampledShape(h, b.channels, b.stride, 'down');
    }
    out.hShapes.push(h);
    const z = s.latent.kind === 'conv' ? [h[0], h[1], s.latent.channels] : [s.latent.units];
    out.zShapes.push(z);
    a = s.latent.kind === 'conv' ? (z as Shape3) : h;
  }
  return out;
}

/** Runs `pass` once with every weight-normalised layer of `store` in initialisation mode: each sets its gain and bias from the batch. */
export function initializeFromBatch(store: ParamStore, pass: () => void): void {
  store.initMode = true;
  try {
    tf.tidy(pass);
  } finally {
    store.initMode = false;
  }
}

const HEAD_INIT_SCALE = 0.1;

/**
 * A Gaussian latent layer's head: features -> (mean, std) of a conv map or a dense vector.
 * Initialised with a small output scale so that every q and p starts close to N(0, I) per
 * example, not only on average over the batch: the KL terms then start near zero. Reference
 * heads (HvaeConfig.referenceBlocks) see ReLU(features) and start at unit scale instead.
 */
export class GaussianHead {
  private readonly conv: WnConv | null;
  private readonly dense: WnDense | null;

  constructor(store: ParamStore, name: string, from: Shape3, readonly latent: LatentConfig, private readonly reference = false) {
    const scale = reference ? 1 : HEAD_INIT_SCALE;
    if (latent.kind === 'conv') {
      this.conv = new WnConv(store, name, from[2], 2 * latent.channels, latent.kernel, 1, 'down', scale);
      this.dense = null;
    } else {
      this.conv = null;
      this.dense = new WnDense(store, name, from[0] * from[1] * from[2], 2 * latent.units, scale);
    }
  }

  apply(features: tf.Tensor4D): Gaussian {
    const h = this.reference ? tf.relu(features) : features;
    const params = this.conv ? this.conv.apply(h) : this.dense!.apply(tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D);
    const [mean, stdLogits] = tf.split(params, 2, -1) as [tf.Tensor, tf.Tensor];
    return { mean, std: softplusStd(stdLogits) };
  }
}

/** Maps a latent sample to a feature map: conv latents already are one; dense ones get a dense layer. */
export class LatentToMap {
  private readonly dense: WnDense | null;

  constructor(store: ParamStore, name: string, latent: LatentConfig, readonly mapShape: Shape3) {
    this.dense = latent.kind === 'dense' ? new WnDense(store, name, latent.units, mapShape[0] * mapShape[1] * mapShape[2]) : null;
  }

  apply(z: tf.Tensor): tf.Tensor4D {
    if (!this.dense) return z as tf.Tensor4D;
    const m = this.dense.apply(z as tf.Tensor2D);
    return tf.reshape(m, [z.shape[0]!, ...this.mapShape]) as tf.Tensor4D;
  }
}

/**
 * The skip input of generative block j from the outputs of the stage above's blocks: block j's
 * (the paper's code), or the stage above's last output into block 0 only.
 */
export function skipSource<T>(aboveOuts: T[], j: number, everyBlock: boolean): T | null {
  if (aboveOuts.length === 0) return null;
  if (everyBlock) return aboveOuts[Math.min(j, aboveOuts.length - 1)]!;
  return j === 0 ? aboveOuts[aboveOuts.length - 1]! : null;
}

/** Checks a pass's k (0..numStages) and replica count; returns the map of a tensor to that many stacked copies. */
export function replicaTiler(opts: PassOptions, numStages: number): <T extends tf.Tensor>(t: T) => T {
  const reps = opts.replicas ?? 1;
  if (!Number.isInteger(opts.k) || opts.k < 0 || opts.k > numStages) throw new Error(`k must be an integer in 0..${numStages}, got ${opts.k}`);
  const l = firstPriorStage(opts, numStages);
  if (!Number.isInteger(l) || l < 1 || l > numStages + 1) throw new Error(`l must be an integer in 1..${numStages + 1}, got ${l}`);
  if (l <= numStages && opts.k !== 0) throw new Error(`L<l takes the stages below l from q: k must be 0, got ${opts.k}`);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`replicas must be a positive integer, got ${reps}`);
  return <T extends tf.Tensor>(t: T): T => (reps === 1 ? t : (tf.tile(t, [reps, ...t.shape.slice(1).map(() => 1)]) as T));
}

/** One pass of a runPasses call, checked: its replica tiler and `top`, the index of its first stage drawn from the prior. */
export interface PassPlan extends PassSpec {
  tile: <T extends tf.Tensor>(t: T) => T;
  top: number;
}

export function planPasses(passes: readonly PassSpec[], shared: SharedPassOptions, numStages: number): PassPlan[] {
  if (passes.length === 0) throw new Error('runPasses needs at least one pass');
  return passes.map((p) => ({ ...p, tile: replicaTiler({ ...shared, ...p }, numStages), top: firstPriorStage(p, numStages) - 1 }));
}

/**
 * The rows of several passes stacked on the batch axis, in equal blocks: one generative path runs
 * on all of them and each pass picks its latents from its own block. With one pass every method is
 * the identity, so a single pass adds no operations.
 */
export class StackedPasses {
  constructor(readonly count: number) {}

  split<T extends tf.Tensor>(t: T): T[] {
    return this.count === 1 ? [t] : (tf.split(t, this.count, 0) as T[]);
  }

  splitGaussian(g: Gaussian): Gaussian[] {
    const std = this.split(g.std);
    return this.split(g.mean).map((mean, i) => ({ mean, std: std[i]! }));
  }

  join<T extends tf.Tensor>(parts: T[]): T {
    return parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as T);
  }
}

/** The l of L<l: the first stage (1-based) whose latents come from the prior; L + 1 when none does. */
export function firstPriorStage(opts: PassSpec, numStages: number): number {
  return opts.l ?? numStages + 1;
}

/** A pass's per-example terms from the (tiled) images, the logits of p(x|z), the latents and each latent's KL elements (null below the cut). */
export function passResult(x: tf.Tensor4D, logits: tf.Tensor4D, latents: tf.Tensor[], klElements: (tf.Tensor | null)[]): PassResult {
  const kl = klElements.map((e) => (e ? sumPerExample(e) : null));
  const logPxElements = bernoulliLogDensity(x, logits);
  const logPxGivenZ = sumPerExample(logPxElements);
  let logWeight: tf.Tensor1D = logPxGivenZ;
  for (const term of kl) if (term) logWeight = tf.sub(logWeight, term);
  return { logits, logPxGivenZ, kl, logWeight, latents, logPxElements, klElements };
}
