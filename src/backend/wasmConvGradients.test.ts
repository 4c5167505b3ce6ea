import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initNodeBackend } from './node.ts';
import { conv2dFilterGrad, conv2dInputGrad } from './wasmConvGradients.ts';

type Case = { b: number; h: number; w: number; cin: number; cout: number; k: number; s: number; pad: 'same' | 'valid' };

/** The reference gradients, from tfjs's own kernels on the cpu backend. */
async function onCpu<T>(f: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}

function relErr(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

function rand(shape: number[], seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync() as Float32Array);
}

const cases: Case[] = [];
let seed = 0;
for (const k of [1, 3, 5]) for (const s of [1, 2]) for (const pad of ['same', 'valid'] as const) {
  const h = 5 + ((seed * 7) % 12);
  const w = 5 + ((seed * 5) % 11);
  cases.push({ b: 1 + (seed % 3), h, w, cin: 1 + (seed % 8), cout: 1 + ((seed * 3) % 8), k, s, pad });
  seed++;
}
cases.push({ b: 2, h: 28, w: 28, cin: 3, cout: 4, k: 5, s: 2, pad: 'same' });
cases.push({ b: 2, h: 7, w: 7, cin: 2, cout: 3, k: 3, s: 2, pad: 'same' });
cases.push({ b: 1, h: 14, w: 9, cin: 2, cout: 2, k: 3, s: 2, pad: 'same' });

describe('fast wasm conv gradients match the cpu backend', () => {
  beforeAll(async () => {
    await initNodeBackend();
  });

  for (const c of cases) {
    it(`b${c.b} ${c.h}x${c.w} ${c.cin}->${c.cout} k${c.k} s${c.s} ${c.pad}`, async () => {
      const xs = [c.b, c.h, c.w, c.cin] as [number, number, number, number];
      const fs = [c.k, c.k, c.cin, c.cout] as [number, number, number, number];
      const xv = rand(xs, 1);
      const fv = rand(fs, 2);
      const outShape = tf.tidy(() => tf.conv2d(tf.tensor4d(xv, xs), tf.tensor4d(fv, fs), c.s, c.pad).shape);
      const dyv = rand(outShape, 3);
      const ref = await onCpu(() =>
        tf.tidy(() => {
          const x = tf.tensor4d(xv, xs);
          const f = tf.tensor4d(fv, fs);
          const dy = tf.tensor4d(dyv, outShape);
          return [tf.conv2dTranspose(dy, f, xs, c.s, c.pad).dataSync(), tf.conv2d(x, f, c.s, c.pad).shape, tf.grad((ff: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ff as tf.Tensor4D, c.s, c.pad), dy)))(f).dataSync()] as const;
        }),
      );
      const [dxRef, , dwRef] = ref;
      const [dx, dw, dxAuto, dwAuto] = tf.tidy(() => {
        const x = tf.tensor4d(xv, xs);
        const f = tf.tensor4d(fv, fs);
        const dy = tf.tensor4d(dyv, outShape);
        const loss = (xx: tf.Tensor4D, ff: tf.Tensor4D) => tf.sum(tf.mul(tf.conv2d(xx, ff, c.s, c.pad), dy));
        const [gx, gf] = tf.grads(loss as (...a: tf.Tensor[]) => tf.Scalar)([x, f]);
        return [conv2dInputGrad(xs, dy, f, [c.s, c.s], c.pad).dataSync(), conv2dFilterGrad(x, dy, fs, [c.s, c.s], c.pad).dataSync(), gx!.dataSync(), gf!.dataSync()];
      });
      expect(dx.length).toBe(dxRef.length);
      expect(relErr(dx, dxRef)).toBeLessThan(1e-4);
      expect(relErr(dw, dwRef)).toBeLessThan(1e-4);
      // Through tf.grads on wasm, which dispatches to the registered override.
      expect(relErr(dxAuto, dxRef)).toBeLessThan(1e-4);
      expect(relErr(dwAuto, dwRef)).toBeLessThan(1e-4);
    });
  }
});
