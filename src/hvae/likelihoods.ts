/**
 * Log densities, element by element (same shape as the variable) and summed per example over
 * every non-batch axis. Scoring sums the elements in float64 outside tfjs, so scores agree
 * across backends whose float32 reductions run in different orders.
 */
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

export function gaussianLogDensity(z: tf.Tensor, d: Gaussian): tf.Tensor {
  const u = tf.div(tf.sub(z, d.mean), d.std);
  return tf.neg(tf.add(tf.add(tf.mul(0.5, tf.square(u)), tf.log(d.std)), HALF_LOG_TWO_PI));
}

export function standardNormalLogDensity(z: tf.Tensor): tf.Tensor {
  return tf.neg(tf.add(tf.mul(0.5, tf.square(z)), HALF_LOG_TWO_PI));
}

/** log Bernoulli(x | sigmoid(l)) = x l - softplus(l), per pixel. */
export function bernoulliLogDensity(x: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(x, logits), tf.softplus(logits));
}
