/**
 * The page's handle on the scoring worker: promises per request, and for live drawing a
 * "latest wins" queue: while one scoring runs, only the newest waiting image is kept.
 */
import type { BackendChoice } from '../backend/backendNames.ts';
import { sameValues } from '../data/floatArrays.ts';
import type { LayerValues } from '../hvae/representations.ts';
import type { ImageScores, ScoreSettings, WorkerRequest, WorkerResponse } from '../workers/protocol.ts';

type Ready = Extract<WorkerResponse, { type: 'ready' }>;
type Scored = Extract<WorkerResponse, { type: 'scores' }>;
type Regret = Extract<WorkerResponse, { type: 'regret' }>;
/** One scoreLatest request: its image and settings (and their key), and its promise with the resolver. */
interface LatestJob {
  image: Float32Array;
  settings: ScoreSettings;
  key: string;
  resolve: (r: Scored | null) => void;
  done: Promise<Scored | null>;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class ScoringClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }>();
  /** Progress listeners of requests that report before they answer (a regret's refit steps). */
  private readonly progress = new Map<number, (steps: number, of: number) => void>();
  private running = false;
  private waiting: LatestJob | null = null;
  /** The image scoreLatest scored last or is scoring now: asked again (a stroke's end repeats its last frame), it is not scored twice. */
  private last: LatestJob | null = null;

  constructor(
    private readonly onBackendLost: (reason: string, backend: string) => void,
    private readonly onFatal: (message: string) => void,
  ) {
    this.worker = new Worker(new URL('../workers/scoringWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<WorkerResponse>) => this.receive(ev.data);
    this.worker.onerror = (ev) => this.onFatal(ev.message || 'the scoring worker failed to start');
  }

  private receive(msg: WorkerResponse): void {
    if (msg.type === 'backendLost') {
      this.onBackendLost(msg.reason, msg.backend);
      return;
    }
    if (msg.type === 'regretProgress') {
      this.progress.get(msg.id)?.(msg.steps, msg.of);
      return;
    }
    this.progress.delete(msg.id);
    const p = this.pending.get(msg.id);
    if (!p) {
      if (msg.type === 'error') this.onFatal(msg.message);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'error') p.reject(new Error(msg.message));
    else p.resolve(msg);
  }

  private request(req: DistributiveOmit<WorkerRequest, 'id'>, onProgress?: (steps: number, of: number) => void): Promise<WorkerResponse> {
    const id = this.nextId++;
    if (onProgress) this.progress.set(id, onProgress);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id } as WorkerRequest);
    });
  }

  async init(modelUrl: string, backend: BackendChoice): Promise<Ready> {
    return (await this.request({ type: 'init', source: { url: modelUrl }, backend })) as Ready;
  }

  /** Loads a model from the bytes of a .hvae file (a model kept in this browser). */
  async initFromFile(name: string, file: ArrayBuffer, backend: BackendChoice): Promise<Ready> {
    return (await this.request({ type: 'init', source: { name, file }, backend })) as Ready;
  }

  async score(image: Float32Array, settings: ScoreSettings, reconstructions = true, background = false): Promise<Scored> {
    return (await this.request({ type: 'score', image, settings, reconstructions, background })) as Scored;
  }

  /** Scores the newest image only: a call superseded while waiting resolves with null. */
  scoreLatest(image: Float32Array, settings: ScoreSettings): Promise<Scored | null> {
    const key = JSON.stringify(settings);
    this.waiting?.resolve(null);
    this.waiting = null;
    if (this.last && this.last.key === key && sameValues(this.last.image, image)) return this.last.done;
    let resolve!: (r: Scored | null) => void;
    const done = new Promise<Scored | null>((r) => (resolve = r));
    this.waiting = { image, settings, key, resolve, done };
    void this.pump();
    return done;
  }

  private async pump(): Promise<void> {
    if (this.running || !this.waiting) return;
    const job = this.waiting;
    this.waiting = null;
    this.running = true;
    this.last = job;
    try {
      job.resolve(await this.score(job.image, job.settings));
    } catch (e) {
      this.last = null;
      this.onFatal((e as Error).message);
      job.resolve(null);
    } finally {
      this.running = false;
      void this.pump();
    }
  }

  async samplePrior(count: number, seed: number, lowerLatents: ScoreSettings['lowerLatents']): Promise<Float32Array[]> {
    const r = await this.request({ type: 'samplePrior', count, seed, lowerLatents });
    return r.type === 'priorSamples' ? r.images : [];
  }

  /** Scores of a batch of images (count x 784 pixels): per k, one value per image, in nats. */
  async scoreBatch(images: Float32Array, count: number, settings: ScoreSettings): Promise<{ bounds: Float64Array[]; ratios: Float64Array[] }> {
    const r = await this.request({ type: 'scoreBatch', images, count, settings });
    if (r.type !== 'batchScores') throw new Error(`the scoring worker answered ${r.type} to a batch`);
    return { bounds: r.bounds, ratios: r.ratios };
  }

  /** Posterior means per latent layer of a batch of images (count x 784 pixels); z1 first. */
  async posteriorMeans(images: Float32Array, count: number): Promise<{ layers: Float32Array[]; shapes: number[][] }> {
    const r = await this.request({ type: 'posteriorMeans', images, count });
    if (r.type !== 'posteriorMeans') throw new Error(`the scoring worker answered ${r.type} to a request for posterior means`);
    return { layers: r.layers, shapes: r.shapes };
  }

  /** Every layer of the inference network for a batch (count x 784 pixels), bottom to top, each with the images' Gram matrix. */
  async representations(images: Float32Array, count: number): Promise<LayerValues[]> {
    const r = await this.request({ type: 'representations', images, count });
    if (r.type !== 'representations') throw new Error(`the scoring worker answered ${r.type} to a request for representations`);
    return r.layers;
  }

  /** Likelihood regret of one image (count 1, 784 pixels); onProgress after each refit step. Drawing waits meanwhile. */
  async regret(image: Float32Array, onProgress: (steps: number, of: number) => void): Promise<Regret> {
    const r = await this.request({ type: 'regret', image }, onProgress);
    if (r.type !== 'regret') throw new Error(`the scoring worker answered ${r.type} to a likelihood regret`);
    return r;
  }

  terminate(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('the scoring worker was stopped'));
    this.pending.clear();
    this.progress.clear();
  }
}

export type { ImageScores };
