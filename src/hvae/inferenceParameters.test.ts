import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { configByName } from './config.ts';
import { createModel } from './createModel.ts';
import { NoiseSource } from './noise.ts';

beforeAll(async () => {
  await initNodeBackend();
});

/** Names of the parameters whose gradient of f is not zero everywhere. */
function touched(vars: Map<string, tf.Variable>, f: () => tf.Scalar): Set<string> {
  const names = [...vars.keys()];
  const { grads } = tf.variableGrads(f, names.map((n) => vars.get(n)!));
  const out = new Set<string>();
  for (const n of names) {
    const g = grads[vars.get(n)!.name];
    if (g && tf.any(tf.notEqual(g, 0)).dataSync()[0]) out.add(n);
  }
  tf.dispose(grads);
  return out;
}

describe.each(['tiny-grey', 'biva-tiny-grey'])('%s: the inference parameters', (name) => {
  it('are exactly those log p(x, z) at fixed latents does not depend on, and each moves the ELBO', () => {
    const model = createModel(configByName(name), 3);
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 5), 0.6), 'float32')) as tf.Tensor4D;
    model.initialize(x, 1);
    const latents = tf.tidy(() => model.run(x, { k: 0, lowerLatents: 'sample', noise: new NoiseSource(2) }).latents.map((z) => tf.keep(z)));
    const joint = touched(model.store.vars, () => tf.sum(model.logJoint(x, latents)) as tf.Scalar);
    const elbo = touched(model.store.vars, () => tf.sum(model.run(x, { k: 0, lowerLatents: 'sample', noise: new NoiseSource(2) }).logWeight) as tf.Scalar);
    const all = [...model.store.vars.keys()];
    const inference = all.filter((n) => model.isInferenceParameter(n));
    expect(inference.length).toBeGreaterThan(0);
    expect(inference.length).toBeLessThan(all.length);
    // The generative model alone makes log p(x, z); the inference network makes the latents.
    for (const n of all) expect(joint.has(n), n).toBe(!model.isInferenceParameter(n));
    // Every inference parameter moves the ELBO, but the HVAE's top z-to-map layer, which only a stage above would read.
    expect(inference.filter((n) => !elbo.has(n)).every((n) => n.startsWith(`stage${model.numStages}/q/tomap/`))).toBe(true);
    tf.dispose([x, ...latents]);
    model.dispose();
  });
});
