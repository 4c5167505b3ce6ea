/**
 * Weight-normalised layers (Salimans & Kingma, 2016) with data-dependent initialisation,
 * and the residual block of the paper's Appendix B.1: y = Conv(Act(Conv_s(Act(x)))) + x.
 * Parameters live in one named store so that weights io, optimisers and EMA see a flat map.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Shared by all layers of a model: the named variables and whether a forward pass initialises. */
export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();
  /** When true, weight-normalised layers set their gain and bias from the batch statistics. */
  initMode = false;
  /** When not null, layers add the multiply-add FLOPs (2 per MAC) of each call: for benchmarks. */
  flops: number | null = null;
  private seed: number;
  /** tfjs registers variables by a process-wide name, so each store gets its own prefix. */
  private readonly prefix: string;
  private static instances = 0;
  private readonly derivedCache = new Map<string, { sources: object[]; values: tf.Tensor[] }>();

  constructor(seed: number) {
    this.seed = seed;
    this.prefix = `hvae${ParamStore.instances++}`;
  }

  create(name: string, shape: number[], init: 'normal' | 'zeros' | 'ones'): tf.Variable {
    if (this.vars.has(name)) throw new Error(`Duplicate parameter ${name}`);
    const value =
      init === 'zeros' ? tf.zeros(shape) : init === 'ones' ? tf.ones(shape) : tf.randomNormal(shape, 0, 0.05, 'float32', this.seed++);
    const v = tf.variable(value, true, `${this.prefix}/${name}`);
    value.dispose();
    this.vars.set(name, v);
    return v;
  }

  /**
   * Tensors computed from variables alone (a layer's normalised kernel), kept between calls while
   * no gradient is recorded: tfjs gives a variable a new dataId whenever it is assigned (an
   * optimiser step, loaded weights), and a changed source computes them afresh. Under a gradient
   * tape and during initialisation they are always computed afresh, so gradients reach the variables.
   */
  derived(key: string, sources: tf.Variable[], compute: () => tf.Tensor[]): tf.Tensor[] {
    if (this.initMode || tf.engine().state.gradientDepth > 0) return compute();
    const ids = sources.map((v) => v.dataId);
    const hit = this.derivedCache.get(key);
    if (hit && hit.sources.every((id, i) => id === ids[i])) return hit.values;
    hit?.values.forEach(disposeDerived);
    const values = tf.tidy(compute).map((t) => tf.keep(t));
    this.derivedCache.set(key, { sources: ids, values });
    return values;
  }

  numParams(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    for (const d of this.derivedCache.values()) d.values.forEach(disposeDerived);
    this.derivedCache.clear();
  }
}

/** A derived value may be a variable itself (an untiled bias): that one belongs to the store's variables. */
function disposeDerived(t: tf.Tensor): void {
  if (!(t instanceof tf.Variable)) t.dispose();
}

/** The direction a layer resamples in: inference goes down, generation goes up. */
export type Resample = 'down' | 'up';

/** Normalises v per output unit (last axis) and applies the gain: w = g v / ||v||. */
function normalisedWeight(v: tf.Variable, g: tf.Tensor | null): tf.Tensor {
  const axes = v.shape.slice(0, -1).map((_, i) => i);
  const unit = tf.div(v, tf.sqrt(tf.add(tf.sum(tf.square(v), axes, true), 1e-12)));
  return g ? tf.mul(unit, g) : unit;
}

/** Sets gain and bias so the output has zero mean and `scale` std per unit over the batch. */
function dataDependentInit(pre: tf.Tensor, g: tf.Variable, b: tf.Variable, scale: number): tf.Tensor {
  const axes = pre.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(pre, axes);
  const gain = tf.div(scale, tf.sqrt(tf.add(variance, 1e-8)));
  g.assign(gain);
  b.assign(tf.neg(tf.mul(mean, gain)));
  return tf.mul(tf.sub(pre, mean), gain);
}

/**
 * How a convolution up-samples by s: 'subPixel' convolves to s*s*C channels with a free k x k
 * kernel and rearranges them into an s-times larger map; 'transposed' is a k x k transposed
 * convolution (the paper's code), computed the same way from a kernel whose s*s phases are tied
 * to one k x k x C_in x C kernel (tfjs's wasm transposed convolution is several times slower).
 */
export type UpKernel = 'subPixel' | 'transposed';

/**
 * Which taps of a k-tap transposed convolution (stride s, TF/'same' cropping) feed output phase a
 * from input offset d: tiedTaps[(u * s + a) * k + t] = 1 when tap t reaches phase a from offset
 * u - floor(k/2). Output p = s*i + a sums W[t] * in[q] over s*q + t - before = p.
 */
