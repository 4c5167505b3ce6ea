/**
 * Node set-up: the wasm backend (the cpu backend trains convolutions hundreds of times slower,
 * and tfjs-node cannot be installed here) with the fast convolution gradients.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients; the union package registers all of them.
import '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerFastConvGradients } from './wasmConvGradients.ts';

let ready: Promise<string> | null = null;

export function initNodeBackend(threads = Number(process.env.HVAE_WASM_THREADS ?? 0)): Promise<string> {
  ready ??= (async () => {
    if (threads > 0) setThreadsCount(threads);
    let ok = false;
    try {
      ok = await tf.setBackend('wasm');
    } catch (e) {
      throw new Error(`the wasm backend could not start: ${(e as Error).message}`);
    }
    if (!ok) throw new Error('the wasm backend could not start (tf.setBackend returned false)');
    await tf.ready();
    registerFastConvGradients();
    return tf.getBackend();
  })();
  return ready;
}
