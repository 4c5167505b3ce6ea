/**
 * Fast Conv2D gradients for the wasm backend, composed from kernels it has (Conv2D, Transpose,
 * StridedSlice, Slice, Reverse, Pack). wasm has no Conv2DBackpropFilter at all, and its
 * Conv2DBackpropInput is several times slower than its forward convolution. The gradient registry
 * is global, so the override dispatches on the active backend and keeps tfjs's own gradient
 * everywhere else.
 */
import * as tf from '@tensorflow/tfjs-core';

type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/** The NHWC paddings tf.conv2d accepts. */
export type ConvPad = 'same' | 'valid' | number | ExplicitPad;

/**
 * Padding before the first window on each spatial axis, given the output size: tfjs's 'same' puts
 * the odd extra row/column at the bottom/right. Whatever padding follows the last window is
 * implied by the output size, so it need not be known.
 */
function leadingPads(pad: ConvPad, inSize: [number, number], kernel: [number, number], strides: [number, number], outSize: [number, number]): [number, number] {
  if (pad === 'valid') return [0, 0];
  if (typeof pad === 'number') return [pad, pad];
  if (pad === 'same') {
    const before = (i: 0 | 1) => Math.floor(Math.max((outSize[i] - 1) * strides[i] + kernel[i] - inSize[i], 0) / 2);
    return [before(0), before(1)];
  }
  return [pad[1][0], pad[2][0]];
}

/**
 * Crops negative margins and returns the remaining (non-negative) ones as a conv2d padding,
 * or null when the crop leaves nothing, i.e. no window overlaps the data.
 */
function cropForConv(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): [tf.Tensor4D, ExplicitPad] | null {
  const [b, h, w, c] = t.shape;
  const ct = Math.max(-top, 0);
  const cl = Math.max(-left, 0);
  const ch = h - ct - Math.max(-bottom, 0);
  const cw = w - cl - Math.max(-right, 0);
  if (ch <= 0 || cw <= 0) return null;
  const cropped = ch === h && cw === w ? t : tf.slice(t, [0, ct, cl, 0], [b, ch, cw, c]);
  return [cropped, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]]];
}

/**
 * dW[i,j,ci,co] = sum over b, oh, ow of xpad[b, oh*sh+i, ow*sw+j, ci] * dy[b, oh, ow, co].
 * That is itself a forward convolution: the channels of x act as the batch, the batch as the input
 * channels, and dy is the filter, dilated by the stride. wasm runs it at about the speed of the
 * forward pass, over ten times faster than one strided slice and matMul per kernel offset.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], strides: [number, number], pad: ConvPad): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w, cin] = x.shape;
    const [, ho, wo, cout] = dy.shape;
    const [kh, kw] = filterShape;
    const [sh, sw] = strides;
    const [top, left] = leadingPads(pad, [h, w], [kh, kw], strides, [ho, wo]);
    // Rows and columns the last window reaches past the input (negative: input it never reads).
    const bottom = (ho - 1) * sh + kh - h - top;
    const right = (wo - 1) * sw + kw - w - left;
    const prepared = cropForConv(tf.transpose(x, [3, 1, 2, 0]), top, bottom, left, right);
    if (prepared === null) return tf.zeros([kh, kw, cin, cout]);
    const [xt, padding] = prepared;
    const out = tf.conv2d(xt, tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D, 1, padding, 'NHWC', [sh, sw]);
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/** How one spatial axis of dx splits into `stride` interleaved phases, each a stride-1 convolution. */
interface AxisPhases {
  /** Outputs per phase; the interleaved result has count * stride entries. */
  count: number;
  /** Where dx starts in the interleaved result. */
  offset: number;
  /** Per phase: filter taps that reach it, and the padding of dy before and after. */
  phases: { taps: number; before: number; after: number }[];
}

/**
 * With the input index h written as h + lead = m * stride + r, output position o reaches h through
 * filter tap i = (m - o) * stride + r, so phase r of dx is a stride-1 correlation of dy with the
 * taps r, r + stride, ... reversed. Phase outputs m = m0 .. m0 + count - 1, m0 = floor(lead/stride).
 */
