/**
 * BIVA, the bidirectional-inference VAE (Maaloe et al., 2019), as ../shared/paper/biva.md specifies.
 * Stage i < L holds z_i = (z_i^BU, z_i^TD); the top stage holds z_L alone: 2L - 1 latents.
 *
 *   BU path   b_i = F^BU_i(u_{i-1}; skip [b_{i-1}, t_{i-1}]),   q(z_i^BU | b_i),   u_i = map(z_i^BU)
 *   TD path   t_i = F^TD_i(t_{i-1}; skip b_i)                  (deterministic, separate weights)
 *   top       q(z_L | M^top([b_L, t_L]))
 *   generate  e_{i-1} = G_i(map([z_i^TD, z_i^BU]); skips from G_{i+1}),   p(z_i^BU | e_i), p(z_i^TD | e_i)
 *   TD merge  q(z_i^TD | M_i(t_i; skip e_i)): the top-down posterior sees every latent above
 *
 * Every skip enters through a convolution (biva.md trap 1: a dropped merge skip would cut q(z_i^TD)
 * off from z_{>i}). L>k counts stages: both halves of stages <= k come from the conditional prior,
 * and below the cut the BU path runs on q's means, so the proposal above the cut depends on x alone
 * (biva.md section 3.2).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BivaConfig, LatentConfig } from './config.ts';
import { ParamStore, ResBlock, WnConv, type BlockStyle, type Shape3 } from './layers.ts';
import { bernoulliLogDensity, gaussianLogDensity, standardNormalLogDensity, sumPerExample, type Gaussian } from './likelihoods.ts';
import type { HierarchicalVae, LowerLatents, PassOptions, PassResult, PassSpec, SharedPassOptions } from './hierarchicalVae.ts';
import type { LayerRepresentation } from './representations.ts';
import { NoiseSource } from './noise.ts';
import { GaussianHead, LatentToMap, StackedPasses, inferenceShapes, initializeFromBatch, passResult, planPasses, skipSource } from './stageParts.ts';

interface BivaStage {
  buBlocks: ResBlock[];
  tdBlocks: ResBlock[];
  /** q(z_i^BU | b_i) and the map feeding z_i^BU to the next stage; null at the top. */
  qBu: GaussianHead | null;
  buToMap: LatentToMap | null;
  /** M_i and q(z_i^TD | M_i(t_i; e_i)); null at the top. */
  tdMerge: ResBlock | null;
  qTd: GaussianHead | null;
  /** p(z_i^BU | e_i), p(z_i^TD | e_i); null at the top, whose prior is N(0, I). */
  pBu: GaussianHead | null;
  pTd: GaussianHead | null;
  pToMap: LatentToMap;
  pBlocks: ResBlock[];
}

/** One stage of both inference paths: b_i, t_i and q(z_i^BU | b_i) (null at the top). */
interface EncodedStage {
  b: tf.Tensor4D;
  t: tf.Tensor4D;
  q: Gaussian | null;
}

/** The latents a stage passes to generation, in the KL list's order: [BU, TD] below the top, [z_L] at it. */
type PickLatents = (stage: number, priors: Gaussian[], e: tf.Tensor4D | null) => tf.Tensor[];

/** Doubles a latent's size: the generative path reads [z^TD, z^BU] concatenated on the last axis. */
function pairOf(latent: LatentConfig): LatentConfig {
  return latent.kind === 'conv' ? { ...latent, channels: 2 * latent.channels } : { kind: 'dense', units: 2 * latent.units };
}

export class Biva implements HierarchicalVae {
  readonly store: ParamStore;
  readonly numStages: number;
  readonly dims: number;
  /** One entry per latent, in the order of PassResult.kl: z1 BU, z1 TD, z2 BU, .., zL. */
  readonly latentNames: string[];
  /** The stage (1-based) of each latent: L>k takes the latents of stages <= k from the prior. */
  readonly latentStages: number[];
  readonly latentShapes: number[][];
  private readonly stages: BivaStage[];
  private readonly topMerge: ResBlock;
  private readonly qTop: GaussianHead;
  private readonly output: WnConv;

