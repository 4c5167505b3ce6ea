/**
 * The page's handle on the training worker: one worker per training run, its messages passed to
 * one handler. Start transfers the images to the worker; pause, resume and stop take effect
 * between batches.
 */
import type { TrainingRequest, TrainingResponse } from '../../workers/protocol.ts';

type StartRequest = Extract<TrainingRequest, { type: 'start' }>;

export class TrainingClient {
  private readonly worker: Worker;

  constructor(onMessage: (msg: TrainingResponse) => void) {
    this.worker = new Worker(new URL('../../workers/trainingWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<TrainingResponse>) => onMessage(ev.data);
    this.worker.onerror = (ev) => onMessage({ type: 'error', message: ev.message || 'the training worker failed to start' });
  }

  /** The images are copied for the worker, so the page keeps its own for previews. */
  start(req: Omit<StartRequest, 'type'>): void {
    this.worker.postMessage({ ...req, type: 'start' } satisfies StartRequest);
  }

  pause(): void {
    this.worker.postMessage({ type: 'pause' } satisfies TrainingRequest);
  }

  resume(): void {
    this.worker.postMessage({ type: 'resume' } satisfies TrainingRequest);
  }

  stop(): void {
    this.worker.postMessage({ type: 'stop' } satisfies TrainingRequest);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
