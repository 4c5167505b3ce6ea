import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import type { HvaeConfig } from './config.ts';
import { Hvae } from './model.ts';
import { NoiseSource } from './noise.ts';
import { scoreAll } from './bounds.ts';
import { Trainer } from './training.ts';
import { configByName } from './config.ts';
import { createModel } from './createModel.ts';
import type { HierarchicalVae } from './hierarchicalVae.ts';

/**
 * Two scalar latents over a 4x4 binary image: log p(x) = log ∫∫ p(x|z1) p(z1|z2) p(z2) dz1 dz2
 * is integrated on a fine grid with the model's own generative path, so every bound can be
 * checked against the exact marginal likelihood.
 */
const EXACT: HvaeConfig = {
  name: 'exact-test',
  inputShape: [4, 4, 1],
  likelihood: 'bernoulli',
  skip: true,
  stages: [
    { blocks: [{ channels: 4, kernel: 3, stride: 1 }], latent: { kind: 'dense', units: 1 } },
    { blocks: [{ channels: 4, kernel: 3, stride: 1 }], latent: { kind: 'dense', units: 1 } },
  ],
};

const X_VALUES = [
  [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1],
  [0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0],
  [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
];

function exactLogPx(model: Hvae, x: number[], h = 0.1, lo = -15): number {
  const n = Math.round((-2 * lo) / h) + 1;
  const z1: number[] = [];
  const z2: number[] = [];
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    z1.push(lo + a * h);
    z2.push(lo + b * h);
  }
  const lj = tf.tidy(() => {
    const xs = tf.tile(tf.tensor4d(x, [1, 4, 4, 1]), [n * n, 1, 1, 1]) as tf.Tensor4D;
    const j = model.logJoint(xs, [tf.tensor2d(z1, [n * n, 1]), tf.tensor2d(z2, [n * n, 1])]);
    return tf.add(tf.logSumExp(j), Math.log(h * h));
  });
  const v = lj.dataSync()[0]!;
  lj.dispose();
  return v;
}

/**
 * Mean over `reps` seeds of one bound for example 0 (L>k, or L<l when `l` is given), and the
 * standard error of that mean.
 */
async function meanBound(model: Hvae, x: tf.Tensor4D, samples: number, k: number, reps: number, seed0: number, l?: number): Promise<{ mean: number; se: number }> {
  const v: number[] = [];
  for (let r = 0; r < reps; r++) {
    const s = await scoreAll(model, x, { samples, lowerLatents: 'sample', seed: seed0 + r, ls: l === undefined ? [] : [l] });
    v.push(l === undefined ? s.bounds[k]![0]! : s.boundsBelow[l]![0]!);
  }
  const mean = v.reduce((a, b) => a + b, 0) / reps;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1);
  return { mean, se: Math.sqrt(variance / reps) };
}