  constructor(readonly config: BivaConfig, seed = 0) {
    this.store = new ParamStore(seed);
    const store = this.store;
    const L = config.stages.length;
    if (L < 2) throw new Error('BIVA needs at least two stages');
    this.numStages = L;
    this.dims = config.inputShape[0] * config.inputShape[1] * config.inputShape[2];
    const style: BlockStyle = { gated: config.gated === true, reference: false, plain: false };

    // The BU path's shapes; b_i and t_i share hShapes[i].
    const { inShapes: buInShapes, hShapes, zShapes } = inferenceShapes(config.inputShape, config.stages);

    const inference = config.stages.map((s, i) => {
      const name = `stage${i + 1}`;
      const top = i === L - 1;
      const prev = i > 0 ? hShapes[i - 1]! : null;
      const buSkip: Shape3 | null = prev ? [prev[0], prev[1], 2 * prev[2]] : null;
      let shape = buInShapes[i]!;
      const buBlocks = s.blocks.map((b, j) => {
        const blk = new ResBlock(store, `${name}/bu/block${j + 1}`, shape, b.channels, b.kernel, b.stride, 'down', buSkip, style);
        shape = blk.outShape;
        return blk;
      });
      const mapShape: Shape3 = s.latent.kind === 'conv' ? (zShapes[i] as Shape3) : hShapes[i]!;
      const qBu = top ? null : new GaussianHead(store, `${name}/q_bu/latent`, hShapes[i]!, s.latent);
      const buToMap = top ? null : new LatentToMap(store, `${name}/q_bu/tomap`, s.latent, mapShape);
      shape = prev ?? [...config.inputShape];
      const tdBlocks = s.blocks.map((b, j) => {
        const blk = new ResBlock(store, `${name}/td/block${j + 1}`, shape, b.channels, b.kernel, b.stride, 'down', hShapes[i]!, style);
        shape = blk.outShape;
        return blk;
      });
      return { buBlocks, qBu, buToMap, tdBlocks };
    });
    const hTop = hShapes[L - 1]!;
    const lastKernel = config.stages[L - 1]!.blocks.at(-1)!.kernel;
    this.topMerge = new ResBlock(store, 'top/merge', [hTop[0], hTop[1], 2 * hTop[2]], hTop[2], lastKernel, 1, 'down', null, style);
    this.qTop = new GaussianHead(store, 'top/q/latent', hTop, config.stages[L - 1]!.latent);

    // Generative path, top-down; e_i (the output of stage i+1's blocks) feeds the priors of stage i
    // and the merge of its top-down posterior.
    const generation = new Array<Pick<BivaStage, 'pToMap' | 'pBlocks' | 'pBu' | 'pTd' | 'tdMerge' | 'qTd'>>(L);
    const eShapes: Shape3[] = new Array<Shape3>(L);
    let aboveOutShapes: Shape3[] = [];
    for (let i = L - 1; i >= 0; i--) {
      const s = config.stages[i]!;
      const name = `stage${i + 1}`;
      const top = i === L - 1;
      const latent = top ? s.latent : pairOf(s.latent);
      const mapShape: Shape3 = latent.kind === 'conv' ? [hShapes[i]![0], hShapes[i]![1], latent.channels] : hShapes[i]!;
      const pToMap = new LatentToMap(store, `${name}/p/tomap`, latent, mapShape);
      let shape = mapShape;
      const pBlocks = [...s.blocks].reverse().map((b, j) => {
        const blk = new ResBlock(store, `${name}/p/block${j + 1}`, shape, b.channels, b.kernel, b.stride, 'up', skipSource(aboveOutShapes, j, true), style);
        shape = blk.outShape;
        return blk;
      });
      aboveOutShapes = pBlocks.map((blk) => blk.outShape);
      eShapes[i] = shape;
      if (top) {
        generation[i] = { pToMap, pBlocks, pBu: null, pTd: null, tdMerge: null, qTd: null };
        continue;
      }
      const e = eShapes[i + 1]!;
      const h = hShapes[i]!;
      generation[i] = {
        pToMap,
        pBlocks,
        pBu: new GaussianHead(store, `${name}/p_bu/latent`, e, s.latent),
        pTd: new GaussianHead(store, `${name}/p_td/latent`, e, s.latent),
        tdMerge: new ResBlock(store, `${name}/td/merge`, h, h[2], s.blocks[0]!.kernel, 1, 'down', e, style),
        qTd: new GaussianHead(store, `${name}/q_td/latent`, h, s.latent),
      };
    }
    this.stages = inference.map((inf, i) => ({ ...inf, ...generation[i]! }));
    const e0 = eShapes[0]!;
    if (e0[0] !== config.inputShape[0] || e0[1] !== config.inputShape[1])
      throw new Error(`Generative path ends at ${e0[0]}x${e0[1]}, input is ${config.inputShape[0]}x${config.inputShape[1]}`);
    this.output = new WnConv(store, 'output', e0[2], config.inputShape[2], 3);

    this.latentNames = [];
    this.latentStages = [];
    this.latentShapes = [];
    for (let i = 0; i < L; i++) {
      const halves = i === L - 1 ? [''] : [' BU', ' TD'];
      for (const h of halves) {
        this.latentNames.push(`z${i + 1}${h}`);
        this.latentStages.push(i + 1);
        this.latentShapes.push(zShapes[i]!);
      }
    }
  }