function tiedTaps(k: number, s: number): Float32Array {
  const before = Math.floor(Math.max(k - s, 0) / 2);
  const m = new Float32Array(k * s * k);
  for (let a = 0; a < s; a++) {
    for (let t = 0; t < k; t++) {
      const shift = t - a - before;
      if (shift % s !== 0) continue;
      const u = -shift / s + Math.floor(k / 2);
      if (u < 0 || u >= k) throw new Error(`a ${k}-tap transposed convolution with stride ${s} does not fit a ${k}-tap sub-pixel kernel`);
      m[(u * s + a) * k + t] = 1;
    }
  }
  return m;
}

/**
 * A weight-normalised 'same' convolution. Down-sampling uses the stride; up-sampling by s
 * convolves to s*s*C channels and rearranges them into an s-times larger map (sub-pixel
 * convolution), which runs on forward-conv kernels only (see UpKernel).
 */
export class WnConv {
  private readonly v: tf.Variable;
  private readonly g: tf.Variable;
  private readonly b: tf.Variable;
  private readonly outUnits: number;
  /**
   * For tied up-sampling: [n*n*s*s, k*k], taps of the sub-pixel kernel x phases from transposed
   * taps, over the n x n input offsets that some phase reads (2 x 2 for k = 3, s = 2, so the
   * sub-pixel convolution multiplies 16 taps per phase set rather than 36).
   */
  private readonly tied: { taps: Float32Array; window: number; padBefore: number; padAfter: number } | null = null;

  constructor(
    private readonly store: ParamStore,
    private readonly name: string,
    inChannels: number,
    private readonly outChannels: number,
    private readonly kernel: number,
    private readonly stride = 1,
    private readonly resample: Resample = 'down',
    private readonly initScale = 1,
    upKernel: UpKernel = 'subPixel',
  ) {
    const up = resample === 'up' && stride > 1;
    this.outUnits = up ? outChannels * stride * stride : outChannels;
    const tied = up && upKernel === 'transposed';
    this.v = store.create(`${name}/v`, [kernel, kernel, inChannels, tied ? outChannels : this.outUnits], 'normal');
    this.g = store.create(`${name}/g`, [tied ? outChannels : this.outUnits], 'ones');
    this.b = store.create(`${name}/b`, [tied ? outChannels : this.outUnits], 'zeros');
    if (tied) {
      const m1 = tiedTaps(kernel, stride);
      const k = kernel;
      const s = stride;
      const read = Array.from({ length: k }, (_, u) => m1.subarray(u * s * k, (u + 1) * s * k).some((x) => x !== 0));
      const first = read.indexOf(true);
      const n = read.lastIndexOf(true) - first + 1;
      // Rows (u, v, a, b) over the read offsets, columns (t, r): the 2-D selection is the product of the 1-D ones.
      const m = new Float32Array(n * n * s * s * k * k);
      for (let u = 0; u < n; u++)
        for (let v = 0; v < n; v++)
          for (let a = 0; a < s; a++)
            for (let b = 0; b < s; b++)
              for (let t = 0; t < k; t++)
                for (let r = 0; r < k; r++)
                  m[(((u * n + v) * s + a) * s + b) * k * k + t * k + r] = m1[((u + first) * s + a) * k + t]! * m1[((v + first) * s + b) * k + r]!;
      const centre = Math.floor(k / 2);
      this.tied = { taps: m, window: n, padBefore: centre - first, padAfter: first + n - 1 - centre };
    }
  }

  /** The kernel convolved: [k, k, C_in, outUnits]; tied kernels are expanded to their s*s phases over the read window. */
  private kernelOf(w: tf.Tensor): tf.Tensor4D {
    if (!this.tied) return w as tf.Tensor4D;
    const [k, , cin, cout] = w.shape as [number, number, number, number];
    const s = this.stride;
    const n = this.tied.window;
    const m = tf.tensor2d(this.tied.taps, [n * n * s * s, k * k]);
    const flat = tf.matMul(m, tf.reshape(w, [k * k, cin * cout]));
    // (u, v, a, b, cin, cout) -> (u, v, cin, a, b, cout): the phase-major channel order pixelShuffle reads.
    const six = tf.reshape(flat, [n, n, s, s, cin, cout]);
    return tf.reshape(tf.transpose(six, [0, 1, 4, 2, 3, 5]), [n, n, cin, s * s * cout]);
  }

