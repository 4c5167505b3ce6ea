/**
 * One optimisation step on the ELBO with free bits and KL warm-up (paper, Table 4), and the
 * schedules behind them. The loss is -E[log p(x|z)] + beta * (KL with free bits), the free bits
 * lambda applied one of two ways:
 *   'element' (the paper's code, FreeNats with shared_dims = 1): every element of every z_i of
 *     every example keeps lambda / C_i nats free, C_i the channels of z_i (its size if dense):
 *     sum_i E_batch[ sum_elements max(KL_i,element, lambda / C_i) ]. For z_1 of 14x14x8 that is
 *     lambda nats per spatial position, which keeps the lowest layer in use.
 *   'layer' (Kingma et al. 2016, the budget shared evenly among the L layers):
 *     sum_i max(E_batch[KL_i], lambda / L).
 * A step whose loss or gradients are not finite is not applied: the weights stay as they were.
 * A batch can be split into equal shards whose gradients are computed elsewhere (other threads)
 * and averaged here: the mean of the shards' mean losses is the batch's mean loss (with free
 * bits per layer, each shard applies the floor to its own mean KL, a slightly different loss).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HierarchicalVae } from './hierarchicalVae.ts';
import { NoiseSource } from './noise.ts';

export type FreeBitsPer = 'element' | 'layer';

export interface Schedule {
  /** Free-bits budget lambda in nats, held for `freeBitsHoldEpochs`, then annealed linearly to 0. */
  freeBits: number;
  /** How lambda applies (see the top of this file); the paper's code uses 'element'. */
  freeBitsPer: FreeBitsPer;
  freeBitsHoldEpochs: number;
  freeBitsAnnealEpochs: number;
  /** KL weight beta rises linearly from 0 to 1 over this many epochs. */
  warmupEpochs: number;
  /**
   * 'step' (absent: runs logged before the option) moves beta and lambda every step. 'epoch'
   * holds them through each epoch, as the paper's code advances its warm-up and free-nats
   * iterators once before every epoch: beta counts the epoch being started (1/n in the first),
   * lambda the epochs completed, so hold H and anneal A give H + 1 epochs at lambda, then A
   * steps down to 0 (the paper's code's free_nats_epochs = 2H with H = A + 1).
   */
  stepsPer?: 'step' | 'epoch';
}

/** Schedule state at a (fractional) epoch. */
export function scheduleAt(s: Schedule, epoch: number): { freeBits: number; beta: number } {
  const perEpoch = s.stepsPer === 'epoch';
  const warm = perEpoch ? Math.floor(epoch) + 1 : epoch;
  const beta = s.warmupEpochs > 0 ? Math.min(1, warm / s.warmupEpochs) : 1;
  const done = perEpoch ? Math.floor(epoch) : epoch;
  let freeBits = s.freeBits;
  if (done >= s.freeBitsHoldEpochs) {
    const t = s.freeBitsAnnealEpochs > 0 ? (done - s.freeBitsHoldEpochs) / s.freeBitsAnnealEpochs : 1;
    freeBits = s.freeBits * Math.max(0, 1 - t);
  }
  return { freeBits, beta };
}

export interface StepStats {
  loss: number;
  /** Mean ELBO of the batch (nats), with the step's single sample. */
  elbo: number;
  logPxGivenZ: number;
  /** Mean KL per latent layer, bottom first. */
  kl: number[];
  gradNorm: number;
}

export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
}

export interface TrainerOptions {
  learningRate: number;
  seed: number;
  /** Clip the global gradient norm (0 = off). */
  clipNorm?: number;
  /** Exponential moving average of the weights (0 = off). */
  emaDecay?: number;
  /** How step()'s free bits apply; 'element' (the paper's code) unless given. */
  freeBitsPer?: FreeBitsPer;
  /** Adam's epsilon; tfjs's default (1e-7) unless given. PyTorch's, in the paper's code, is 1e-8. */
  adamEpsilon?: number;
}