  /** Everything but the generative path (p, p_bu, p_td and the output layer): both inference paths and their merges. */
  isInferenceParameter(name: string): boolean {
    return !/\/p(_bu|_td)?\//.test(name) && !/^output(\/|$)/.test(name);
  }

  numParams(): number {
    return this.store.numParams();
  }

  /** The pass behind every bound (one pass of runPasses); k counts stages, both halves. */
  run(x: tf.Tensor4D, opts: PassOptions): PassResult {
    return this.runPasses(x, [opts], opts)[0]!;
  }

  runPasses(x: tf.Tensor4D, passes: readonly PassSpec[], shared: SharedPassOptions): PassResult[] {
    const L = this.numStages;
    const plans = planPasses(passes, shared, L);
    const sample = (d: Gaussian, noise: NoiseSource): tf.Tensor => tf.add(d.mean, tf.mul(d.std, noise.normal(d.mean.shape)));

    // Both inference paths with every BU latent at q's mean, computed as far up as some pass needs
    // them: below stage k+1 a pass's paths are exactly these, once per image.
    const meanPath: EncodedStage[] = [];
    const meanStage = (i: number): EncodedStage => {
      for (let j = meanPath.length; j <= i; j++) {
        const below = meanPath[j - 1];
        meanPath.push(
          below
            ? this.encodeStage(j, this.stages[j - 1]!.buToMap!.apply(below.q!.mean), below.t, tf.concat([below.b, below.t], -1) as tf.Tensor4D)
            : this.encodeStage(0, x, x, null),
        );
      }
      return meanPath[i]!;
    };

    // Each pass's sampled inference, from stage k+1 up to its first stage from the prior (`top`);
    // the copies of its replicas start there. A pass with no latent from q reads none.
    const inferred = plans.map(({ k, top, tile, noise }) => {
      const ts: tf.Tensor4D[] = [];
      const qBu: Gaussian[] = [];
      const zBu: tf.Tensor[] = [];
      let skip: tf.Tensor4D | null = null;
      for (let i = k; i < top; i++) {
        let stage: EncodedStage;
        if (i === k) {
          const m = meanStage(k);
          stage = { b: tile(m.b), t: tile(m.t), q: m.q && { mean: tile(m.q.mean), std: tile(m.q.std) } };
        } else stage = this.encodeStage(i, this.stages[i - 1]!.buToMap!.apply(zBu[i - 1]!), ts[i - 1]!, skip);
        ts[i] = stage.t;
        if (stage.q) {
          qBu[i] = stage.q;
          zBu[i] = sample(stage.q, noise);
        }
        skip = tf.concat([stage.b, stage.t], -1) as tf.Tensor4D;
      }
      const qTop = k < top && top === L ? this.qTop.apply(this.topMerge.apply(skip!, null)) : null;
      return { ts, qBu, zBu, qTop, zTop: qTop ? sample(qTop, noise) : null };
    });

    // Generation on every pass's rows at once; each pass picks from its own rows.
    const xr = plans[0]!.tile(x);
    const rows = new StackedPasses(plans.length);
    const picked = plans.map(() => ({ latents: [] as tf.Tensor[], priors: [] as Gaussian[], qs: [] as (Gaussian | null)[] }));
    const pick = (n: number, i: number, priors: Gaussian[], e: tf.Tensor4D | null): tf.Tensor[] => {
      const { k, top, noise } = plans[n]!;
      const { qs } = picked[n]!;
      const inf = inferred[n]!;
      if (i >= top) {
        qs.push(...priors.map(() => null));
        if (priors.length === 1) return [sample(priors[0]!, noise)];
        // TD drawn before BU, as samplePrior and the L>k pass draw them.
        const td = sample(priors[1]!, noise);
        return [sample(priors[0]!, noise), td];
      }
      if (i === L - 1) {
        qs.push(inf.qTop);
        return [inf.zTop ?? this.lowerPick(priors[0]!, shared.lowerLatents, noise)];
      }
      if (i < k) {
        qs.push(null, null);
        const td = this.lowerPick(priors[1]!, shared.lowerLatents, noise);
        return [this.lowerPick(priors[0]!, shared.lowerLatents, noise), td];
      }
      const st = this.stages[i]!;
      const q = st.qTd!.apply(st.tdMerge!.apply(inf.ts[i]!, e));
      qs.push(inf.qBu[i]!, q);
      return [inf.zBu[i]!, sample(q, noise)];
    };
    const g = this.generate(xr.shape[0] * plans.length, (i, priors, e) => {
      const priorParts = priors.map((p) => rows.splitGaussian(p));
      const eParts = e ? rows.split(e) : null;
      const chosen = plans.map((_, n) => {
        const own = priorParts.map((parts) => parts[n]!);
        const zs = pick(n, i, own, eParts ? eParts[n]! : null);
        picked[n]!.latents.push(...zs);
        picked[n]!.priors.push(...own);
        return zs;
      });
      return chosen[0]!.map((_, j) => rows.join(chosen.map((zs) => zs[j]!)));
    });
    const logits = rows.split(g.logits);
    return plans.map((_, n) => {
      // Gathered top-down, stage by stage; latents are bottom first.
      const latents = this.bottomFirst(picked[n]!.latents);
      const priors = this.bottomFirst(picked[n]!.priors);
      const qs = this.bottomFirst(picked[n]!.qs);
      const klElements = latents.map((z, j) => {
        const q = qs[j];
        return q ? tf.sub(gaussianLogDensity(z, q), this.logPrior(j, z, priors[j]!)) : null;
      });
      return passResult(xr, logits[n]!, latents, klElements);
    });
  }

