/**
 * Likelihood regret (Xiao, Yan & Amit, NeurIPS 2020): how much the ELBO of one image rises when
 * the inference network alone is refitted to that image, the generative model frozen:
 *   LR(x) = ELBO(x; refitted encoder) - ELBO(x; trained encoder)      (nats)
 * Larger = more out-of-distribution, like LLR>k: the amortised encoder already serves images like
 * its training set, so refitting gains little there and more on images unlike them.
 *
 * The refit follows the authors' code (compute_LR.py in their repository): Adam with learning
 * rate 2e-4, betas 0.9 and 0.999, epsilon 1e-8, 100 steps from the trained weights, each step on
 * the one image with one sample of its ELBO. Their weight decay (an L2 pull of 5e-5 towards zero) is
 * left out: the regret's definition maximises the ELBO alone.
 *
 * Measuring the two ELBOs: each is the mean of log w over `samples` draws, and both use the same
 * seeded draws (common random numbers), so that their difference measures the refit rather than
 * the sampling noise, and zero steps give exactly zero. The mean, not the importance-weighted
 * bound log mean exp (which the authors' code takes, with 1000 samples): the mean is what the refit
 * maximises, and under common draws its difference is the steadier, where the weighted bound
 * hangs on its few largest weights, which the refit reshuffles. Deterministic scoring (every latent at
 * its mean) cannot stand in either: there log q(z|x) is taken at q's mean, which grows without bound
 * as q's std grows while nothing downstream sees the std, so the refit would only widen q.
 *
 * Each image is refitted on its own (tfjs has no per-example parameters) and the model's weights
 * are put back bit for bit after each one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { scoreAll } from './bounds.ts';
import type { HierarchicalVae } from './hierarchicalVae.ts';
import { NoiseSource } from './noise.ts';
import { WeightSnapshot } from './weightSnapshot.ts';

export interface RegretOptions {
  /** Adam steps on the one image. */
  steps: number;
  learningRate: number;
  /** Samples of log w whose mean is the ELBO before and after the refit. */
  samples: number;
  /** A whole number >= 0: image n of the batch draws its noise from seed + n, so a score depends on (seed, position) only. */
  seed: number;
}

/** The authors' refit: 100 Adam steps at learning rate 2e-4 (compute_LR.py). */
export const XIAO_REFIT = { steps: 100, learningRate: 2e-4 } as const;

/** Samples of each ELBO by default: on small-grey-ref the two measurements then cost less than the refit. */
export const REGRET_SAMPLES = 100;

/** The regret of one image on the page and in `npm run score --regret`: the draws image 0 of an eval split gets. */
export const SINGLE_IMAGE_REGRET: RegretOptions = { ...XIAO_REFIT, samples: REGRET_SAMPLES, seed: 1 };

export interface RegretResult {
  /** ELBO with the trained encoder, nats per image. */
  before: Float64Array;
  /** ELBO with the encoder refitted to the image, on the same draws. */
  after: Float64Array;
  /** after - before. */
  regret: Float64Array;
}

/** Where a refit stands: images finished, and Adam steps done on the image being refitted. */
export interface RegretProgress {
  images: number;
  steps: number;
}

export class NonFiniteRegretError extends Error {
  override name = 'NonFiniteRegretError';
}

/** Likelihood regret of each image of x [N,H,W,C], one after another; onProgress after every step and every image. */
export async function likelihoodRegret(model: HierarchicalVae, x: tf.Tensor4D, opts: RegretOptions, onProgress?: (p: RegretProgress) => void): Promise<RegretResult> {
  if (!Number.isInteger(opts.steps) || opts.steps < 0) throw new Error(`steps must be a whole number >= 0, got ${opts.steps}`);
  if (!Number.isInteger(opts.seed) || opts.seed < 0) throw new Error(`seed must be a whole number >= 0, got ${opts.seed}`);
  const N = x.shape[0];
  const result: RegretResult = { before: new Float64Array(N), after: new Float64Array(N), regret: new Float64Array(N) };
  const encoder = [...model.store.vars].filter(([name]) => model.isInferenceParameter(name)).map(([, v]) => v);
  const trained = WeightSnapshot.of(model);
  try {
    for (let n = 0; n < N; n++) {
      const image = tf.slice(x, n, 1);
      const seed = opts.seed + n;
      const elbo = async () => {
        const s = await scoreAll(model, image, { samples: opts.samples, lowerLatents: 'mode', seed, ks: [0] });
        return s.logPxGivenZ[0]! - s.klPerLayer.reduce((sum, kl) => sum + kl[0]!, 0);
      };
      const adam = tf.train.adam(opts.learningRate, 0.9, 0.999, 1e-8);
      try {
        const before = await elbo();
        // A negative seed: the refit's draws never replay those of any image's ELBO.
        const noise = new NoiseSource(-(seed + 1));
        for (let t = 0; t < opts.steps; t++) {
          adam.minimize(() => tf.neg(tf.sum(model.run(image, { k: 0, lowerLatents: 'mode', noise }).logWeight)) as tf.Scalar, false, encoder);
          onProgress?.({ images: n, steps: t + 1 });
        }
        const after = await elbo();
        if (!Number.isFinite(before) || !Number.isFinite(after)) throw new NonFiniteRegretError(`image ${n}: the ELBO went from ${before} to ${after} nats during the refit`);
        result.before[n] = before;
        result.after[n] = after;
        result.regret[n] = after - before;
      } finally {
        adam.dispose();
        image.dispose();
        trained.restoreInto(model);
      }
      onProgress?.({ images: n + 1, steps: 0 });
    }
  } finally {
    trained.dispose();
  }
  return result;
}