function axisPhases(inSize: number, outSize: number, kernel: number, stride: number, lead: number): AxisPhases {
  const m0 = Math.floor(lead / stride);
  const offset = lead - m0 * stride;
  const count = Math.ceil((inSize + offset) / stride);
  const phases = [];
  for (let r = 0; r < stride; r++) {
    const taps = r < kernel ? Math.floor((kernel - 1 - r) / stride) + 1 : 0;
    const before = taps - 1 - m0;
    phases.push({ taps, before, after: count + taps - 1 - outSize - before });
  }
  return { count, offset, phases };
}

/**
 * dx as stride*stride stride-1 convolutions of dy with sub-filters, interleaved by a reshape. For
 * stride 1 this is the familiar convolution with the flipped, in/out-swapped filter; for stride s it
 * does the work of the forward pass instead of s*s times that for dy dilated with zeros.
 */
export function conv2dInputGrad(xShape: [number, number, number, number], dy: tf.Tensor4D, filter: tf.Tensor4D, strides: [number, number], pad: ConvPad): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, cin] = xShape;
    const [, ho, wo] = dy.shape;
    const [kh, kw, , cout] = filter.shape;
    const [sh, sw] = strides;
    const [top, left] = leadingPads(pad, [h, w], [kh, kw], strides, [ho, wo]);
    const rows = axisPhases(h, ho, kh, sh, top);
    const cols = axisPhases(w, wo, kw, sw, left);
    const grid = rows.phases.map((pr, r) =>
      cols.phases.map((pc, c) => {
        const prepared = pr.taps > 0 && pc.taps > 0 ? cropForConv(dy, pr.before, pr.after, pc.before, pc.after) : null;
        if (prepared === null) return tf.zeros([b, rows.count, cols.count, cin]) as tf.Tensor4D;
        const sub = tf.stridedSlice(filter, [r, c, 0, 0], [kh, kw, cin, cout], [sh, sw, 1, 1]);
        const flipped = tf.transpose(tf.reverse(sub, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        return tf.conv2d(prepared[0], flipped, 1, prepared[1]);
      }),
    );
    if (sh === 1 && sw === 1) return grid[0]![0]!;
    // [B, rows, sh, cols, sw, Cin] is dx in row-major order once the phase axes sit after their positions.
    const interleaved = tf.stack(grid.map((row) => tf.stack(row, 3)), 2);
    const full = tf.reshape(interleaved, [b, rows.count * sh, cols.count * sw, cin]);
    return tf.slice(full, [0, rows.offset, cols.offset, 0], [b, h, w, cin]) as tf.Tensor4D;
  });
}

let fallback: tf.GradConfig | undefined;

const fastConv2DGrad: tf.GradConfig['gradFunc'] = (dy, saved, attrs) => {
  const a = attrs as unknown as tf.Conv2DAttrs;
  const dilations = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations;
  if (tf.getBackend() !== 'wasm' || a.dataFormat !== 'NHWC' || dilations.some((d) => d !== 1)) return fallback!.gradFunc(dy, saved, attrs);
  const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
  const strides: [number, number] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
  const pad = a.pad as ConvPad;
  const g = dy as tf.Tensor4D;
  return {
    x: () => conv2dInputGrad(x.shape, g, filter, strides, pad),
    filter: () => conv2dFilterGrad(x, g, filter.shape, strides, pad),
  };
};

/**
 * Installs the override over whatever Conv2D gradient is registered (tfjs's own, which must be
 * registered first and stays in use off wasm). Idempotent, and re-installs itself if tfjs's
 * gradients were registered again since.
 */
export function registerFastConvGradients(): void {
  const current = tf.getGradient('Conv2D');
  if (current?.gradFunc === fastConv2DGrad) return;
  if (!current) throw new Error("tfjs's gradients are not registered; import them before calling registerFastConvGradients()");
  fallback = current;
  tf.registerGradient({ kernelName: 'Conv2D', inputsToSave: ['x', 'filter'], gradFunc: fastConv2DGrad });
}
