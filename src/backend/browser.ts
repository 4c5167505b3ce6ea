/**
 * Page and worker set-up: try webgpu > webgl > wasm > cpu (or a preferred one first), keep the
 * reason each one failed, and fall back without a reload when a WebGPU device is lost.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerFastConvGradients } from './wasmConvGradients.ts';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendChoice = BackendName | 'auto';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  error?: string;
}

export interface BackendStatus {
  name: BackendName;
  tried: BackendAttempt[];
}

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

export function isBackendName(v: unknown): v is BackendName {
  return typeof v === 'string' && (BACKENDS as readonly string[]).includes(v);
}

/** The order to try: the preferred backend first, then the rest in speed order. */
export function backendOrder(preferred: BackendChoice): BackendName[] {
  return preferred === 'auto' ? [...BACKENDS] : [preferred, ...BACKENDS.filter((b) => b !== preferred)];
}

async function trySet(name: BackendName): Promise<string | null> {
  try {
    if (name === 'webgpu' && !('gpu' in navigator)) return 'this browser has no WebGPU (navigator.gpu is missing)';
    const ok = await tf.setBackend(name);
    if (!ok) return 'initialisation failed';
    await tf.ready();
    // A trivial op proves the backend computes, not only that it registered.
    const probe = tf.tidy(() => tf.sum(tf.add(tf.ones([4]), 1)));
    const v = (await probe.data())[0];
    probe.dispose();
    return v === 8 ? null : `a test computation returned ${v}`;
  } catch (e) {
    return (e as Error).message || String(e);
  }
}

export async function initBrowserBackend(preferred: BackendChoice = 'auto'): Promise<BackendStatus> {
  registerFastConvGradients();
  const tried: BackendAttempt[] = [];
  for (const name of backendOrder(preferred)) {
    const error = await trySet(name);
    if (error === null) {
      tried.push({ name, ok: true });
      return { name, tried };
    }
    tried.push({ name, ok: false, error });
  }
  throw new Error(`no TensorFlow.js backend could start: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

/**
 * Calls `onLost` once if the active WebGPU device is lost (driver reset, GPU process crash);
 * the caller re-initialises with the next backend and re-uploads its model.
 */
export function watchDeviceLoss(onLost: (reason: string) => void): void {
  if (tf.getBackend() !== 'webgpu') return;
  const backend = tf.backend() as unknown as { device?: { lost?: Promise<{ message?: string; reason?: string }> } };
  backend.device?.lost?.then((info) => onLost(info.message || info.reason || 'device lost'));
}