/** A step computed but not yet applied: its tensors, read back before the gradients are applied. */
interface PendingStep {
  value: tf.Scalar;
  grads: tf.NamedTensorMap;
  stats: tf.Tensor;
  gradNorm: tf.Tensor;
}

/** One shard's loss, statistics and gradients, read back (the gradients flat, in the order of the model's variables). */
export interface ShardGradients {
  loss: number;
  /** Mean ELBO, mean log p(x|z), then the mean KL of each layer, bottom first. */
  stats: number[];
  grads: Float32Array;
}

/** Seed of the noise of step `stepIndex` for shard `shard` of its batch; shard 0 draws what an unsharded step draws. */
export function stepNoiseSeed(seed: number, stepIndex: number, shard: number): number {
  const base = seed * 1_000_003 + stepIndex;
  // Negative for the other shards, so that they never replay another step's draws.
  return shard === 0 ? base : -(base * 16 + shard);
}

/** The loss of a batch, its gradients with respect to every variable of the model, and the step statistics. */
function lossAndGradients(model: HierarchicalVae, x: tf.Tensor4D, beta: number, freeBits: number, freeBitsPer: FreeBitsPer, noise: NoiseSource): PendingStep {
  // 'layer' free bits share lambda among all latents (BIVA: 2L - 1 of them).
  const L = model.latentNames.length;
  return tf.tidy(() => {
    let statsT: tf.Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const r = model.run(x, { k: 0, lowerLatents: 'mode', noise });
      const klMeans = r.kl.map((t) => tf.mean(t!));
      const nll = tf.neg(tf.mean(r.logPxGivenZ));
      // lambda = 0 is the plain ELBO: no clamp at 0 either (Monte Carlo KL elements can be negative).
      const klLoss =
        freeBits === 0
          ? tf.addN(klMeans)
          : freeBitsPer === 'element'
            ? elementFreeBits(r.klElements, freeBits)
            : tf.addN(klMeans.map((m) => tf.maximum(m, freeBits / L)));
      const loss = tf.add(nll, tf.mul(beta, klLoss)) as tf.Scalar;
      statsT = tf.keep(tf.stack([tf.mean(r.logWeight), tf.neg(nll), ...klMeans]));
      return loss;
    }, [...model.store.vars.values()]);
    const gradNorm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
    return { value, grads, stats: statsT!, gradNorm };
  });
}

/** A shard's gradients, read back for the thread that applies the step. */
export function shardGradients(model: HierarchicalVae, x: tf.Tensor4D, beta: number, freeBits: number, freeBitsPer: FreeBitsPer, noiseSeed: number): ShardGradients {
  const p = lossAndGradients(model, x, beta, freeBits, freeBitsPer, new NoiseSource(noiseSeed));
  const flat = tf.tidy(() => tf.concat([...model.store.vars.values()].map((v) => (p.grads[v.name] ? tf.reshape(p.grads[v.name]!, [-1]) : tf.zeros([v.size])))));
  // A copy the caller owns (it may transfer its buffer to another thread).
  const result = { loss: p.value.dataSync()[0]!, stats: Array.from(p.stats.dataSync()), grads: new Float32Array(flat.dataSync()) };
  tf.dispose([p.value, p.stats, p.gradNorm, flat, ...Object.values(p.grads)]);
  return result;
}

/** The model's weights, flat in the order of its variables: what a shard's thread needs to compute its gradients. */
export function flatWeights(model: HierarchicalVae): Float32Array {
  return tf.tidy(() => tf.concat([...model.store.vars.values()].map((v) => tf.reshape(v, [-1]))).dataSync() as Float32Array);
}

/** Sets the model's weights from flatWeights' layout; throws if the sizes differ. */
export function setFlatWeights(model: HierarchicalVae, flat: Float32Array): void {
  let offset = 0;
  for (const v of model.store.vars.values()) {
    if (offset + v.size > flat.length) throw new Error(`flat weights hold ${flat.length} values, the model needs more`);
    tf.tidy(() => v.assign(tf.tensor(flat.subarray(offset, offset + v.size), v.shape)));
    offset += v.size;
  }
  if (offset !== flat.length) throw new Error(`flat weights hold ${flat.length} values, the model has ${offset}`);
}

