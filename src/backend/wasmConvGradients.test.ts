import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initNodeBackend } from './node.ts';
import { conv2dFilterGrad, conv2dInputGrad, type ConvPad } from './wasmConvGradients.ts';
import { mulberry32 } from '../data/random.ts';

type Shape4 = [number, number, number, number];
interface Case {
  b: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  strides: [number, number];
  pad: ConvPad;
}

function values(n: number, next: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
}

/** max |a - b| / max |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

async function withBackend<T>(name: string, f: () => T): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend(name);
  try {
    return f();
  } finally {
    await tf.setBackend(previous);
  }
}

function label(c: Case): string {
  return `b${c.b} ${c.h}x${c.w} ${c.cin}->${c.cout} k${c.kh}x${c.kw} s${c.strides.join('x')} pad ${JSON.stringify(c.pad)}`;
}

const next = mulberry32(20210601);
const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));

const cases: Case[] = [];
for (const k of [1, 3, 5])
  for (const s of [1, 2])
    for (const pad of ['same', 'valid'] as const)
      for (let rep = 0; rep < 2; rep++)
        cases.push({ b: int(1, 3), h: int(5, 16), w: int(5, 16), cin: int(1, 8), cout: int(1, 8), kh: k, kw: k, strides: [s, s], pad });
// The shapes of a 28x28 encoder, odd sizes and even kernels, where 'same' pads unevenly.
cases.push({ b: 2, h: 28, w: 28, cin: 3, cout: 4, kh: 5, kw: 5, strides: [2, 2], pad: 'same' });
cases.push({ b: 2, h: 14, w: 14, cin: 4, cout: 3, kh: 3, kw: 3, strides: [2, 2], pad: 'same' });
cases.push({ b: 2, h: 7, w: 7, cin: 2, cout: 3, kh: 3, kw: 3, strides: [2, 2], pad: 'same' });
cases.push({ b: 1, h: 7, w: 8, cin: 2, cout: 2, kh: 2, kw: 4, strides: [2, 2], pad: 'same' });
cases.push({ b: 1, h: 9, w: 10, cin: 3, cout: 2, kh: 4, kw: 2, strides: [1, 1], pad: 'same' });
cases.push({ b: 1, h: 11, w: 6, cin: 2, cout: 3, kh: 3, kw: 3, strides: [3, 3], pad: 'same' });
cases.push({ b: 2, h: 10, w: 9, cin: 2, cout: 2, kh: 3, kw: 5, strides: [2, 1], pad: 'valid' });
// A stride larger than the kernel leaves input the windows never touch.
cases.push({ b: 1, h: 9, w: 9, cin: 2, cout: 2, kh: 1, kw: 2, strides: [3, 3], pad: 'valid' });
cases.push({ b: 2, h: 8, w: 7, cin: 3, cout: 2, kh: 3, kw: 3, strides: [2, 2], pad: 1 });
cases.push({ b: 1, h: 6, w: 6, cin: 2, cout: 2, kh: 3, kw: 3, strides: [2, 2], pad: 2 });
cases.push({ b: 1, h: 9, w: 8, cin: 2, cout: 3, kh: 3, kw: 3, strides: [2, 2], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] });

describe('fast wasm conv gradients match tfjs kernels on the cpu backend', () => {
  beforeAll(async () => {
    expect(await initNodeBackend()).toBe('wasm');
  });

  for (const c of cases) {
    it(label(c), async () => {
      const xShape: Shape4 = [c.b, c.h, c.w, c.cin];
      const fShape: Shape4 = [c.kh, c.kw, c.cin, c.cout];
      const xv = values(xShape.reduce((p, q) => p * q), next);
      const fv = values(fShape.reduce((p, q) => p * q), next);
      const yShape = tf.tidy(() => tf.conv2d(tf.tensor4d(xv, xShape), tf.tensor4d(fv, fShape), c.strides, c.pad).shape);
      const dyv = values(yShape.reduce((p, q) => p * q), next);

      const [dxRef, dwRef] = await withBackend('cpu', () =>
        tf.tidy(() => {
          const x = tf.tensor4d(xv, xShape);
          const dy = tf.tensor4d(dyv, yShape);
          const dx = tf.conv2dTranspose(dy, tf.tensor4d(fv, fShape), xShape, c.strides, c.pad);
          const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: fShape }) as tf.Tensor;
          return [dx.dataSync(), dw.dataSync()] as const;
        }),
      );
      const [dx, dw, gx, gw] = tf.tidy(() => {
        const x = tf.tensor4d(xv, xShape);
        const f = tf.tensor4d(fv, fShape);
        const dy = tf.tensor4d(dyv, yShape);
        const loss = (xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.strides, c.pad), dy));
        const [g0, g1] = tf.grads(loss)([x, f]);
        return [conv2dInputGrad(xShape, dy, f, c.strides, c.pad).dataSync(), conv2dFilterGrad(x, dy, fShape, c.strides, c.pad).dataSync(), g0!.dataSync(), g1!.dataSync()];
      });
      expect(relErr(dx, dxRef)).toBeLessThan(1e-4);
      expect(relErr(dw, dwRef)).toBeLessThan(1e-4);
      // tf.grads on wasm goes through the registered gradient.
      expect(relErr(gx, dxRef)).toBeLessThan(1e-4);
      expect(relErr(gw, dwRef)).toBeLessThan(1e-4);
    });
  }

  it('tf.grads through a small conv net agree between wasm and cpu', async () => {
    const r = mulberry32(7);
    const xShape: Shape4 = [2, 13, 12, 3];
    const shapes: Shape4[] = [xShape, [5, 5, 3, 6], [3, 3, 6, 4], [2, 2, 4, 5]];
    const data = shapes.map((s) => values(s.reduce((p, q) => p * q), r));
    const run = () =>
      tf.tidy(() => {
        const ts = shapes.map((s, i) => tf.tensor4d(data[i]!, s));
        const loss = (x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor) => {
          const h1 = tf.relu(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 2, 'same'));
          const h2 = tf.tanh(tf.conv2d(h1, w2 as tf.Tensor4D, 1, 'valid'));
          return tf.sum(tf.square(tf.conv2d(h2, w3 as tf.Tensor4D, 2, 'same')));
        };
        return tf.grads(loss)(ts).map((g) => g.dataSync());
      });
    const cpu = await withBackend('cpu', run);
    const wasm = run();
    cpu.forEach((ref, i) => expect(relErr(wasm[i]!, ref)).toBeLessThan(1e-4));
  });

  it('leaves tfjs own gradient in place on other backends', async () => {
    const xShape: Shape4 = [1, 6, 6, 2];
    const fShape: Shape4 = [3, 3, 2, 2];
    const r = mulberry32(3);
    const xv = values(72, r);
    const fv = values(36, r);
    const [viaGrad, viaKernel] = await withBackend('cpu', () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xv, xShape);
        const f = tf.tensor4d(fv, fShape);
        const g = tf.grad((ff: tf.Tensor) => tf.sum(tf.conv2d(x, ff as tf.Tensor4D, 2, 'same')))(f);
        const dy = tf.ones([1, 3, 3, 2]);
        const k = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: fShape }) as tf.Tensor;
        return [g.dataSync(), k.dataSync()];
      }),
    );
    expect(Array.from(viaGrad)).toEqual(Array.from(viaKernel));
  });

  it('does not leak tensors', () => {
    const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
    const f = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 2, 'same')))([x, f]));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f]);
  });
});
