/**
 * The bottom-up hierarchical VAE of the paper (Section 5, Appendix B.1, Figure 4).
 * Inference q(z_1|x) q(z_2|z_1) .. q(z_L|z_{L-1}); generation p(z_L) p(z_{L-1}|z_L) .. p(x|z_1);
 * skip connections z_i -> z_{i+2} in both paths through the neighbouring stage's features.
 *
 * One pass, `run`, is behind every score: with k > 0 the lowest k latents are inferred as the
 * mean of q (a deterministic encoder below z_{k+1}) and generated from the conditional prior,
 * exactly as the L>k bound prescribes (Appendix D).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HvaeConfig } from './config.ts';
import { ParamStore, ResBlock, WnConv, type Shape3 } from './layers.ts';
import { bernoulliLogDensity, gaussianLogDensity, standardNormalLogDensity, sumPerExample, type Gaussian } from './likelihoods.ts';
import type { HierarchicalVae, LowerLatents, PassOptions, PassResult, PassSpec, SharedPassOptions } from './hierarchicalVae.ts';
import { NoiseSource } from './noise.ts';
import type { LayerRepresentation } from './representations.ts';
import { GaussianHead, LatentToMap, StackedPasses, inferenceShapes, initializeFromBatch, passResult, planPasses, skipSource } from './stageParts.ts';

interface Stage {
  qBlocks: ResBlock[];
  qHead: GaussianHead;
  /** Feeds z_i into the next stage's inference blocks. */
  qToMap: LatentToMap;
  /** p(z_i | d_{i+1}); null for the top stage whose prior is N(0, I). */
  pHead: GaussianHead | null;
  pToMap: LatentToMap;
  pBlocks: ResBlock[];
  latentShape: number[];
}

export class Hvae implements HierarchicalVae {
  readonly store: ParamStore;
  readonly stages: Stage[];
  private readonly output: WnConv;
  readonly numStages: number;
  readonly dims: number;
  readonly latentNames: string[];
  readonly latentStages: number[];
  readonly latentShapes: number[][];

  constructor(readonly config: HvaeConfig, seed = 0) {
    this.store = new ParamStore(seed);
    const store = this.store;
    const L = config.stages.length;
    this.numStages = L;
    this.dims = config.inputShape[0] * config.inputShape[1] * config.inputShape[2];

    const { inShapes, hShapes, zShapes } = inferenceShapes(config.inputShape, config.stages);

    const reference = config.referenceBlocks === true;
    const stages: Stage[] = [];
    for (const [i, s] of config.stages.entries()) {
      const name = `stage${i + 1}`;
      const auxQ = config.skip && i > 0 ? hShapes[i - 1]! : null;
      let shape = inShapes[i]!;
      const qBlocks = s.blocks.map((b, j) => {
        const aux = j === 0 || config.skipEveryBlock ? auxQ : null;
        const style = { gated: config.gated === true, reference, plain: i === 0 && j === 0 };
        const blk = new ResBlock(store, `${name}/q/block${j + 1}`, shape, b.channels, b.kernel, b.stride, 'down', aux, style);
        shape = blk.outShape;
        return blk;
      });
      const qHead = new GaussianHead(store, `${name}/q/latent`, hShapes[i]!, s.latent, reference);
      const mapShape: Shape3 = s.latent.kind === 'conv' ? (zShapes[i] as Shape3) : hShapes[i]!;
      const qToMap = new LatentToMap(store, `${name}/q/tomap`, s.latent, mapShape);
      stages.push({
        qBlocks,
        qHead,
        qToMap,
        pHead: null,
        pToMap: new LatentToMap(store, `${name}/p/tomap`, s.latent, mapShape),
        pBlocks: [],
        latentShape: zShapes[i]!,
      });
    }

    // Generative path, top-down: stage i decodes z_i to d_i, the input of p(z_{i-1} | d_i).
    const dShapes: Shape3[] = new Array<Shape3>(L);
    let aboveOutShapes: Shape3[] = [];
    for (let i = L - 1; i >= 0; i--) {
      const s = config.stages[i]!;
      const st = stages[i]!;
      let shape = st.pToMap.mapShape;
      const reversed = [...s.blocks].reverse();
      st.pBlocks = reversed.map((b, j) => {
        const aux = config.skip && i < L - 1 ? skipSource(aboveOutShapes, j, config.skipEveryBlock === true) : null;
        const style = { gated: config.gated === true, reference, plain: j === 0 };
        const blk = new ResBlock(store, `stage${i + 1}/p/block${j + 1}`, shape, b.channels, b.kernel, b.stride, 'up', aux, style);
        shape = blk.outShape;
        return blk;
      });
      aboveOutShapes = st.pBlocks.map((blk) => blk.outShape);
      dShapes[i] = shape;
      if (i < L - 1) st.pHead = new GaussianHead(store, `stage${i + 1}/p/latent`, dShapes[i + 1]!, s.latent, reference);
    }
    const d0 = dShapes[0]!;
    if (d0[0] !== config.inputShape[0] || d0[1] !== config.inputShape[1])
      throw new Error(`Generative path ends at ${d0[0]}x${d0[1]}, input is ${config.inputShape[0]}x${config.inputShape[1]}`);
    this.output = new WnConv(store, 'output', d0[2], config.inputShape[2], 3);
    this.stages = stages;
    this.latentNames = stages.map((_, i) => `z${i + 1}`);
    this.latentStages = stages.map((_, i) => i + 1);
    this.latentShapes = zShapes;
  }