describe('bounds against the exact marginal likelihood', () => {
  let model: Hvae;
  beforeAll(async () => {
    await initNodeBackend();
    model = new Hvae(EXACT, 11);
    // Fit the three images first, so q is a reasonable proposal and the IW averages settle quickly.
    const xs = tf.tile(tf.tensor4d(X_VALUES.flat(), [3, 4, 4, 1]), [8, 1, 1, 1]) as tf.Tensor4D;
    const trainer = new Trainer(model, { learningRate: 3e-3, seed: 3 });
    for (let i = 0; i < 100; i++) trainer.step(xs, 1, 0);
    trainer.dispose();
    xs.dispose();
  });

  it('the grid integral is converged: a finer, wider grid changes it by < 1e-3 nats', () => {
    for (const xv of X_VALUES) {
      const reference = exactLogPx(model, xv);
      expect(reference).toBeLessThan(0);
      expect(Math.abs(exactLogPx(model, xv, 0.075, -18) - reference)).toBeLessThan(1e-3);
    }
  });

  for (const [i, xv] of X_VALUES.entries()) {
    it(`example ${i}: ELBO, L>1, L>2, L<1, L<2 stay below log p(x); the IW bound rises towards it with S`, async () => {
      const logPx = exactLogPx(model, xv);
      const x = tf.tensor4d(xv, [1, 4, 4, 1]);
      const elbo = await meanBound(model, x, 1, 0, 300, 100);
      const l1 = await meanBound(model, x, 1, 1, 300, 200);
      const l2 = await meanBound(model, x, 1, 2, 300, 300);
      const below1 = await meanBound(model, x, 1, 0, 100, 400, 1);
      const below2 = await meanBound(model, x, 1, 0, 100, 500, 2);
      for (const b of [elbo, l1, l2, below1, below2]) expect(b.mean + 3 * b.se).toBeLessThan(logPx);
      // The IW weights are heavy-tailed here (a standard deviation of 0.1-0.3 nats per estimate at
      // S = 1000), so every comparison allows three standard errors of the means compared.
      const iw = [];
      for (const S of [1, 10, 100, 1000]) iw.push(await meanBound(model, x, S, 0, S >= 1000 ? 20 : 30, 1000 * S));
      for (let j = 1; j < iw.length; j++) expect(iw[j]!.mean).toBeGreaterThan(iw[j - 1]!.mean - 3 * Math.hypot(iw[j]!.se, iw[j - 1]!.se));
      // Still a bound in expectation at S = 1000, and tighter than S = 1.
      expect(iw[3]!.mean - 3 * iw[3]!.se).toBeLessThan(logPx);
      expect(iw[3]!.mean).toBeGreaterThan(iw[0]!.mean);
      // L>k_S converges to log p(x) as S grows: the proposals differ, the target does not. With
      // the prior as proposal for the lower latents (k >= 1) every region is visited, so 20000
      // samples land within a tenth of a nat; q alone (k = 0) may miss some posterior mass, and
      // its single estimate keeps some of the heavy tail (about 3 standard deviations allowed).
      const many = await scoreAll(model, x, { samples: 20000, lowerLatents: 'sample', seed: 77, ls: [1, 2] });
      expect(many.bounds[0]![0]!).toBeLessThan(logPx + 0.15);
      expect(many.bounds[0]![0]!).toBeGreaterThan(iw[0]!.mean);
      for (let k = 1; k <= 2; k++) expect(Math.abs(many.bounds[k]![0]! - logPx)).toBeLessThan(0.1);
      // L<1 proposes every latent from the prior and converges like L>k; L<2 keeps q(z1|x), which,
      // like the ELBO's q, may miss some posterior mass.
      expect(Math.abs(many.boundsBelow[1]![0]! - logPx)).toBeLessThan(0.1);
      expect(many.boundsBelow[2]![0]!).toBeLessThan(logPx + 0.15);
      expect(many.boundsBelow[2]![0]!).toBeGreaterThan(below2.mean);
      x.dispose();
    });
  }
});

