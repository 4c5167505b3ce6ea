import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../backend/node.ts';
import { ParamStore, ResBlock, WnConv, type BlockStyle } from './layers.ts';
import { configByName, type HvaeConfig } from './config.ts';
import { Hvae } from './model.ts';

const REFERENCE: BlockStyle = { gated: false, reference: true, plain: false };

/** A block whose residual branch is switched off (second convolution's gain 0): it returns its shortcut. */
function shortcutOf(block: () => ResBlock, store: ParamStore, x: tf.Tensor4D): number[] {
  const b = block();
  store.vars.get('b/conv2/g')!.assign(tf.zerosLike(store.vars.get('b/conv2/g')!));
  return Array.from(tf.tidy(() => b.apply(x, null)).dataSync());
}

describe('reference blocks (the paper code conventions)', () => {
  beforeAll(async () => {
    await initNodeBackend();
  });

  it('down-sample with zero channels added and a 3x3 average pool that counts the padding', () => {
    const store = new ParamStore(1);
    // One 4x4 channel holding 1..16; the block widens to 2 channels and halves the size.
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
    const y = shortcutOf(() => new ResBlock(store, 'b', [4, 4, 1], 2, 3, 2, 'down', null, REFERENCE), store, x);
    // 'same' padding for 4 -> 2 with a 3x3 window pads one zero row/column after: windows rows 0-2 and 2-4.
    const window = (r: number, c: number): number => {
      let s = 0;
      for (let i = r; i < r + 3; i++) for (let j = c; j < c + 3; j++) s += i < 4 && j < 4 ? 4 * i + j + 1 : 0;
      return s / 9;
    };
    const expected = [window(0, 0), 0, window(0, 2), 0, window(2, 0), 0, window(2, 2), 0];
    y.forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(expected[i]!, 5));
    expect([...store.vars.keys()].some((n) => n.includes('proj'))).toBe(false);
    x.dispose();
    store.dispose();
  });

  it('have no shortcut where they up-sample, nor in a plain first block, and a plain block skips the input ReLU', () => {
    const x = tf.tensor4d([-1, 2, -3, 4], [1, 2, 2, 1]);
    for (const [style, stride, resample] of [
      [REFERENCE, 2, 'up'],
      [{ ...REFERENCE, plain: true }, 1, 'down'],
    ] as const) {
      const store = new ParamStore(2);
      const y = shortcutOf(() => new ResBlock(store, 'b', [2, 2, 1], 1, 3, stride, resample, null, style), store, x);
      expect(y.every((v) => v === 0)).toBe(true);
      store.dispose();
    }
    // With the residual branch on, zeroing the input's negative entries changes a plain block's
    // branch (it sees x) but not a normal block's (it sees ReLU(x)).
    const flipped = tf.tensor4d([0, 2, 0, 4], [1, 2, 2, 1]);
    for (const plain of [true, false]) {
      const store = new ParamStore(3);
      const b = new ResBlock(store, 'b', [2, 2, 1], 1, 3, 1, 'down', null, { ...REFERENCE, plain });
      const [a, c] = tf.tidy(() => [b.apply(x, null).sub(x).dataSync(), b.apply(flipped, null).sub(flipped).dataSync()]);
      const differs = Array.from(a!).some((v, i) => Math.abs(v - c![i]!) > 1e-6);
      expect(differs, `plain ${plain}`).toBe(plain);
      store.dispose();
    }
    x.dispose();
    flipped.dispose();
  });

  it('up-sample with a transposed convolution: tied phases equal tfjs conv2dTranspose', () => {
    for (const k of [3, 5]) {
      const store = new ParamStore(4);
      const conv = new WnConv(store, 'up', 3, 2, k, 2, 'up', 1, 'transposed');
      expect(store.vars.get('up/v')!.shape).toEqual([k, k, 3, 2]);
      store.vars.get('up/g')!.assign(tf.tensor1d([0.7, 1.3]));
      store.vars.get('up/b')!.assign(tf.tensor1d([0.1, -0.2]));
      const [got, expected] = tf.tidy(() => {
        const x = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
        const v = store.vars.get('up/v')!;
        const w = tf.mul(tf.div(v, tf.sqrt(tf.sum(tf.square(v), [0, 1, 2], true))), store.vars.get('up/g')!);
        const ref = tf.add(tf.conv2dTranspose(x, tf.transpose(w, [0, 1, 3, 2]) as tf.Tensor4D, [2, 10, 8, 2], 2, 'same'), store.vars.get('up/b')!);
        return [conv.apply(x).arraySync(), ref.arraySync()];
      });
      expect((got as number[][][][]).flat(3).length).toBe(2 * 10 * 8 * 2);
      (got as number[][][][]).flat(3).forEach((g, i) => expect(g, `k=${k} element ${i}`).toBeCloseTo((expected as number[][][][]).flat(3)[i]!, 4));
      store.dispose();
    }
  });

  it('give small-grey-ref the parameter count of the paper code with its settings (571,426)', () => {
    const model = new Hvae(configByName('small-grey-ref') as HvaeConfig, 1);
    expect(model.numParams()).toBe(571426);
    model.dispose();
  });

  it('drop a skip whose shape already matches and keep the resampled ones', () => {
    const model = new Hvae(configByName('small-grey-ref') as HvaeConfig, 1);
    const names = new Set(model.store.vars.keys());
    // Inference: every stage's input has the stage below's size, so no skip survives.
    for (const n of names) if (n.includes('/q/')) expect(n, n).not.toContain('/aux/');
    // Generation: block 1 of a stage runs at the stage above's size (skip dropped); blocks 2-3
    // run at twice that, so their skips are up-sampled.
    for (const stage of [1, 2]) {
      expect(names.has(`stage${stage}/p/block1/aux/v`)).toBe(false);
      expect(names.has(`stage${stage}/p/block2/aux/v`)).toBe(true);
      expect(names.has(`stage${stage}/p/block3/aux/v`)).toBe(true);
    }
    expect([...names].some((n) => n.includes('proj'))).toBe(false);
    model.dispose();
  });
});

