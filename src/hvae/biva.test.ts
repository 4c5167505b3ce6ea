import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { bernoulliLogDensity, sumPerExample } from './likelihoods.ts';
import { Biva } from './biva.ts';
import { scoreAll } from './bounds.ts';
import { configByName, validateConfig, type BivaConfig } from './config.ts';
import { NoiseSource } from './noise.ts';
import { shardGradients } from './training.ts';

const TINY = configByName('biva-tiny-grey') as BivaConfig;

/** The draws of NoiseSource(seed), with `shift` added to the draws whose index `pick` selects; counts the draws. */
class ShiftedNoise extends NoiseSource {
  draws = 0;
  constructor(
    seed: number,
    private readonly pick: (draw: number) => boolean,
    private readonly shift = 3,
  ) {
    super(seed);
  }
  override normal(shape: number[]): tf.Tensor {
    const eps = super.normal(shape);
    return this.pick(this.draws++) ? tf.add(eps, this.shift) : eps;
  }
}

function pass(model: Biva, x: tf.Tensor4D, k: number, noise: NoiseSource, lowerLatents: 'mode' | 'sample' = 'mode') {
  tf.engine().startScope();
  try {
    const r = model.run(x, { k, lowerLatents, noise });
    return {
      latents: r.latents.map((z) => Array.from(z.dataSync())),
      kl: r.kl.map((t) => (t ? Array.from(t.dataSync()) : null)),
      logPx: Array.from(r.logPxGivenZ.dataSync()),
      logWeight: Array.from(r.logWeight.dataSync()),
    };
  } finally {
    tf.engine().endScope();
  }
}