describe('scoreAll', () => {
  let model: Hvae;
  const tiny: HvaeConfig = {
    name: 'tiny-test',
    inputShape: [28, 28, 1],
    likelihood: 'bernoulli',
    skip: true,
    stages: [
      { blocks: [{ channels: 4, kernel: 3, stride: 2 }], latent: { kind: 'conv', channels: 2, kernel: 3 } },
      { blocks: [{ channels: 4, kernel: 3, stride: 2 }], latent: { kind: 'dense', units: 3 } },
      { blocks: [{ channels: 4, kernel: 3, stride: 1 }], latent: { kind: 'dense', units: 2 } },
    ],
  };
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await initNodeBackend();
    model = new Hvae(tiny, 5);
    x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([6, 28, 28, 1], 0, 1, 'float32', 3), 0.8), 'float32')) as tf.Tensor4D;
    model.initialize(x);
  });

  it('L>0 equals the ELBO of a direct pass under the same noise, and LLR>0 is 0', async () => {
    const s = await scoreAll(model, x, { samples: 1, lowerLatents: 'mode', seed: 42 });
    const direct = tf.tidy(() => model.run(x, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(42) }).logWeight);
    const d = await direct.data();
    direct.dispose();
    for (let n = 0; n < 6; n++) {
      // Float32 sums inside tfjs vs float64 sums in scoreAll: equal to float32 rounding; other noise would differ by nats.
      expect(Math.abs(s.bounds[0]![n]! - d[n]!)).toBeLessThan(1e-2);
      expect(s.ratios[0]![n]).toBe(0);
    }
  });

  it('returns every k with the right shapes, LLR>k = L>0 - L>k, and per-k reconstructions', async () => {
    const s = await scoreAll(model, x, { samples: 3, lowerLatents: 'mode', seed: 1, reconstructions: true });
    expect(s.bounds).toHaveLength(4);
    expect(s.ratios).toHaveLength(4);
    expect(s.klPerLayer).toHaveLength(3);
    for (let k = 0; k <= 3; k++) {
      expect(s.bounds[k]).toHaveLength(6);
      for (let n = 0; n < 6; n++) expect(s.ratios[k]![n]!).toBeCloseTo(s.bounds[0]![n]! - s.bounds[k]![n]!, 9);
      expect(s.reconstructions![k]).toHaveLength(6 * 784);
      expect(s.reconstructions![k]!.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    // The ELBO decomposes into reconstruction and KL terms (S = 1 keeps it exact).
    const s1 = await scoreAll(model, x, { samples: 1, lowerLatents: 'mode', seed: 9 });
    for (let n = 0; n < 6; n++) {
      const kl = s1.klPerLayer.reduce((a, t) => a + t[n]!, 0);
      expect(s1.bounds[0]![n]!).toBeCloseTo(s1.logPxGivenZ[n]! - kl, 2);
    }
  });

  it('is deterministic with a null seed, whether or not samples are split into chunks', async () => {
    const a = await scoreAll(model, x, { samples: 1, lowerLatents: 'mode', seed: null });
    const whole = await scoreAll(model, x, { samples: 8, lowerLatents: 'mode', seed: null });
    const chunked = await scoreAll(model, x, { samples: 8, lowerLatents: 'mode', seed: null, maxRows: 12 });
    for (let k = 0; k <= 3; k++)
      for (let n = 0; n < 6; n++) {
        expect(whole.bounds[k]![n]!).toBeCloseTo(a.bounds[k]![n]!, 3);
        expect(chunked.bounds[k]![n]!).toBeCloseTo(a.bounds[k]![n]!, 3);
      }
  });

  it('runs a pass that draws no noise (k = L, lower latents at their means) once, and gives every sample its value', async () => {
    const asked: number[][] = [];
    const runPasses = model.runPasses.bind(model);
    model.runPasses = (xs, passes, opts) => {
      asked.push(passes.map((p) => p.k));
      return runPasses(xs, passes, opts);
    };
    const many = await scoreAll(model, x, { samples: 30, lowerLatents: 'mode', seed: 4, maxRows: 12 }).finally(() => {
      model.runPasses = runPasses;
    });
    // Two replicas of the 6 images per chunk, one pass per call: 15 chunks of k = 0..2, one of k = 3.
    expect(asked.flat().filter((k) => k === 3)).toHaveLength(1);
    expect(asked.flat().filter((k) => k === 1)).toHaveLength(15);
    const one = await scoreAll(model, x, { samples: 1, lowerLatents: 'mode', seed: 9 });
    for (let n = 0; n < 6; n++) {
      expect(many.bounds[3]![n]!).toBeCloseTo(one.bounds[3]![n]!, 3);
      expect(Math.abs(many.bounds[1]![n]! - one.bounds[1]![n]!)).toBeGreaterThan(1e-3);
    }
  });

  it('computes only the asked k: those equal the full computation, the others are NaN', async () => {
    const all = await scoreAll(model, x, { samples: 4, lowerLatents: 'mode', seed: 5 });
    const some = await scoreAll(model, x, { samples: 4, lowerLatents: 'mode', seed: 5, ks: [0, 2] });
    for (let n = 0; n < 6; n++) {
      expect(some.bounds[0]![n]).toBe(all.bounds[0]![n]);
      expect(some.bounds[2]![n]).toBe(all.bounds[2]![n]);
      expect(some.ratios[2]![n]).toBe(all.ratios[2]![n]);
      expect(some.bounds[1]![n]).toBeNaN();
      expect(some.bounds[3]![n]).toBeNaN();
    }
    await expect(scoreAll(model, x, { samples: 1, lowerLatents: 'mode', seed: 1, ks: [1, 2] })).rejects.toThrow(/hold 0/);
    await expect(scoreAll(model, x, { samples: 1, lowerLatents: 'mode', seed: 1, ks: [0, 4] })).rejects.toThrow(/0\.\.3/);
  });

  it('rejects k out of range and bad sample counts', async () => {
    expect(() => tf.tidy(() => {
      model.run(x, { k: 4, lowerLatents: 'mode', noise: new NoiseSource(1) });
    })).toThrow(/k must be/);
    await expect(scoreAll(model, x, { samples: 0, lowerLatents: 'mode', seed: 1 })).rejects.toThrow(/samples/);
  });

  it('samples from the prior have the input shape and lie in [0, 1]', () => {
    const s = model.samplePrior(4, new NoiseSource(3));
    expect(s.shape).toEqual([4, 28, 28, 1]);
    const v = s.dataSync();
    expect(v.every((p) => p >= 0 && p <= 1)).toBe(true);
    s.dispose();
  });
});

