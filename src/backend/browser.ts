/**
 * Page and worker set-up: try webgpu > webgl > wasm > cpu (or a preferred one first), keep the
 * reason each one was passed over, and move to the next backend when a WebGPU device is lost.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKENDS, type BackendChoice, type BackendName } from './backendNames.ts';
import { registerFastConvGradients } from './wasmConvGradients.ts';

export { BACKENDS, isBackendName, type BackendChoice, type BackendName } from './backendNames.ts';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  error?: string;
}

export interface BackendStatus {
  name: BackendName;
  tried: BackendAttempt[];
  /**
   * wasm only: the threads its kernels run on. More than one needs a cross-origin-isolated page
   * (COOP and COEP headers, see vite.config.ts); without it tfjs loads its single-threaded binary.
   */
  threads?: number;
}

// Vite copies the binaries into the build and rewrites these imports to their hashed URLs.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

// One thread per logical core (tfjs's default is half of them); used only where the page is
// cross-origin isolated, otherwise tfjs loads its single-threaded binary.
if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0) setThreadsCount(navigator.hardwareConcurrency);

/** The part of WebGPU used here, typed locally: the bundled @webgpu/types predate `adapter.info`. */
interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string };
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null>;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|microsoft basic render/i;

/** Set once the WebGPU device of this session is lost: tfjs keeps the dead backend instance. */
let lostWebGPU: string | null = null;

/** The order to try: the preferred backend first, then the rest in speed order. */
function backendOrder(preferred: BackendChoice): BackendName[] {
  return preferred === 'auto' ? [...BACKENDS] : [preferred, ...BACKENDS.filter((b) => b !== preferred)];
}

/** Why WebGPU cannot be used here, or null. A CPU-emulated adapter only serves when asked for. */
async function webgpuObstacle(acceptSoftware: boolean): Promise<string | null> {
  if (lostWebGPU !== null) return `the WebGPU device was lost earlier in this session (${lostWebGPU})`;
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return 'the browser offers no WebGPU adapter (no usable GPU)';
  const fallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const description = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ');
  if (!acceptSoftware && (fallback || SOFTWARE_RENDERER.test(description)))
    return `the only WebGPU adapter is a CPU emulation (${description || 'fallback adapter'}), slower than wasm`;
  return null;
}

/** Why the active WebGL backend should be passed over, or null: CPU-emulated WebGL is slower than wasm. */
function webglObstacle(acceptSoftware: boolean): string | null {
  const backend = tf.backend();
  if (acceptSoftware || !(backend instanceof MathBackendWebGL)) return null;
  const gl = backend.gpgpu.gl;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return SOFTWARE_RENDERER.test(renderer) ? `WebGL runs on a CPU emulation (${renderer}), slower than wasm` : null;
}

/** Makes `name` the active backend; returns why it cannot be, or null. */
async function trySet(name: BackendName, acceptSoftware: boolean): Promise<string | null> {
  try {
    if (name === 'webgpu') {
      const obstacle = await webgpuObstacle(acceptSoftware);
      if (obstacle !== null) return obstacle;
    }
    if (!(await tf.setBackend(name))) return 'initialisation failed (the browser console has the cause)';
    await tf.ready();
    if (name === 'webgl') {
      const obstacle = webglObstacle(acceptSoftware);
      if (obstacle !== null) return obstacle;
    }
    // A trivial op proves the backend computes, not only that it registered.
    const probe = tf.tidy(() => tf.sum(tf.add(tf.ones([4]), 1)));
    const v = (await probe.data())[0];
    probe.dispose();
    return v === 8 ? null : `a test computation returned ${v} instead of 8`;
  } catch (e) {
    return (e as Error).message || String(e);
  }
}

async function initInOrder(order: BackendName[], preferred: BackendChoice): Promise<BackendStatus> {
  registerFastConvGradients();
  const tried: BackendAttempt[] = [];
  for (const name of order) {
    const error = await trySet(name, name === preferred);
    if (error === null) {
      tried.push({ name, ok: true });
      return name === 'wasm' ? { name, tried, threads: getThreadsCount() } : { name, tried };
    }
    tried.push({ name, ok: false, error });
  }
  throw new Error(`no TensorFlow.js backend could start: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

/**
 * Selects the first backend that starts and computes. In 'auto' mode a CPU-emulated WebGPU or
 * WebGL (SwiftShader and the like) is passed over for wasm; naming it as `preferred` uses it anyway.
 */
export function initBrowserBackend(preferred: BackendChoice = 'auto'): Promise<BackendStatus> {
  return initInOrder(backendOrder(preferred), preferred);
}

/**
 * Reacts to the loss of the active WebGPU device (driver reset, GPU process crash, tab in the
 * background too long). When the device's `lost` promise settles, this switches to the next
 * backend (webgl > wasm > cpu) and reports it through `onSwitch`. Every tensor and variable of the
 * lost backend is gone, so the caller rebuilds its model on the new one. Does nothing unless
 * webgpu is active; call it after each successful initBrowserBackend.
 */
export function onWebGPUDeviceLost(onSwitch: (result: { reason: string; status: BackendStatus } | { reason: string; error: Error }) => void): void {
  const backend = tf.backend();
  if (tf.getBackend() !== 'webgpu' || !(backend instanceof WebGPUBackend)) return;
  void backend.device.lost.then(async (info) => {
    const reason = info.message || info.reason || 'device lost';
    lostWebGPU = reason;
    try {
      onSwitch({ reason, status: await initInOrder(BACKENDS.filter((b) => b !== 'webgpu'), 'auto') });
    } catch (e) {
      onSwitch({ reason, error: e as Error });
    }
  });
}