  /** Stage i of both inference paths: b_i from u (skip: the stage below's [b, t]), t_i from t (skip: b_i), and q(z_i^BU | b_i) below the top. */
  private encodeStage(i: number, u: tf.Tensor4D, t: tf.Tensor4D, skip: tf.Tensor4D | null): EncodedStage {
    const st = this.stages[i]!;
    let b = u;
    for (const blk of st.buBlocks) b = blk.apply(b, skip);
    let td = t;
    for (const blk of st.tdBlocks) td = blk.apply(td, b);
    return { b, t: td, q: st.qBu ? st.qBu.apply(b) : null };
  }

  /** A latent below the cut: the conditional prior's mean or a sample of it. */
  private lowerPick(prior: Gaussian, lowerLatents: LowerLatents, noise: NoiseSource): tf.Tensor {
    return lowerLatents === 'mode' ? prior.mean : tf.add(prior.mean, tf.mul(prior.std, noise.normal(prior.mean.shape)));
  }

  /** Reorders per-stage lists gathered top-down ([z_L], [BU_{L-1}, TD_{L-1}], ..) to the latent order. */
  private bottomFirst<T>(topDown: T[]): T[] {
    const out: T[] = [];
    let end = topDown.length;
    for (let i = 0; i < this.numStages; i++) {
      const n = i === this.numStages - 1 ? 1 : 2;
      out.push(...topDown.slice(end - n, end));
      end -= n;
    }
    return out;
  }

  /**
   * The generative path. `pick(i, priors, e_i)` returns stage i's latents ([BU, TD], or [z_L]) given
   * their priors ([p_BU, p_TD], or [N(0, I)]) and the features e_i they are read from.
   */
  private generate(batch: number, pick: PickLatents): { logits: tf.Tensor4D; latents: tf.Tensor[]; priors: Gaussian[] } {
    const L = this.numStages;
    const latentsTopDown: tf.Tensor[] = [];
    const priorsTopDown: Gaussian[] = [];
    let e: tf.Tensor4D | null = null;
    let aboveOuts: tf.Tensor4D[] = [];
    for (let i = L - 1; i >= 0; i--) {
      const st = this.stages[i]!;
      const priors: Gaussian[] =
        st.pBu && st.pTd && e
          ? [st.pBu.apply(e), st.pTd.apply(e)]
          : [{ mean: tf.zeros([batch, ...this.latentShapes.at(-1)!]), std: tf.ones([batch, ...this.latentShapes.at(-1)!]) }];
      const zs = pick(i, priors, e);
      priorsTopDown.push(...priors);
      latentsTopDown.push(...zs);
      // The generative path reads [z^TD, z^BU] (biva.md trap 7).
      let m = st.pToMap.apply(zs.length === 2 ? tf.concat([zs[1]!, zs[0]!], -1) : zs[0]!);
      const outs: tf.Tensor4D[] = [];
      st.pBlocks.forEach((blk, j) => {
        m = blk.apply(m, skipSource(aboveOuts, j, true));
        outs.push(m);
      });
      aboveOuts = outs;
      e = m;
    }
    return { logits: this.output.apply(tf.relu(e!)), latents: this.bottomFirst(latentsTopDown), priors: this.bottomFirst(priorsTopDown) };
  }

