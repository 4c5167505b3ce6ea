/**
 * Every score of the paper from one kind of pass (DESIGN "Numerics"):
 *   L>k_S  = log mean_s exp(log w_k^(s))          (k = 0 is the (IW-)ELBO)
 *   LLR>k_S = L>0_S - L>k_S                        (larger = more out-of-distribution)
 * in nats per example; bits/dim = -L / (D ln 2).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HierarchicalVae, LowerLatents } from './hierarchicalVae.ts';
import { NoiseSource } from './noise.ts';

export interface ScoreOptions {
  /** Importance samples S (>= 1). */
  samples: number;
  lowerLatents: LowerLatents;
  /** Seed of the noise; null scores deterministically with every latent at its mean. */
  seed: number | null;
  /** Largest number of rows (examples x samples x passes run together) in one call, to bound memory (default MAX_ROWS). */
  maxRows?: number;
  /** Also return, per k, the mean of p(x|z) of the first sample. */
  reconstructions?: boolean;
  /**
   * The k whose L>k to compute (default: every k); must hold 0, the ELBO every ratio needs. The
   * others are NaN: LLR>1 at large S needs only two of the L + 1 passes.
   */
  ks?: readonly number[];
  /** The l in 1..L whose L<l to compute as well (the paper's Appendix E); default none. */
  ls?: readonly number[];
}

export interface Scores {
  count: number;
  samples: number;
  /** bounds[k][n] = L>k_S of example n, nats. */
  bounds: Float64Array[];
  /** ratios[k][n] = LLR>k_S of example n, nats (ratios[0] is all zeros). */
  ratios: Float64Array[];
  /** boundsBelow[l][n] = L<l_S of example n, nats, for each l asked for in `ls`; null for the others. */
  boundsBelow: (Float64Array | null)[];
  /** klPerLayer[j][n]: mean over samples of log q - log p of latent j (the model's latentNames) in the ELBO pass. */
  klPerLayer: Float64Array[];
  /** Mean over samples of log p(x|z_1) in the ELBO pass. */
  logPxGivenZ: Float64Array;
  /** recon[k]: count*D values in [0,1] when requested. */
  reconstructions?: Float32Array[];
}

/**
 * Rows per pass by default: small-grey-paper's activations at 28x28 for 1,000 rows outgrow the
 * wasm heap (the pass holds every intermediate until its per-element terms are read out).
 */
export const MAX_ROWS = 500;

export function bitsPerDim(nats: number, dims: number): number {
  return -nats / (dims * Math.LN2);
}

/** Sums each of `rows` equal-length rows of a flat float32 array in float64. */
function rowSums(values: Float32Array, rows: number): Float64Array {
  const n = values.length / rows;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let i = r * n; i < (r + 1) * n; i++) acc += values[i]!;
    out[r] = acc;
  }
  return out;
}

function logMeanExpRows(values: Float64Array, samples: number, count: number): Float64Array {
  // values are laid out [sample][example]
  const out = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    let m = -Infinity;
    for (let s = 0; s < samples; s++) m = Math.max(m, values[s * count + n]!);
    if (!Number.isFinite(m)) {
      out[n] = m;
      continue;
    }
    let acc = 0;
    for (let s = 0; s < samples; s++) acc += Math.exp(values[s * count + n]! - m);
    out[n] = m + Math.log(acc / samples);
  }
  return out;
}

/**
 * Scores a batch x [N,H,W,C] for every k in 0..L with S importance samples. Samples are
 * processed in chunks of whole sample-replicas of the batch, so memory stays bounded for S = 1000.
 */
