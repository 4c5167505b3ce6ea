/**
 * The parts both models' stages are built from: Gaussian heads, the map from a latent sample to a
 * feature map, and the rule that picks a generative block's skip input.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LatentConfig } from './config.ts';
import { ParamStore, WnConv, WnDense, type Shape3 } from './layers.ts';
import { softplusStd, type Gaussian } from './likelihoods.ts';

const HEAD_INIT_SCALE = 0.1;

/**
 * A Gaussian latent layer's head: features -> (mean, std) of a conv map or a dense vector.
 * Initialised with a small output scale so that every q and p starts close to N(0, I) per
 * example, not only on average over the batch: the KL terms then start near zero. Reference
 * heads (HvaeConfig.referenceBlocks) see ReLU(features) and start at unit scale instead.
 */
export class GaussianHead {
  private readonly conv: WnConv | null;
  private readonly dense: WnDense | null;

  constructor(store: ParamStore, name: string, from: Shape3, readonly latent: LatentConfig, private readonly reference = false) {
    const scale = reference ? 1 : HEAD_INIT_SCALE;
    if (latent.kind === 'conv') {
      this.conv = new WnConv(store, name, from[2], 2 * latent.channels, latent.kernel, 1, 'down', scale);
      this.dense = null;
    } else {
      this.conv = null;
      this.dense = new WnDense(store, name, from[0] * from[1] * from[2], 2 * latent.units, scale);
    }
  }

  apply(features: tf.Tensor4D): Gaussian {
    const h = this.reference ? tf.relu(features) : features;
    const params = this.conv ? this.conv.apply(h) : this.dense!.apply(tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D);
    const [mean, stdLogits] = tf.split(params, 2, -1) as [tf.Tensor, tf.Tensor];
    return { mean, std: softplusStd(stdLogits) };
  }
}

/** Maps a latent sample to a feature map: conv latents already are one; dense ones get a dense layer. */
export class LatentToMap {
  private readonly dense: WnDense | null;

  constructor(store: ParamStore, name: string, latent: LatentConfig, readonly mapShape: Shape3) {
    this.dense = latent.kind === 'dense' ? new WnDense(store, name, latent.units, mapShape[0] * mapShape[1] * mapShape[2]) : null;
  }

  apply(z: tf.Tensor): tf.Tensor4D {
    if (!this.dense) return z as tf.Tensor4D;
    const m = this.dense.apply(z as tf.Tensor2D);
    return tf.reshape(m, [z.shape[0]!, ...this.mapShape]) as tf.Tensor4D;
  }
}

/**
 * The skip input of generative block j from the outputs of the stage above's blocks: block j's
 * (the paper's code), or the stage above's last output into block 0 only.
 */
export function skipSource<T>(aboveOuts: T[], j: number, everyBlock: boolean): T | null {
  if (aboveOuts.length === 0) return null;
  if (everyBlock) return aboveOuts[Math.min(j, aboveOuts.length - 1)]!;
  return j === 0 ? aboveOuts[aboveOuts.length - 1]! : null;
}