  isInferenceParameter(name: string): boolean {
    return /^stage\d+\/q\//.test(name);
  }

  numParams(): number {
    return this.store.numParams();
  }

  /** The forward pass behind every bound (one pass of runPasses). */
  run(x: tf.Tensor4D, opts: PassOptions): PassResult {
    return this.runPasses(x, [opts], opts)[0]!;
  }

  runPasses(x: tf.Tensor4D, passes: readonly PassSpec[], shared: SharedPassOptions): PassResult[] {
    const L = this.numStages;
    const plans = planPasses(passes, shared, L);
    const sample = (d: Gaussian, noise: NoiseSource) => tf.add(d.mean, tf.mul(d.std, noise.normal(d.mean.shape)));

    // The encoder with every latent at q's mean, computed as far up as some pass needs it: below
    // its first sampled latent z_{k+1}, a pass's inference path is exactly this, once per image.
    const meanPath: { h: tf.Tensor4D; q: Gaussian }[] = [];
    const meanStage = (i: number) => {
      for (let j = meanPath.length; j <= i; j++) {
        const below = meanPath[j - 1];
        meanPath.push(this.encodeStage(j, below ? this.stages[j - 1]!.qToMap.apply(below.q.mean) : x, below?.h ?? null));
      }
      return meanPath[i]!;
    };

    // Each pass's sampled inference path, from z_{k+1} up to its first stage from the prior
    // (`top`); the copies of its replicas start there. A pass with no latent from q reads none.
    const inferred = plans.map(({ k, top, tile, noise }) => {
      const qs: Gaussian[] = [];
      const zq: tf.Tensor[] = [];
      let hPrev: tf.Tensor4D | null = null;
      for (let i = k; i < top; i++) {
        let stage: { h: tf.Tensor4D; q: Gaussian };
        if (i === k) {
          const m = meanStage(k);
          stage = { h: tile(m.h), q: { mean: tile(m.q.mean), std: tile(m.q.std) } };
        } else stage = this.encodeStage(i, this.stages[i - 1]!.qToMap.apply(zq[i - 1]!), hPrev);
        qs[i] = stage.q;
        zq[i] = sample(stage.q, noise);
        hPrev = stage.h;
      }
      return { qs, zq };
    });

    // Top-down generation on every pass's rows at once: z_i from the prior at and above l
    // (sampled), from q between, from the conditional prior at and below k.
    const xr = plans[0]!.tile(x);
    const rows = new StackedPasses(plans.length);
    const picked = plans.map(() => ({ latents: [] as tf.Tensor[], priors: [] as Gaussian[] }));
    const g = this.generate(xr.shape[0] * plans.length, (i, prior) => {
      const priors = rows.splitGaussian(prior);
      return rows.join(
        plans.map(({ k, top, noise }, n) => {
          const p = priors[n]!;
          const z = i >= top ? sample(p, noise) : i >= k ? inferred[n]!.zq[i]! : shared.lowerLatents === 'mode' ? p.mean : sample(p, noise);
          picked[n]!.latents[i] = z;
          picked[n]!.priors[i] = p;
          return z;
        }),
      );
    });
    const logits = rows.split(g.logits);
    return plans.map(({ k, top }, n) => {
      const { latents, priors } = picked[n]!;
      const klElements = latents.map((z, i) =>
        i >= k && i < top ? tf.sub(gaussianLogDensity(z, inferred[n]!.qs[i]!), this.logPrior(i, z, priors[i]!)) : null,
      );
      return passResult(xr, logits[n]!, latents, klElements);
    });
  }

  /** Stage i of the inference path: its blocks on `a` (with the stage below's features as skip input) and q(z_i | .). */
  private encodeStage(i: number, a: tf.Tensor4D, hPrev: tf.Tensor4D | null): { h: tf.Tensor4D; q: Gaussian } {
    const st = this.stages[i]!;
    let h = a;
    st.qBlocks.forEach((blk, j) => {
      h = blk.apply(h, j === 0 || this.config.skipEveryBlock ? hPrev : null);
    });
    return { h, q: st.qHead.apply(h) };
  }