export class Trainer {
  readonly optimizer: tf.AdamOptimizer;
  /** Steps taken, counting those before a resume: the noise of step t depends only on (seed, t). */
  private stepIndex: number;
  /** EMA shadows, same names as the model's variables. */
  readonly ema: Map<string, tf.Variable> | null;

  constructor(readonly model: HierarchicalVae, readonly opts: TrainerOptions, startStep = 0) {
    this.optimizer = tf.train.adam(opts.learningRate, 0.9, 0.999, opts.adamEpsilon);
    this.stepIndex = startStep;
    this.ema =
      opts.emaDecay && opts.emaDecay > 0
        ? new Map([...model.store.vars.entries()].map(([n, v]) => [n, tf.variable(v.clone(), false, `${v.name}/ema`)]))
        : null;
  }

  /** One step on a binarised batch. Throws NonFiniteLossError (weights untouched) on NaN/Inf. */
  step(x: tf.Tensor4D, beta: number, freeBits: number): StepStats {
    const p = this.forward(x, beta, freeBits);
    const read = [p.value.dataSync()[0]!, p.gradNorm.dataSync()[0]!, Array.from(p.stats.dataSync())] as const;
    tf.dispose([p.value, p.stats, p.gradNorm]);
    return this.apply(p.grads, ...read);
  }

  /**
   * The same step, reading its numbers back asynchronously: on WebGPU a synchronous read stalls
   * the device (SwiftShader's emulated one is lost), so the browser's training worker uses this.
   */
  async stepAsync(x: tf.Tensor4D, beta: number, freeBits: number): Promise<StepStats> {
    const p = this.forward(x, beta, freeBits);
    const [value, gradNorm, stats] = await Promise.all([p.value.data(), p.gradNorm.data(), p.stats.data()]);
    tf.dispose([p.value, p.stats, p.gradNorm]);
    return this.apply(p.grads, value[0]!, gradNorm[0]!, Array.from(stats));
  }

  /** The loss, its gradients, their global norm and the statistics, as tensors (the caller reads them). */
  private forward(x: tf.Tensor4D, beta: number, freeBits: number): PendingStep {
    const noise = new NoiseSource(stepNoiseSeed(this.opts.seed, this.stepIndex++, 0));
    return lossAndGradients(this.model, x, beta, freeBits, this.opts.freeBitsPer ?? 'element', noise);
  }

  /**
   * One step on a batch split into equal shards: this thread computes shard 0 (`x`) while
   * `others(stepIndex)` has the other shards computed elsewhere (it must start them before it
   * returns); the step applies the mean of all shards' gradients.
   */
  async stepSharded(x: tf.Tensor4D, beta: number, freeBits: number, others: (stepIndex: number) => Promise<ShardGradients[]>): Promise<StepStats> {
    const remote = others(this.stepIndex);
    const p = this.forward(x, beta, freeBits);
    let results: ShardGradients[];
    try {
      results = await remote;
    } catch (e) {
      tf.dispose([p.value, p.stats, p.gradNorm, ...Object.values(p.grads)]);
      throw e;
    }
    const n = results.length + 1;
    const [localLoss] = p.value.dataSync();
    const localStats = Array.from(p.stats.dataSync());
    tf.dispose([p.value, p.stats, p.gradNorm]);
    const offsets = new Map<string, number>();
    let offset = 0;
    for (const v of this.model.store.vars.values()) {
      offsets.set(v.name, offset);
      offset += v.size;
    }
    // In the order of the local gradients: Adam keeps its moments by position, in the order of its first step.
    const grads = tf.tidy(() => {
      const out: tf.NamedTensorMap = {};
      for (const [name, g] of Object.entries(p.grads)) {
        const at = offsets.get(name)!;
        const parts = results.map((r) => tf.tensor(r.grads.subarray(at, at + g.size), g.shape));
        out[name] = tf.div(tf.addN([g, ...parts]), n);
      }
      return out;
    });
    tf.dispose(Object.values(p.grads));
    const gradNorm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
    const loss = results.reduce((s, r) => s + r.loss, localLoss!) / n;
    const stats = localStats.map((v, i) => results.reduce((s, r) => s + r.stats[i]!, v) / n);
    return this.apply(grads, loss, gradNorm, stats);
  }