describe.each(['tiny-grey', 'biva-tiny-grey'])('%s: the L<l pass', (name) => {
  let model: HierarchicalVae;
  let x: tf.Tensor4D;
  beforeAll(async () => {
    await initNodeBackend();
    model = createModel(configByName(name), 4);
    x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 9), 0.7), 'float32')) as tf.Tensor4D;
    model.initialize(x, 2);
  });

  const values = (t: tf.Tensor | null) => (t ? Array.from(t.dataSync()) : null);
  /** Runs f in a tfjs scope that frees every tensor it made, keeping the plain values it returns. */
  function scoped<T>(f: () => T): T {
    tf.engine().startScope();
    try {
      return f();
    } finally {
      tf.engine().endScope();
    }
  }

  it('l = 1 draws every latent from the prior: the decoded x is samplePrior under the same noise, and no KL term is left', () => {
    const r = scoped(() => {
      const p = model.run(x, { k: 0, l: 1, lowerLatents: 'mode', noise: new NoiseSource(5) });
      return { mean: values(tf.sigmoid(p.logits)), kl: p.kl.map(values), logWeight: values(p.logWeight), logPx: values(p.logPxGivenZ) };
    });
    const prior = scoped(() => values(model.samplePrior(3, new NoiseSource(5), 'sample')));
    expect(r.mean).toEqual(prior);
    expect(r.kl.every((t) => t === null)).toBe(true);
    expect(r.logWeight).toEqual(r.logPx);
  });

  it('l = L + 1 is the ELBO pass; for l in 1..L the latents below l are q samples and only their KL terms are kept', () => {
    const L = model.numStages;
    const pass = (l: number | undefined) =>
      scoped(() => {
        const p = model.run(x, { k: 0, l, lowerLatents: 'mode', noise: new NoiseSource(6) });
        return { kl: p.kl.map(values), latents: p.latents.map(values), logWeight: values(p.logWeight) };
      });
    const elbo = pass(undefined);
    expect(pass(L + 1)).toEqual(elbo);
    for (let l = 1; l <= L; l++) {
      const r = pass(l);
      model.latentStages.forEach((stage, j) => {
        expect(r.kl[j] === null, `${model.latentNames[j]} at l = ${l}`).toBe(stage >= l);
      });
      // q's first draw is the lowest latent's (z1, or z1 BU), whatever lies above: the ELBO pass's own.
      if (l > 1) expect(r.latents[0]).toEqual(elbo.latents[0]);
    }
  });

  it('refuses l with k > 0 and l out of range', () => {
    const L = model.numStages;
    for (const opts of [{ k: 1, l: 1 }, { k: 0, l: 0 }, { k: 0, l: L + 2 }])
      expect(() => tf.tidy(() => void model.run(x, { ...opts, lowerLatents: 'mode', noise: new NoiseSource(1) }))).toThrow(/l must|k must be 0/);
  });
});