  /** Stride-1 convolution with the expanded kernel; a tied window is padded to give 'same' output size. */
  private convolve(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number): tf.Tensor4D {
    if (!this.tied) return tf.conv2d(x, kernel, stride, 'same');
    const { padBefore: p0, padAfter: p1 } = this.tied;
    return tf.conv2d(tf.pad(x, [[0, 0], [p0, p1], [p0, p1], [0, 0]]), kernel, 1, 'valid');
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const downStride = this.resample === 'down' ? this.stride : 1;
    const up = this.resample === 'up' && this.stride > 1;
    if (this.store.flops !== null) {
      const [b, h, w, cin] = x.shape;
      const taps = this.tied ? this.tied.window : this.kernel;
      this.store.flops += 2 * b * Math.ceil(h / downStride) * Math.ceil(w / downStride) * taps * taps * cin * this.outUnits;
    }
    const shuffle = (y: tf.Tensor4D): tf.Tensor4D => (up ? pixelShuffle(y, this.stride, this.outChannels) : y);
    if (this.store.initMode) {
      const unit = this.kernelOf(normalisedWeight(this.v, null));
      // Tied kernels have one gain per output channel: their statistics are taken after the shuffle.
      if (this.tied) return dataDependentInit(shuffle(this.convolve(x, unit, 1)), this.g, this.b, this.initScale) as tf.Tensor4D;
      return shuffle(dataDependentInit(this.convolve(x, unit, downStride), this.g, this.b, this.initScale) as tf.Tensor4D);
    }
    const [w, bias] = this.store.derived(this.name, [this.v, this.g, this.b], () => [
      this.kernelOf(normalisedWeight(this.v, this.g)),
      this.tied ? tf.tile(this.b, [this.stride * this.stride]) : this.b,
    ]) as [tf.Tensor4D, tf.Tensor];
    return shuffle(tf.add(this.convolve(x, w, downStride), bias));
  }
}

/** [B,H,W,s*s*C] -> [B,H*s,W*s,C] with reshape/transpose only (both have gradients everywhere). */
function pixelShuffle(y: tf.Tensor4D, s: number, c: number): tf.Tensor4D {
  const [bsz, h, w] = y.shape;
  const r = tf.reshape(y, [bsz, h, w, s, s, c]);
  return tf.reshape(tf.transpose(r, [0, 1, 3, 2, 4, 5]), [bsz, h * s, w * s, c]);
}

export class WnDense {
  private readonly v: tf.Variable;
  private readonly g: tf.Variable;
  private readonly b: tf.Variable;

  constructor(
    private readonly store: ParamStore,
    private readonly name: string,
    inUnits: number,
    outUnits: number,
    private readonly initScale = 1,
  ) {
    this.v = store.create(`${name}/v`, [inUnits, outUnits], 'normal');
    this.g = store.create(`${name}/g`, [outUnits], 'ones');
    this.b = store.create(`${name}/b`, [outUnits], 'zeros');
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    if (this.store.flops !== null) this.store.flops += 2 * x.shape[0] * this.v.shape[0]! * this.v.shape[1]!;
    if (this.store.initMode) {
      const pre = tf.matMul(x, normalisedWeight(this.v, null) as tf.Tensor2D);
      return dataDependentInit(pre, this.g, this.b, this.initScale) as tf.Tensor2D;
    }
    const [w] = this.store.derived(this.name, [this.v, this.g], () => [normalisedWeight(this.v, this.g)]) as [tf.Tensor2D];
    return tf.add(tf.matMul(x, w), this.b);
  }
}

export type Shape3 = [number, number, number];

/** Spatial size after a block: 'same' down-sampling rounds up; up-sampling multiplies. */
export function resampledShape([h, w]: Shape3, channels: number, stride: number, resample: Resample): Shape3 {
  return resample === 'down' ? [Math.ceil(h / stride), Math.ceil(w / stride), channels] : [h * stride, w * stride, channels];
}

/** How a block is built: see HvaeConfig.gated and HvaeConfig.referenceBlocks. */
export interface BlockStyle {
  gated: boolean;
  reference: boolean;
  /** Reference blocks only: no shortcut and no input activation (a path's first block on z or x). */
  plain: boolean;
}

export const PLAIN_STYLE: BlockStyle = { gated: false, reference: false, plain: false };

type Shortcut = 'identity' | 'projection' | 'parameterFree' | 'none';

/**
 * Residual block y = Conv_s(Act(Conv(Act(x)) + Aux(Act(aux)))) + Shortcut(x). The auxiliary
 * input is how skip connections between latent layers enter a stage. The shortcut is the
 * identity when the shape is kept, else a 1x1 convolution with the block's resampling; with
 * reference blocks it has no parameters (see HvaeConfig.referenceBlocks). Gated, Conv_s has
 * twice the channels, a and b, and gives a * sigmoid(b).
 */
