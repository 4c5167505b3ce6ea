/**
 * A copy of a model's weights kept on its backend, to go back to: training keeps one after each
 * good epoch, and restores it when the loss turns NaN or infinite.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HierarchicalVae } from './hierarchicalVae.ts';

export class WeightSnapshot {
  private constructor(private readonly values: Map<string, tf.Tensor>) {}

  static of(model: HierarchicalVae): WeightSnapshot {
    return new WeightSnapshot(new Map([...model.store.vars].map(([name, v]) => [name, tf.keep(v.clone())])));
  }

  /** Puts the snapshot's values back into the model's variables (the snapshot stays usable). */
  restoreInto(model: HierarchicalVae): void {
    for (const [name, v] of model.store.vars) {
      const saved = this.values.get(name);
      if (!saved) throw new Error(`the weight snapshot has no tensor ${name}`);
      v.assign(saved);
    }
  }

  dispose(): void {
    for (const t of this.values.values()) t.dispose();
  }
}
