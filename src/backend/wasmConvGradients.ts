/**
 * Fast Conv2D gradients for the wasm backend, composed from kernels it has (conv2d, matMul,
 * stridedSlice, pad). wasm has no Conv2DBackpropFilter at all, and its Conv2DBackpropInput is
 * far slower than its forward convolution. The gradient registry is global, so the override
 * dispatches on the active backend and keeps tfjs's own kernels everywhere else.
 */
import * as tf from '@tensorflow/tfjs-core';

type Pad = 'same' | 'valid' | number;

interface ConvGeometry {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ho: number;
  wo: number;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** tfjs's padding convention: 'same' puts the odd extra row/column at the bottom/right. */
export function convGeometry(h: number, w: number, kh: number, kw: number, sh: number, sw: number, pad: Pad): ConvGeometry {
  if (pad === 'same') {
    const ho = Math.ceil(h / sh);
    const wo = Math.ceil(w / sw);
    const ph = Math.max((ho - 1) * sh + kh - h, 0);
    const pw = Math.max((wo - 1) * sw + kw - w, 0);
    const top = Math.floor(ph / 2);
    const left = Math.floor(pw / 2);
    return { kh, kw, sh, sw, ho, wo, top, left, bottom: ph - top, right: pw - left };
  }
  const p = pad === 'valid' ? 0 : pad;
  const ho = Math.floor((h + 2 * p - kh) / sh) + 1;
  const wo = Math.floor((w + 2 * p - kw) / sw) + 1;
  return { kh, kw, sh, sw, ho, wo, top: p, left: p, bottom: p, right: p };
}

type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/**
 * dW[i,j,ci,co] = sum over batch and output positions of xpad[b, o*s+i, .., ci] * dy[b, o, .., co].
 * That is itself a forward convolution: channels of x act as the batch, the batch as input
 * channels, dy as a (Ho x Wo) filter dilated by the stride. wasm's forward conv runs it at
 * several times the speed of any slice-and-matMul formulation.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], strides: [number, number], pad: Pad): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const [kh, kw] = filterShape;
    const g = convGeometry(h, w, kh, kw, strides[0], strides[1], pad);
    const xt = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
    const f = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    // Pad so the output is exactly kh x kw; windows never read past what the forward pass read.
    const bottom = (g.ho - 1) * g.sh + kh - h - g.top;
    const right = (g.wo - 1) * g.sw + kw - w - g.left;
    let input = xt;
    if (bottom < 0 || right < 0) {
      input = tf.slice(xt, [0, 0, 0, 0], [xt.shape[0], h + Math.min(bottom, 0), w + Math.min(right, 0), xt.shape[3]]);
    }
    const explicit: ExplicitPad = [[0, 0], [g.top, Math.max(bottom, 0)], [g.left, Math.max(right, 0)], [0, 0]];
    const out = tf.conv2d(input, f, 1, explicit, 'NHWC', [g.sh, g.sw]);
    return tf.transpose(out, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** Inserts s-1 zeros between rows (and columns) without a scatter: pad a new axis, then merge it. */
function dilate(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  let out = t;
  const [b, h, w, c] = t.shape;
  if (sh > 1) {
    const r = tf.pad(tf.reshape(out, [b, h, 1, w, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, 0]]);
    out = tf.slice(tf.reshape(r, [b, h * sh, w, c]), [0, 0, 0, 0], [b, (h - 1) * sh + 1, w, c]) as tf.Tensor4D;
  }
  if (sw > 1) {
    const [b2, h2, w2, c2] = out.shape;
    const r = tf.pad(tf.reshape(out, [b2, h2, w2, 1, c2]), [[0, 0], [0, 0], [0, 0], [0, sw - 1], [0, 0]]);
    out = tf.slice(tf.reshape(r, [b2, h2, w2 * sw, c2]), [0, 0, 0, 0], [b2, h2, (w2 - 1) * sw + 1, c2]) as tf.Tensor4D;
  }
  return out;
}

/** Pads (positive) or crops (negative) the two spatial axes. */
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const padded = tf.pad(t, [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ]);
  const [b, h, w, c] = padded.shape;
  const ct = Math.max(-top, 0);
  const cl = Math.max(-left, 0);
  return tf.slice(padded, [0, ct, cl, 0], [b, h - ct - Math.max(-bottom, 0), w - cl - Math.max(-right, 0), c]);
}

/**
 * dx as a stride-1 'valid' convolution of the zero-dilated, padded dy with the spatially flipped,
 * in/out-swapped filter: dx[h] = sum_i dy_dilated[h + top - i] W[i].
 */
export function conv2dInputGrad(xShape: [number, number, number, number], dy: tf.Tensor4D, filter: tf.Tensor4D, strides: [number, number], pad: Pad): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = xShape;
    const [kh, kw] = filter.shape;
    const g = convGeometry(h, w, kh, kw, strides[0], strides[1], pad);
    const dyd = dilate(dy, g.sh, g.sw);
    const top = kh - 1 - g.top;
    const left = kw - 1 - g.left;
    const bottom = h + kh - 1 - dyd.shape[1] - top;
    const right = w + kw - 1 - dyd.shape[2] - left;
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    // The convolution pads for free; only a negative margin needs an explicit crop.
    if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0)
      return tf.conv2d(dyd, flipped, 1, [[0, 0], [top, bottom], [left, right], [0, 0]] as ExplicitPad);
    return tf.conv2d(padOrCrop(dyd, top, bottom, left, right), flipped, 1, 'valid');
  });
}

let registered = false;

/** Idempotent; call after tfjs's own gradients are registered so this one wins. */
export function registerFastConvGradients(): void {
  if (registered) return;
  registered = true;
  const original = tf.getGradient('Conv2D');
  if (!original) throw new Error('tfjs gradients are not registered; import them before registerFastConvGradients()');
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      if (tf.getBackend() !== 'wasm') return original.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as { strides: number | [number, number]; pad: Pad; dilations: number | [number, number]; dataFormat: string };
      const s: [number, number] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      const d = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations;
      if (a.dataFormat !== 'NHWC' || d.some((v) => v !== 1) || (typeof a.pad !== 'number' && a.pad !== 'same' && a.pad !== 'valid'))
        return original.gradFunc(dy, saved, attrs);
      const g = dy as tf.Tensor4D;
      return {
        x: () => conv2dInputGrad(x.shape, g, filter, s, a.pad),
        filter: () => conv2dFilterGrad(x, g, filter.shape, s, a.pad),
      };
    },
  });
}