export class ResBlock {
  readonly outShape: Shape3;
  private readonly conv1: WnConv;
  private readonly conv2: WnConv;
  private readonly aux: WnConv | null;
  private readonly proj: WnConv | null;
  private readonly shortcut: Shortcut;

  constructor(
    store: ParamStore,
    name: string,
    private readonly inShape: Shape3,
    channels: number,
    kernel: number,
    private readonly stride: number,
    resample: Resample,
    auxShape: Shape3 | null,
    private readonly style: BlockStyle = PLAIN_STYLE,
  ) {
    this.outShape = resampledShape(inShape, channels, stride, resample);
    this.conv1 = new WnConv(store, `${name}/conv1`, inShape[2], channels, kernel);
    // A small initial scale keeps the residual stream's variance from growing with depth.
    const upKernel: UpKernel = style.reference ? 'transposed' : 'subPixel';
    this.conv2 = new WnConv(store, `${name}/conv2`, channels, style.gated ? 2 * channels : channels, kernel, stride, resample, style.reference ? 1 : 0.1, upKernel);
    const mid: Shape3 = [inShape[0], inShape[1], channels];
    const auxDropped = style.reference && auxShape !== null && auxShape.every((d, i) => d === mid[i]);
    this.aux = auxShape && !auxDropped ? auxConv(store, `${name}/aux`, auxShape, mid, kernel, upKernel) : null;
    const keepsShape = stride === 1 && inShape[2] === channels;
    if (!style.reference) this.shortcut = keepsShape ? 'identity' : 'projection';
    else if (style.plain || (resample === 'up' && stride > 1)) this.shortcut = 'none';
    else this.shortcut = keepsShape ? 'identity' : 'parameterFree';
    this.proj = this.shortcut === 'projection' ? new WnConv(store, `${name}/proj`, inShape[2], channels, 1, stride, resample) : null;
  }

  apply(x: tf.Tensor4D, aux: tf.Tensor4D | null): tf.Tensor4D {
    let y = this.conv1.apply(this.style.plain && this.style.reference ? x : tf.relu(x));
    if (this.aux && aux) y = tf.add(y, this.aux.apply(tf.relu(aux)));
    y = this.conv2.apply(tf.relu(y));
    if (this.style.gated) {
      const [a, b] = tf.split(y, 2, -1) as [tf.Tensor4D, tf.Tensor4D];
      y = tf.mul(a, tf.sigmoid(b));
    }
    switch (this.shortcut) {
      case 'none':
        return y;
      case 'identity':
        return tf.add(y, x);
      case 'projection':
        return tf.add(y, this.proj!.apply(x));
      case 'parameterFree':
        return tf.add(y, this.parameterFreeShortcut(x));
    }
  }

  /** Channels cut or zero-padded to the output's, then a 3x3 average pool (zeros counted) to down-sample. */
  private parameterFreeShortcut(x: tf.Tensor4D): tf.Tensor4D {
    const cIn = this.inShape[2];
    const cOut = this.outShape[2];
    let r = cOut < cIn ? tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, cOut]) : cOut > cIn ? tf.pad(x, [[0, 0], [0, 0], [0, 0], [0, cOut - cIn]]) : x;
    if (this.stride > 1) {
      const pads = this.inShape.slice(0, 2).map((n) => {
        const total = Math.max((Math.ceil(n / this.stride) - 1) * this.stride + 3 - n, 0);
        return [Math.floor(total / 2), total - Math.floor(total / 2)] as [number, number];
      });
      r = tf.avgPool(tf.pad(r, [[0, 0], pads[0]!, pads[1]!, [0, 0]]), 3, this.stride, 'valid');
    }
    return r;
  }
}

/** Brings an auxiliary feature map to a target shape: strided conv down, sub-pixel conv up, 1x1 otherwise. */
function auxConv(store: ParamStore, name: string, from: Shape3, to: Shape3, kernel: number, upKernel: UpKernel): WnConv {
  if (from[0] > to[0]) {
    const f = from[0] / to[0];
    if (!Number.isInteger(f)) throw new Error(`${name}: cannot resample ${from[0]} to ${to[0]}`);
    return new WnConv(store, name, from[2], to[2], kernel, f, 'down');
  }
  if (from[0] < to[0]) {
    const f = to[0] / from[0];
    if (!Number.isInteger(f)) throw new Error(`${name}: cannot resample ${from[0]} to ${to[0]}`);
    return new WnConv(store, name, from[2], to[2], kernel, f, 'up', 1, upKernel);
  }
  return new WnConv(store, name, from[2], to[2], 1);
}
