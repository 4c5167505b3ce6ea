/** Seeded standard-normal noise: the same seed replays the same draws, so bounds can share noise. */
import * as tf from '@tensorflow/tfjs-core';

export class NoiseSource {
  private counter = 0;
  /** Draws asked for, with or without a seed: a pass that asked for none is the same for every sample. */
  calls = 0;

  /** A null seed gives zeros: every sample sits at its distribution's mean (deterministic scoring). */
  constructor(private readonly seed: number | null) {}

  normal(shape: number[]): tf.Tensor {
    this.calls++;
    if (this.seed === null) return tf.zeros(shape);
    // Distinct integer seeds per draw; tfjs seeds its generator per call.
    return tf.randomNormal(shape, 0, 1, 'float32', this.seed * 1_000_003 + this.counter++);
  }
}
