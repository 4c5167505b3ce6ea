/** Log densities, summed per example over every non-batch axis. */
import * as tf from '@tensorflow/tfjs-core';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Softplus with beta = ln 2 maps 0 to 1, so zero-initialised logits give unit std (Appendix B.1). */
export const SOFTPLUS_BETA = Math.LN2;

export function sumPerExample(t: tf.Tensor): tf.Tensor1D {
  const axes = t.shape.slice(1).map((_, i) => i + 1);
  return tf.sum(t, axes) as tf.Tensor1D;
}

export function softplusStd(logits: tf.Tensor): tf.Tensor {
  return tf.div(tf.softplus(tf.mul(logits, SOFTPLUS_BETA)), SOFTPLUS_BETA);
}

export interface Gaussian {
  mean: tf.Tensor;
  std: tf.Tensor;
}

export function gaussianLogProb(z: tf.Tensor, d: Gaussian): tf.Tensor1D {
  const u = tf.div(tf.sub(z, d.mean), d.std);
  const lp = tf.neg(tf.add(tf.add(tf.mul(0.5, tf.square(u)), tf.log(d.std)), HALF_LOG_TWO_PI));
  return sumPerExample(lp);
}

export function standardNormalLogProb(z: tf.Tensor): tf.Tensor1D {
  return sumPerExample(tf.neg(tf.add(tf.mul(0.5, tf.square(z)), HALF_LOG_TWO_PI)));
}

/** log Bernoulli(x | sigmoid(l)) = x l - softplus(l); exact for x in [0, 1] (also soft targets). */
export function bernoulliLogProb(x: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return sumPerExample(tf.sub(tf.mul(x, logits), tf.softplus(logits)));
}

/** log (1/S) sum_s exp(a_s) along axis 0, stable. */
export function logMeanExp(a: tf.Tensor, axis = 0): tf.Tensor {
  const n = a.shape[axis] ?? 1;
  return tf.sub(tf.logSumExp(a, axis), Math.log(n));
}