  /** Applies gradients whose loss and norm have been read, unless either is not finite; disposes the gradients. */
  private apply(grads: tf.NamedTensorMap, loss: number, gradNorm: number, statVals: number[]): StepStats {
    const L = this.model.latentNames.length;
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      tf.dispose(grads);
      throw new NonFiniteLossError(`loss is ${loss}, gradient norm ${gradNorm}`);
    }
    const clip = this.opts.clipNorm ?? 0;
    if (clip > 0 && gradNorm > clip) {
      const scaled = tf.tidy(() => Object.entries(grads).map(([name, g]) => ({ name, tensor: tf.mul(g, clip / gradNorm) })));
      this.optimizer.applyGradients(scaled);
      tf.dispose(scaled.map((s) => s.tensor));
    } else {
      this.optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    }
    tf.dispose(grads);
    this.updateEma();
    return { loss, elbo: statVals[0]!, logPxGivenZ: statVals[1]!, kl: statVals.slice(2, 2 + L), gradNorm };
  }

  private updateEma(): void {
    if (!this.ema) return;
    const d = this.opts.emaDecay!;
    tf.tidy(() => {
      for (const [n, v] of this.model.store.vars) {
        const s = this.ema!.get(n)!;
        s.assign(tf.add(tf.mul(s, d), tf.mul(v, 1 - d)));
      }
    });
  }

  /** Swaps model weights and EMA shadows (call twice to swap back): evaluate with the averaged weights. */
  swapEma(): void {
    if (!this.ema) return;
    tf.tidy(() => {
      for (const [n, v] of this.model.store.vars) {
        const s = this.ema!.get(n)!;
        const tmp = v.clone();
        v.assign(s);
        s.assign(tmp);
      }
    });
  }

  dispose(): void {
    this.optimizer.dispose();
    if (this.ema) for (const v of this.ema.values()) v.dispose();
  }
}

/** sum_i E_batch[ sum_elements max(KL_i,element, lambda / C_i) ]; C_i is the last (channel) axis of z_i. */
function elementFreeBits(klElements: (tf.Tensor | null)[], lambda: number): tf.Tensor {
  return tf.addN(
    klElements.map((t) => {
      const channels = t!.shape[t!.shape.length - 1]!;
      const perExample = tf.sum(tf.maximum(t!, lambda / channels), t!.shape.slice(1).map((_, a) => a + 1));
      return tf.mean(perExample);
    }),
  );
}

/** Running means of the step statistics, e.g. over an epoch. */
export class StepStatsMean {
  private n = 0;
  private loss = 0;
  private elbo = 0;
  private logPx = 0;
  private readonly kl: number[];

  constructor(numLatents: number) {
    this.kl = new Array<number>(numLatents).fill(0);
  }

  add(s: StepStats): void {
    this.n++;
    this.loss += s.loss;
    this.elbo += s.elbo;
    this.logPx += s.logPxGivenZ;
    s.kl.forEach((v, i) => (this.kl[i]! += v));
  }

  get count(): number {
    return this.n;
  }

  /** Means so far (zeros before the first step). */
  mean(): { loss: number; elbo: number; logPxGivenZ: number; kl: number[] } {
    const n = this.n || 1;
    return { loss: this.loss / n, elbo: this.elbo / n, logPxGivenZ: this.logPx / n, kl: this.kl.map((v) => v / n) };
  }
}
