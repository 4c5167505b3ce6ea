import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { configByName } from './config.ts';
import { createModel } from './createModel.ts';
import type { LowerLatents, PassResult, PassSpec } from './hierarchicalVae.ts';
import { NoiseSource } from './noise.ts';

beforeAll(async () => {
  await initNodeBackend();
});

/** Every tensor of passes' results, read out: logits, log p(x|z), log w and each KL term (null stays null). */
function readOut(run: () => PassResult[]): (Float32Array | null)[][] {
  tf.engine().startScope();
  try {
    return run().map((r) => [r.logits, r.logPxGivenZ, r.logWeight, ...r.kl].map((t) => (t ? (t.dataSync() as Float32Array) : null)));
  } finally {
    tf.engine().endScope();
  }
}

/** Each pass of a scoring: every L>k and every L<l, with its own noise stream, as scoreAll builds them. */
function passesOf(L: number): PassSpec[] {
  const cuts = [...Array.from({ length: L + 1 }, (_, k) => ({ k })), ...Array.from({ length: L }, (_, i) => ({ k: 0, l: i + 1 }))];
  return cuts.map((c, i) => ({ ...c, noise: new NoiseSource(31 + i) }));
}

describe.each(['tiny-grey', 'small-grey-ref', 'biva-tiny-grey'])('%s: passes run together', (name) => {
  it.each<[LowerLatents, number]>([
    ['mode', 1],
    ['sample', 3],
  ])('equal the same passes run one by one (lower latents %s, %i replicas)', (lowerLatents, replicas) => {
    const model = createModel(configByName(name), 2);
    // Initialised on a batch large enough for finite terms; scored on two of its images.
    const batch = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 9), 0.7), 'float32')) as tf.Tensor4D;
    model.initialize(batch, 1);
    const x = tf.slice(batch, 0, 2);
    batch.dispose();
    const shared = { lowerLatents, replicas };
    const together = readOut(() => model.runPasses(x, passesOf(model.numStages), shared));
    const alone = passesOf(model.numStages).flatMap((p) => readOut(() => [model.run(x, { ...p, ...shared })]));
    expect(together.length).toBe(alone.length);
    together.forEach((terms, p) =>
      terms.forEach((values, t) => {
        const expected = alone[p]![t]!;
        if (expected === null || values === null) return expect(values, `pass ${p} term ${t}`).toBe(expected);
        expect(values.length).toBe(expected.length);
        let worst = 0;
        values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]!) / (1 + Math.abs(expected[i]!)))));
        expect(values.every(Number.isFinite), `pass ${p} term ${t}`).toBe(true);
        expect(worst, `pass ${p} term ${t}`).toBeLessThan(1e-4);
      }),
    );
    // The passes differ from one another: no pass was answered with another's rows.
    expect(together[0]![2]![0]).not.toBeCloseTo(together[model.numStages]![2]![0]!, 1);
    x.dispose();
    model.dispose();
  });
});
