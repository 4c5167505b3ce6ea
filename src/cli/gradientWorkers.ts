/**
 * Data-parallel training on several CPU cores: tfjs's wasm backend runs single-threaded in Node,
 * so each extra core gets a worker thread with its own backend that computes the gradients of
 * one shard of every batch, while the training thread computes the first shard and applies the
 * mean (Trainer.stepSharded).
 */
import { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../hvae/config.ts';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { flatWeights, stepNoiseSeed, type FreeBitsPer, type ShardGradients } from '../hvae/training.ts';

export interface ShardRequest {
  weights: Float32Array;
  x: Float32Array;
  beta: number;
  freeBits: number;
  freeBitsPer: FreeBitsPer;
  noiseSeed: number;
}

type Reply = { ready: true } | { result: ShardGradients } | { error: string };

class GradientThread {
  private waiting: { resolve: (r: ShardGradients) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => {
      if ('result' in m) this.settle(null, m.result);
      else if ('error' in m) this.settle(new Error(`gradient thread: ${m.error}`));
    });
    worker.on('error', (e: unknown) => this.settle(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => this.settle(new Error(`gradient thread exited (code ${code})`)));
  }

  static start(config: ModelConfig): Promise<GradientThread> {
    // The thread registers the TypeScript loader itself: a worker started from the tests does not
    // inherit the CLI's `--import tsx`.
    const entry = JSON.stringify(new URL('./gradientWorker.ts', import.meta.url).href);
    const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true, workerData: { config } });
    return new Promise((resolve, reject) => {
      worker.once('message', () => resolve(new GradientThread(worker)));
      worker.once('error', reject);
    });
  }

  private settle(error: Error | null, result?: ShardGradients): void {
    const w = this.waiting;
    this.waiting = null;
    if (error) this.failure ??= error;
    if (!w) return;
    if (error) w.reject(error);
    else w.resolve(result!);
  }

  compute(request: ShardRequest): Promise<ShardGradients> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(request);
    });
  }

  terminate(): Promise<number> {
    this.worker.removeAllListeners('exit');
    return this.worker.terminate();
  }
}

export class GradientWorkers {
  private constructor(private readonly threads: GradientThread[]) {}

  /** Starts `count` threads for models of this configuration. */
  static async start(config: ModelConfig, count: number): Promise<GradientWorkers> {
    return new GradientWorkers(await Promise.all(Array.from({ length: count }, () => GradientThread.start(config))));
  }

  get count(): number {
    return this.threads.length;
  }

  /**
   * Starts the shards 1..count of a batch (`shards[i]` is shard i + 1) on the threads with the
   * model's current weights; resolves with their gradients.
   */
  compute(model: HierarchicalVae, shards: Float32Array[], step: { seed: number; index: number; beta: number; freeBits: number; freeBitsPer: FreeBitsPer }): Promise<ShardGradients[]> {
    if (shards.length !== this.threads.length) throw new Error(`${shards.length} shards for ${this.threads.length} gradient threads`);
    const weights = flatWeights(model);
    return Promise.all(
      this.threads.map((t, i) =>
        t.compute({
          weights,
          x: shards[i]!,
          beta: step.beta,
          freeBits: step.freeBits,
          freeBitsPer: step.freeBitsPer,
          noiseSeed: stepNoiseSeed(step.seed, step.index, i + 1),
        }),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}
