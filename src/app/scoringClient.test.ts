import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerRequest } from '../workers/protocol.ts';
import { ScoringClient } from './scoringClient.ts';

/** A stand-in for the scoring worker: records each request and answers a score request when told. */
class FakeWorker {
  static last: FakeWorker;
  readonly requests: WorkerRequest[] = [];
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: unknown = null;
  constructor() {
    FakeWorker.last = this;
  }
  postMessage(req: WorkerRequest): void {
    this.requests.push(req);
  }
  answer(i: number, elbo: number): void {
    const scores = { bounds: [elbo], ratios: [0], boundsBelow: [null], klPerLayer: [], logPxGivenZ: elbo, reconstructions: [] };
    this.onmessage!({ data: { type: 'scores', id: this.requests[i]!.id, scores, ms: 1, backend: 'cpu' } });
  }
}

const SETTINGS = { samples: 1, lowerLatents: 'mode' as const, seed: 1, ls: [] };
const image = (v: number) => new Float32Array(784).fill(v);

describe('ScoringClient.scoreLatest', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('scores the newest image only, and an image just scored or being scored is not scored again', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const client = new ScoringClient(
      () => {},
      () => {},
    );
    const w = FakeWorker.last;
    const a = client.scoreLatest(image(0.1), SETTINGS);
    const superseded = client.scoreLatest(image(0.2), SETTINGS);
    const b = client.scoreLatest(image(0.3), SETTINGS);
    expect(await superseded).toBeNull();
    // The stroke's end repeats the frame being scored: it waits for that scoring instead of queueing another.
    const again = client.scoreLatest(image(0.1), SETTINGS);
    expect(await b).toBeNull();
    w.answer(0, -100);
    expect((await a)!.scores.bounds).toEqual([-100]);
    expect((await again)!.scores.bounds).toEqual([-100]);
    expect(w.requests).toHaveLength(1);
    // Once done, the same image comes from the last result; another image or other settings are scored.
    expect((await client.scoreLatest(image(0.1), SETTINGS))!.scores.bounds).toEqual([-100]);
    const other = client.scoreLatest(image(0.1), { ...SETTINGS, seed: 2 });
    await Promise.resolve();
    expect(w.requests).toHaveLength(2);
    w.answer(1, -90);
    expect((await other)!.scores.bounds).toEqual([-90]);
  });
});

describe('ScoringClient.regret', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('passes each refit step to its listener and resolves with the answer, not with the first progress message', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const client = new ScoringClient(
      () => {},
      () => {},
    );
    const w = FakeWorker.last;
    const steps: string[] = [];
    const done = client.regret(image(0.5), (t, of) => steps.push(`${t}/${of}`));
    const { id } = w.requests[0]!;
    expect(w.requests[0]!.type).toBe('regret');
    for (const t of [1, 2]) w.onmessage!({ data: { type: 'regretProgress', id, steps: t, of: 100 } });
    w.onmessage!({ data: { type: 'regret', id, before: -300, after: -290, regret: 10, ms: 5, backend: 'wasm' } });
    expect((await done).regret).toBe(10);
    expect(steps).toEqual(['1/100', '2/100']);
    // A late progress message of the answered request reaches no listener.
    w.onmessage!({ data: { type: 'regretProgress', id, steps: 3, of: 100 } });
    expect(steps).toHaveLength(2);
  });
});