  /** log p(z_j | z_{>stage}) element by element, or log N(z_L; 0, I) for the top latent. */
  private logPrior(j: number, z: tf.Tensor, prior: Gaussian): tf.Tensor {
    return j === this.latentNames.length - 1 ? standardNormalLogDensity(z) : gaussianLogDensity(z, prior);
  }

  /** x-means from the prior: z_L ~ N(0, I), lower latents sampled or at their conditional means. */
  samplePrior(n: number, noise: NoiseSource, lowerLatents: LowerLatents = 'sample'): tf.Tensor4D {
    return tf.tidy(() => {
      const g = this.generate(n, (i, priors) => {
        if (i === this.numStages - 1) return [tf.add(priors[0]!.mean, tf.mul(priors[0]!.std, noise.normal(priors[0]!.mean.shape)))];
        const td = this.lowerPick(priors[1]!, lowerLatents, noise);
        return [this.lowerPick(priors[0]!, lowerLatents, noise), td];
      });
      return tf.sigmoid(g.logits);
    });
  }

  /** log p(x, z) for given latents in the KL list's order. */
  logJoint(x: tf.Tensor4D, latents: tf.Tensor[]): tf.Tensor1D {
    return tf.tidy(() => {
      const topDown = this.topDownOf(latents);
      const g = this.generate(x.shape[0], () => topDown.shift()!);
      let lp = sumPerExample(bernoulliLogDensity(x, g.logits));
      g.latents.forEach((z, j) => (lp = tf.add(lp, sumPerExample(this.logPrior(j, z, g.priors[j]!)))));
      return lp;
    });
  }

  /** Groups latents (bottom first) per stage, top stage first: the order generate's pick returns them in. */
  private topDownOf(latents: tf.Tensor[]): tf.Tensor[][] {
    const groups: tf.Tensor[][] = [];
    for (let i = 0; i < this.numStages - 1; i++) groups.unshift([latents[2 * i]!, latents[2 * i + 1]!]);
    groups.unshift([latents[2 * (this.numStages - 1)]!]);
    return groups;
  }

  /**
   * The inference network's layers with every latent at its posterior mean, stage by stage from
   * the bottom: the BU blocks (bu<i>.<j>), z_i BU, the TD blocks (td<i>.<j>), the merge m_i that
   * brings in the latents above, z_i TD; at the top the merge of both paths and z_L.
   */
  representations(x: tf.Tensor4D): LayerRepresentation[] {
    const L = this.numStages;
    const perStage: LayerRepresentation[][] = this.stages.map(() => []);
    let u: tf.Tensor4D = x;
    let t: tf.Tensor4D = x;
    let skip: tf.Tensor4D | null = null;
    const ts: tf.Tensor4D[] = [];
    const zBu: tf.Tensor[] = [];
    for (const [i, st] of this.stages.entries()) {
      const out = perStage[i]!;
      let b = u;
      st.buBlocks.forEach((blk, j) => {
        b = blk.apply(b, skip);
        out.push({ name: `bu${i + 1}.${j + 1}`, latent: false, tensor: b });
      });
      if (st.qBu) {
        const mean = st.qBu.apply(b).mean;
        out.push({ name: `z${i + 1} BU`, latent: true, tensor: mean });
        zBu.push(mean);
        u = st.buToMap!.apply(mean);
      }
      st.tdBlocks.forEach((blk, j) => {
        t = blk.apply(t, b);
        out.push({ name: `td${i + 1}.${j + 1}`, latent: false, tensor: t });
      });
      ts.push(t);
      skip = tf.concat([b, t], -1) as tf.Tensor4D;
    }
    const g = this.topMerge.apply(skip!, null);
    const zTop = this.qTop.apply(g).mean;
    perStage[L - 1]!.push({ name: 'top', latent: false, tensor: g }, { name: `z${L}`, latent: true, tensor: zTop });
    this.generate(x.shape[0], (i, _priors, e) => {
      if (i === L - 1) return [zTop];
      const st = this.stages[i]!;
      const m = st.tdMerge!.apply(ts[i]!, e);
      const mean = st.qTd!.apply(m).mean;
      perStage[i]!.push({ name: `m${i + 1}`, latent: false, tensor: m }, { name: `z${i + 1} TD`, latent: true, tensor: mean });
      return [zBu[i]!, mean];
    });
    return perStage.flat();
  }

  /** Data-dependent initialisation of every weight-normalised layer from one batch. */
  initialize(x: tf.Tensor4D, seed = 1): void {
    initializeFromBatch(this.store, () => void this.run(x, { k: 0, lowerLatents: 'mode', noise: new NoiseSource(seed) }));
  }

  dispose(): void {
    this.store.dispose();
  }
}