describe('kept kernels (ParamStore.derived)', () => {
  beforeAll(async () => {
    await initNodeBackend();
  });

  /** A tied up-sampling convolution (its kernel and bias are both derived) and an input. */
  function layer(): { store: ParamStore; conv: WnConv; x: tf.Tensor4D } {
    const store = new ParamStore(4);
    const conv = new WnConv(store, 'up', 3, 2, 3, 2, 'up', 1, 'transposed');
    tf.tidy(() => store.vars.get('up/b')!.assign(tf.tensor1d([0.3, -0.2])));
    return { store, conv, x: tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 8) as tf.Tensor4D };
  }

  function output(conv: WnConv, x: tf.Tensor4D): number[] {
    const y = tf.tidy(() => conv.apply(x));
    const values = Array.from(y.dataSync());
    y.dispose();
    return values;
  }

  it('follow every assignment of the weights, keep a fixed number of tensors, and are freed with the store', () => {
    const before = tf.memory().numTensors;
    const { store, conv, x } = layer();
    const first = output(conv, x);
    const tensors = tf.memory().numTensors;
    // Three variables, the input, and the kept kernel and tiled bias.
    expect(tensors - before).toBe(3 + 1 + 2);
    for (let step = 1; step <= 3; step++) {
      tf.tidy(() => {
        const v = store.vars.get('up/v')!;
        v.assign(tf.mul(v, 1.5));
        store.vars.get('up/g')!.assign(tf.fill([2], 0.5 * step));
      });
      const kept = output(conv, x);
      // The same layer built afresh with these weights computes its kernel without any kept one.
      const fresh = layer();
      tf.tidy(() => {
        for (const [name, variable] of store.vars) fresh.store.vars.get(name)!.assign(tf.clone(variable));
      });
      expect(kept).toEqual(output(fresh.conv, x));
      expect(kept).not.toEqual(first);
      fresh.store.dispose();
      fresh.x.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
    }
    store.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('are not kept under a gradient tape: the gradient reaches v, g and b', () => {
    const { store, conv, x } = layer();
    tf.tidy(() => conv.apply(x)).dispose();
    const vars = ['up/v', 'up/g', 'up/b'].map((n) => store.vars.get(n)!);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(conv.apply(x))) as tf.Scalar, vars);
    for (const v of vars) expect(tf.max(tf.abs(grads[v.name]!)).dataSync()[0], v.name).toBeGreaterThan(0);
    tf.dispose(grads);
    store.dispose();
    x.dispose();
  });
});