  /**
   * The generative path. `pick(i, prior)` chooses z_i given its (conditional) prior; the top
   * prior is N(0, I). Returns the logits of p(x|z_1), the latents and each layer's prior.
   */
  private generate(batch: number, pick: (i: number, prior: Gaussian) => tf.Tensor): { logits: tf.Tensor4D; latents: tf.Tensor[]; priors: Gaussian[] } {
    const L = this.numStages;
    const latents: tf.Tensor[] = new Array<tf.Tensor>(L);
    const priors: Gaussian[] = new Array<Gaussian>(L);
    let d: tf.Tensor4D | null = null;
    // Outputs of the stage above's blocks: the skip connections into this stage's blocks.
    let aboveOuts: tf.Tensor4D[] = [];
    for (let i = L - 1; i >= 0; i--) {
      const st = this.stages[i]!;
      const prior: Gaussian =
        st.pHead && d ? st.pHead.apply(d) : { mean: tf.zeros([batch, ...st.latentShape]), std: tf.ones([batch, ...st.latentShape]) };
      const z = pick(i, prior);
      latents[i] = z;
      priors[i] = prior;
      let m = st.pToMap.apply(z);
      const outs: tf.Tensor4D[] = [];
      st.pBlocks.forEach((blk, j) => {
        m = blk.apply(m, skipSource(aboveOuts, j, this.config.skipEveryBlock === true));
        outs.push(m);
      });
      aboveOuts = outs;
      d = m;
    }
    return { logits: this.output.apply(tf.relu(d!)), latents, priors };
  }

  /** log p(z_i | z_{i+1}) element by element, or log N(z_L; 0, I) at the top. */
  private logPrior(i: number, z: tf.Tensor, prior: Gaussian): tf.Tensor {
    return i === this.numStages - 1 ? standardNormalLogDensity(z) : gaussianLogDensity(z, prior);
  }

  /**
   * Every layer of the inference network, bottom to top: each residual block's output (`b<stage>.<block>`)
   * and each latent's posterior mean (`z<i>`), every latent at its mean as in the pass with k = L.
   * The caller owns the tensors (wrap in tf.tidy).
   */
  representations(x: tf.Tensor4D): LayerRepresentation[] {
    const out: LayerRepresentation[] = [];
    let a: tf.Tensor4D = x;
    let hPrev: tf.Tensor4D | null = null;
    for (const [i, st] of this.stages.entries()) {
      let h = a;
      st.qBlocks.forEach((blk, j) => {
        h = blk.apply(h, j === 0 || this.config.skipEveryBlock ? hPrev : null);
        out.push({ name: `b${i + 1}.${j + 1}`, latent: false, tensor: h });
      });
      const mean = st.qHead.apply(h).mean;
      out.push({ name: `z${i + 1}`, latent: true, tensor: mean });
      a = st.qToMap.apply(mean);
      hPrev = h;
    }
    return out;
  }

  /** Samples x-means from the prior: z_L ~ N(0, I), lower latents sampled or at the conditional mean. */
  samplePrior(n: number, noise: NoiseSource, lowerLatents: LowerLatents = 'sample'): tf.Tensor4D {
    return tf.tidy(() => {
      const g = this.generate(n, (i, prior) =>
        lowerLatents === 'mode' && i < this.numStages - 1
          ? prior.mean
          : tf.add(prior.mean, tf.mul(prior.std, noise.normal(prior.mean.shape))),
      );
      return tf.sigmoid(g.logits);
    });
  }

  /**
   * log p(x, z) for given latents (bottom first): log p(x|z_1) + sum_i log p(z_i|z_{i+1}).
   * Used to integrate p(x) exactly in tests of the bounds.
   */
  logJoint(x: tf.Tensor4D, latents: tf.Tensor[]): tf.Tensor1D {
    return tf.tidy(() => {
      const g = this.generate(x.shape[0], (i) => latents[i]!);
      let lp = sumPerExample(bernoulliLogDensity(x, g.logits));
      g.latents.forEach((z, i) => (lp = tf.add(lp, sumPerExample(this.logPrior(i, z, g.priors[i]!)))));
      return lp;
    });
  }

  /** Data-dependent initialisation of every weight-normalised layer from one batch. */
  initialize(x: tf.Tensor4D, seed = 1): void {
    initializeFromBatch(this.store, () => void this.run(x, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(seed) }));
  }

  dispose(): void {
    this.store.dispose();
  }
}