export async function scoreAll(model: HierarchicalVae, x: tf.Tensor4D, opts: ScoreOptions): Promise<Scores> {
  const S = opts.samples;
  if (!Number.isInteger(S) || S < 1) throw new Error(`samples must be a positive integer, got ${S}`);
  const N = x.shape[0];
  const L = model.numStages;
  const latents = model.latentNames.length;
  const maxRows = Math.max(N, opts.maxRows ?? MAX_ROWS);
  const perChunk = Math.max(1, Math.floor(maxRows / N));

  const ls = [...new Set(opts.ls ?? [])].sort((a, b) => a - b);
  if (ls.some((l) => !Number.isInteger(l) || l < 1 || l > L)) throw new Error(`ls must lie in 1..${L}, got ${ls.join(',')}`);
  const logw: Float64Array[] = Array.from({ length: L + 1 }, () => new Float64Array(S * N));
  const logwBelow = new Map(ls.map((l) => [l, new Float64Array(S * N)]));
  const kl: Float64Array[] = Array.from({ length: latents }, () => new Float64Array(N));
  const logPx = new Float64Array(N);
  const recon: Float32Array[] | undefined = opts.reconstructions ? [] : undefined;
  const ks = new Set(opts.ks ?? Array.from({ length: L + 1 }, (_, k) => k));
  if (!ks.has(0) || [...ks].some((k) => !Number.isInteger(k) || k < 0 || k > L)) throw new Error(`ks must hold 0 and lie in 0..${L}, got ${[...ks].join(',')}`);
  if (recon && ks.size < L + 1) throw new Error('reconstructions need every k');

  for (let k = 0; k <= L; k++) if (!ks.has(k)) logw[k]!.fill(NaN);
  // One pass per L>k, then one per L<l, each with its own noise stream seeded from the run's seed:
  // k = 0 replays exactly the ELBO pass.
  const noiseOf = (i: number) => new NoiseSource(opts.seed === null ? null : opts.seed + 7919 * i);
  let passes = [
    ...[...ks].sort((a, b) => a - b).map((k) => ({ k, l: L + 1, target: logw[k]!, noise: noiseOf(k) })),
    ...ls.map((l) => ({ k: 0, l, target: logwBelow.get(l)!, noise: noiseOf(L + l) })),
  ];
  for (let s0 = 0; s0 < S; s0 += perChunk) {
    const reps = Math.min(perChunk, S - s0);
    const rows = reps * N;
    // As many passes as maxRows allows run as one (runPasses: the mean encoder once, one generative
    // path on their stacked rows); every pass is queued before any result is read, so a GPU backend
    // syncs once per chunk, and each call's intermediates are freed as soon as it is queued.
    const perCall = Math.max(1, Math.floor(maxRows / rows));
    const outs: tf.Tensor[][] = [];
    for (let p0 = 0; p0 < passes.length; p0 += perCall) {
      const group = passes.slice(p0, p0 + perCall);
      const kept = tf.tidy(() =>
        model.runPasses(x, group, { lowerLatents: opts.lowerLatents, replicas: reps }).map((r) => {
          const keep: tf.Tensor[] = [r.logPxElements, ...r.klElements.filter((t): t is tf.Tensor => t !== null)];
          if (recon && s0 === 0) keep.push(tf.sigmoid(tf.slice(r.logits, 0, N)));
          return keep;
        }),
      );
      outs.push(...kept);
    }
    // Per-element terms leave tfjs and are summed here in float64 (see likelihoods.ts).
    const read = await Promise.all(outs.map((out) => Promise.all(out.map((t) => t.data())) as Promise<Float32Array[]>));
    outs.flat().forEach((t) => t.dispose());
    passes.forEach(({ k, l, target }, p) => {
      const data = read[p]!;
      const lp = rowSums(data[0]!, rows);
      const kept = model.latentStages.filter((stage) => stage > k && stage < l).length;
      const kls = data.slice(1, 1 + kept).map((d) => rowSums(d, rows));
      for (let j = 0; j < rows; j++) {
        let v = lp[j]!;
        for (const t of kls) v -= t[j]!;
        target[s0 * N + j] = v;
      }
      if (k === 0 && l > L) {
        for (let j = 0; j < rows; j++) logPx[j % N]! += lp[j]! / S;
        kls.forEach((t, i) => {
          for (let j = 0; j < rows; j++) kl[i]![j % N]! += t[j]! / S;
        });
      }
      if (recon && s0 === 0 && l > L) recon.push(Float32Array.from(data[1 + kept]!));
    });
    // A pass that drew no noise (k = L with the lower latents at their means) is the same for every
    // sample: its first sample fills the rest, and it runs no more.
    const drewNothing = (p: (typeof passes)[number]) => p.noise.calls === 0 && !(p.k === 0 && p.l > L);
    for (const { target } of passes.filter(drewNothing))
      for (let s = s0 + reps; s < S; s++) target.copyWithin(s * N, s0 * N, s0 * N + N);
    passes = passes.filter((p) => !drewNothing(p));
  }

  const bounds = logw.map((v) => logMeanExpRows(v, S, N));
  const elbo = bounds[0]!;
  const ratios = bounds.map((b) => elbo.map((e, n) => e - b[n]!));
  const boundsBelow = Array.from({ length: L + 1 }, (_, l) => {
    const v = logwBelow.get(l);
    return v ? logMeanExpRows(v, S, N) : null;
  });
  const result: Scores = { count: N, samples: S, bounds, ratios, boundsBelow, klPerLayer: kl, logPxGivenZ: logPx };
  if (recon) result.reconstructions = recon;
  return result;
}

/** Wraps N images of the model's input size, stored flat in [0,1], as a [N,H,W,C] tensor. */
export function imagesToTensor(images: Float32Array, count: number, shape: [number, number, number] = [28, 28, 1]): tf.Tensor4D {
  return tf.tensor4d(images.subarray(0, count * shape[0] * shape[1] * shape[2]), [count, ...shape]);
}

/** Scores many images in batches and joins the per-example results; reports progress after each batch. */
export async function scoreImages(
  model: HierarchicalVae,
  images: Float32Array,
  count: number,
  opts: ScoreOptions,
  batchSize = 250,
  onProgress?: (done: number) => void,
): Promise<Scores> {
  const D = model.dims;
  const L = model.numStages;
  const parts: Scores[] = [];
  for (let i = 0; i < count; i += batchSize) {
    const n = Math.min(batchSize, count - i);
    const x = imagesToTensor(images.subarray(i * D, (i + n) * D), n, model.config.inputShape);
    // Distinct noise per batch, reproducible from the caller's seed.
    const seed = opts.seed === null ? null : opts.seed + 104729 * (i / batchSize);
    try {
      parts.push(await scoreAll(model, x, { ...opts, seed }));
    } finally {
      x.dispose();
    }
    onProgress?.(i + n);
  }
  const join = (pick: (s: Scores) => Float64Array): Float64Array => {
    const out = new Float64Array(count);
    let off = 0;
    for (const p of parts) {
      out.set(pick(p), off);
      off += p.count;
    }
    return out;
  };
  const result: Scores = {
    count,
    samples: opts.samples,
    bounds: Array.from({ length: L + 1 }, (_, k) => join((s) => s.bounds[k]!)),
    ratios: Array.from({ length: L + 1 }, (_, k) => join((s) => s.ratios[k]!)),
    boundsBelow: Array.from({ length: L + 1 }, (_, l) => (parts[0]?.boundsBelow[l] ? join((s) => s.boundsBelow[l]!) : null)),
    klPerLayer: model.latentNames.map((_, i) => join((s) => s.klPerLayer[i]!)),
    logPxGivenZ: join((s) => s.logPxGivenZ),
  };
  return result;
}
