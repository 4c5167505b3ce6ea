/**
 * Node set-up: the wasm backend (the cpu backend trains convolutions hundreds of times slower,
 * and tfjs-node cannot be installed here) with the fast convolution gradients.
 *
 * tfjs runs its single-threaded SIMD build in Node: it reports no thread support there, and its
 * threaded build cannot start anyway because it spawns its pthread workers from blob: URLs, which
 * Node's worker_threads refuses. So setThreadsCount has no effect in Node.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// Gradients: tfjs-core's Node build registers none, and its ES-module build (which has
// register_all_gradients) does not load in plain Node. The union package's Node build is the one
// build of them that Node can load; importing it only for that side effect.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerFastConvGradients } from './wasmConvGradients.ts';

/** The binaries the backend reads from its package folder; a missing one is the usual failure. */
function missingWasmFiles(): string[] {
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  return ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'].filter((f) => !existsSync(join(dist, f))).map((f) => join(dist, f));
}

let ready: Promise<string> | null = null;

/** Selects the wasm backend once per process and returns its name. */
export function initNodeBackend(): Promise<string> {
  ready ??= (async () => {
    // tf.setBackend logs the cause of a failed start and returns false rather than throwing.
    if (!(await tf.setBackend('wasm'))) {
      ready = null;
      const missing = missingWasmFiles();
      const cause = missing.length > 0 ? `missing ${missing.join(', ')}; reinstall with \`npm install\`` : 'the cause is logged above';
      throw new Error(`the TensorFlow.js wasm backend could not start (${cause})`);
    }
    registerFastConvGradients();
    return tf.getBackend();
  })();
  return ready;
}