const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('BIVA', () => {
  let model: Biva;
  let x: tf.Tensor4D;
  const L = TINY.stages.length;
  beforeAll(async () => {
    await initNodeBackend();
    model = new Biva(TINY, 1);
    x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 4), 0.75), 'float32')) as tf.Tensor4D;
    model.initialize(x);
  });

  it('has a BU and a TD latent per stage below the top: 2L - 1 latents, each with its stage', () => {
    expect(model.latentNames).toEqual(['z1 BU', 'z1 TD', 'z2 BU', 'z2 TD', 'z3']);
    expect(model.latentStages).toEqual([1, 1, 2, 2, 3]);
    expect(model.latentShapes).toEqual([[14, 14, 2], [14, 14, 2], [4], [4], [2]]);
    const r = tf.tidy(() => model.run(x, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(1) }).kl.length);
    expect(r).toBe(2 * L - 1);
  });

  it('takes every skip through a convolution: none is dropped for having the block shape', () => {
    const names = new Set(model.store.vars.keys());
    for (let i = 1; i <= L; i++) {
      expect(names, `TD path of stage ${i} sees b_${i}`).toContain(`stage${i}/td/block1/aux/v`);
      if (i > 1) expect(names, `BU path of stage ${i} sees [b, t] below`).toContain(`stage${i}/bu/block1/aux/v`);
      if (i < L) {
        expect(names, `merge of stage ${i} sees e_${i}`).toContain(`stage${i}/td/merge/aux/v`);
        expect(names, `generative stage ${i} sees stage ${i + 1}`).toContain(`stage${i}/p/block1/aux/v`);
      }
    }
  });

  it('refuses HVAE-only options and a single stage', () => {
    expect(() => validateConfig({ ...TINY, skip: false })).toThrow(/HVAE option/);
    expect(() => validateConfig({ ...TINY, referenceBlocks: true })).toThrow(/HVAE option/);
    expect(() => validateConfig({ ...TINY, stages: TINY.stages.slice(0, 1) })).toThrow(/two stages/);
  });

  it('k = 0 scored with a seed replays the training pass term by term', async () => {
    const s = await scoreAll(model, x, { samples: 1, lowerLatents: 'mode', seed: 11 });
    const r = pass(model, x, 0, new NoiseSource(11));
    s.klPerLayer.forEach((kl, j) => expect(maxDiff(Array.from(kl), r.kl[j]!), model.latentNames[j]).toBeLessThan(1e-3));
    expect(maxDiff(Array.from(s.bounds[0]!), r.logWeight)).toBeLessThan(1e-2);
    expect(maxDiff(Array.from(s.logPxGivenZ), r.logPx)).toBeLessThan(1e-2);
  });

  it('k = L with means is log p(x | the decoded prior means)', () => {
    const r = pass(model, x, L, new NoiseSource(5));
    expect(r.kl.every((t) => t === null)).toBe(true);
    const direct = tf.tidy(() => {
      const means = model.samplePrior(x.shape[0], new NoiseSource(null), 'mode');
      const logits = tf.log(tf.div(means, tf.sub(1, means)));
      return Array.from(sumPerExample(bernoulliLogDensity(x, logits)).dataSync());
    });
    r.logWeight.forEach((v, n) => expect(Math.abs(v - direct[n]!) / Math.abs(v)).toBeLessThan(1e-3));
  });

  // Draws of a k = 0 pass: z1 BU .. z_{L-1} BU upwards, z_L, then the TD halves downwards.
  const topDraw = L - 1;
  const tdDraw = (stage: number) => 2 * L - 1 - stage;

  it('moving the top latent moves the top-down posterior of z1 (its merge sees every latent above)', () => {
    const base = pass(model, x, 0, new ShiftedNoise(7, () => false));
    const moved = pass(model, x, 0, new ShiftedNoise(7, (d) => d === topDraw));
    expect(maxDiff(base.latents[4]!, moved.latents[4]!)).toBeGreaterThan(1);
    // Same noise for z1 TD: its sample moves only if q(z1 TD) moved.
    expect(maxDiff(base.latents[1]!, moved.latents[1]!)).toBeGreaterThan(1e-3);
    expect(maxDiff(base.latents[3]!, moved.latents[3]!)).toBeGreaterThan(1e-3);
    // The BU posteriors see only x and the BU latents below.
    expect(maxDiff(base.latents[0]!, moved.latents[0]!)).toBe(0);
    expect(maxDiff(base.latents[2]!, moved.latents[2]!)).toBe(0);
  });

  it('moving z1 TD changes no posterior at or above stage 1 other than its own sample', () => {
    const base = pass(model, x, 0, new ShiftedNoise(7, () => false));
    const moved = pass(model, x, 0, new ShiftedNoise(7, (d) => d === tdDraw(1)));
    expect(maxDiff(base.latents[1]!, moved.latents[1]!)).toBeGreaterThan(1);
    for (const j of [0, 2, 3, 4]) {
      expect(maxDiff(base.latents[j]!, moved.latents[j]!), model.latentNames[j]).toBe(0);
      expect(maxDiff(base.kl[j]!, moved.kl[j]!), model.latentNames[j]).toBe(0);
    }
  });

  it('moving z1 BU moves q(z2 BU) and q(z_L)', () => {
    const base = pass(model, x, 0, new ShiftedNoise(7, () => false));
    const moved = pass(model, x, 0, new ShiftedNoise(7, (d) => d === 0));
    expect(maxDiff(base.latents[2]!, moved.latents[2]!)).toBeGreaterThan(1e-3);
    expect(maxDiff(base.latents[4]!, moved.latents[4]!)).toBeGreaterThan(1e-3);
  });

  it('an L>k pass draws nothing for the BU latents below the cut, and their prior draws leave every term above unchanged', () => {
    for (let k = 1; k < L; k++) {
      const counted = new ShiftedNoise(3, () => false);
      pass(model, x, k, counted, 'mode');
      // Sampled: the BU and TD halves of stages k+1..L-1, and z_L.
      expect(counted.draws, `k=${k}`).toBe(2 * (L - 1 - k) + 1);
      const sampled = new ShiftedNoise(3, () => false);
      const base = pass(model, x, k, sampled, 'sample');
      const lowerDraws = sampled.draws - counted.draws;
      expect(lowerDraws).toBe(2 * k);
      const moved = pass(model, x, k, new ShiftedNoise(3, (d) => d >= counted.draws), 'sample');
      model.latentStages.forEach((stage, j) => {
        if (stage > k) expect(maxDiff(base.kl[j]!, moved.kl[j]!), `k=${k} ${model.latentNames[j]}`).toBe(0);
        else expect(base.kl[j]).toBeNull();
      });
      expect(maxDiff(base.logPx, moved.logPx)).toBeGreaterThan(1e-3);
    }
  });

  it('replicas equal scoring the tiled batch for every k', () => {
    for (let k = 0; k <= L; k++) {
      const [tiled, replicated] = tf.tidy(() => [
        model.run(tf.tile(x, [2, 1, 1, 1]) as tf.Tensor4D, { k, lowerLatents: 'sample', noise: new NoiseSource(5) }).logWeight.arraySync(),
        model.run(x, { k, lowerLatents: 'sample', noise: new NoiseSource(5), replicas: 2 }).logWeight.arraySync(),
      ]);
      expect(Math.abs(tiled[0]! - tiled[3]!)).toBeGreaterThan(1e-3);
      replicated.forEach((v, i) => expect(v, `k=${k} row ${i}`).toBeCloseTo(tiled[i]!, 3));
    }
  });

  it("applies 'layer' free bits to each of the 2L - 1 KL terms", () => {
    const lambda = 500;
    const g = shardGradients(model, x, 1, lambda, 'layer', 9);
    const kl = g.stats.slice(2);
    expect(kl).toHaveLength(2 * L - 1);
    // Every term is far below lambda / (2L - 1): the loss is -log p(x|z) + lambda.
    expect(Math.max(...kl)).toBeLessThan(lambda / (2 * L - 1));
    expect(g.loss).toBeCloseTo(-g.stats[1]! + lambda, 2);
  });

  it('lists every layer of the inference network, bottom first', () => {
    const names = tf.tidy(() => model.representations(x).map((r) => r.name));
    expect(names).toEqual(['bu1.1', 'z1 BU', 'td1.1', 'm1', 'z1 TD', 'bu2.1', 'z2 BU', 'td2.1', 'm2', 'z2 TD', 'bu3.1', 'td3.1', 'top', 'z3']);
  });
});
