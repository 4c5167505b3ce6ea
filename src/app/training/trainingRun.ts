/**
 * The training run of this page session, outside any component: it goes on while the user looks
 * at another page. Holds the worker, the reports it sends (batched to one update per frame, so
 * the page stays smooth however fast the steps come), the outcome, and the trained model file,
 * which is saved in the browser as soon as the run ends. A save the browser refuses keeps the
 * file here, to export or to save again.
 */
import { create } from 'zustand';
import type { BackendAttempt, BackendName } from '../../backend/browser.ts';
import type { EpochReport, StepReport, TrainingRequest, TrainingResponse } from '../../workers/protocol.ts';
import { StorageFullError } from '../indexedDb.ts';
import { freeName, listLocalModels, saveLocalModel, summarize } from '../localModels.ts';
import { TrainingClient } from './trainingClient.ts';

export type RunPhase = 'idle' | 'starting' | 'running' | 'paused' | 'ended';

export interface RunInfo {
  backend: BackendName;
  tried: BackendAttempt[];
  numParams: number;
  numStages: number;
  latentNames: string[];
  dims: number;
  batchSize: number;
  batchesPerEpoch: number;
  epochs: number;
  images: number;
}

export interface RunOutcome {
  kind: 'completed' | 'stopped' | 'diverged' | 'error';
  message: string;
}

export type SaveState = { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; message: string };

export interface RunResult {
  name: string;
  file: ArrayBuffer;
  save: SaveState;
}

interface RunState {
  phase: RunPhase;
  info: RunInfo | null;
  steps: StepReport[];
  epochs: EpochReport[];
  outcome: RunOutcome | null;
  result: RunResult | null;
  /** Bumped whenever the set of saved models changes, so lists reload. */
  savedVersion: number;
}

type StartRequest = Omit<Extract<TrainingRequest, { type: 'start' }>, 'type'>;

interface Actions {
  start(req: StartRequest, name: string): void;
  pause(): void;
  resume(): void;
  stop(): void;
  /** Saves the run's model again (after a refused save), under its name. */
  saveResult(): Promise<void>;
  modelsChanged(): void;
}

const INITIAL: RunState = { phase: 'idle', info: null, steps: [], epochs: [], outcome: null, result: null, savedVersion: 0 };

let client: TrainingClient | null = null;
let pendingSteps: StepReport[] = [];
let frame = 0;

const nextFrame = (f: () => void): number => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(f) : window.setTimeout(f, 16));

export const useTrainingRun = create<RunState & Actions>((set, get) => {
  const flushSteps = () => {
    frame = 0;
    if (pendingSteps.length === 0) return;
    const batch = pendingSteps;
    pendingSteps = [];
    set((s) => ({ steps: [...s.steps, ...batch] }));
  };

  const save = async (name: string, file: ArrayBuffer) => {
    set({ result: { name, file, save: { kind: 'saving' } } });
    try {
      await saveLocalModel(summarize(name, file), file);
      set((s) => ({ result: s.result && { ...s.result, save: { kind: 'saved' } }, savedVersion: s.savedVersion + 1 }));
    } catch (e) {
      const reason = (e as Error).message;
      const message =
        e instanceof StorageFullError
          ? `${reason}. Nothing is lost: the model stays on this page. Export it as a file, or delete saved models below and press Save again.`
          : `The model could not be saved in this browser: ${reason}. It stays on this page: export it as a file.`;
      set((s) => ({ result: s.result && { ...s.result, save: { kind: 'failed', message } } }));
    }
  };

  const end = async (outcome: RunOutcome, file: ArrayBuffer | null, name: string) => {
    flushSteps();
    client?.terminate();
    client = null;
    set({ phase: 'ended', outcome });
    if (!file) return;
    const taken = await listLocalModels().then(
      (list) => list.map((m) => m.name),
      () => [],
    );
    await save(freeName(name, taken), file);
  };

  const receive = (msg: TrainingResponse, req: StartRequest, name: string) => {
    switch (msg.type) {
      case 'started': {
        const { type: _type, ...rest } = msg;
        set({ phase: 'running', info: { ...rest, epochs: req.settings.epochs, images: req.data.count } });
        break;
      }
      case 'step':
        pendingSteps.push(msg.report);
        if (!frame) frame = nextFrame(flushSteps);
        break;
      case 'epoch':
        flushSteps();
        set((s) => ({ epochs: [...s.epochs, msg.report] }));
        break;
      case 'paused':
        flushSteps();
        set({ phase: 'paused' });
        break;
      case 'resumed':
        set({ phase: 'running' });
        break;
      case 'finished':
        void end(
          {
            kind: msg.outcome,
            message: msg.outcome === 'completed' ? 'Training finished.' : 'Training stopped; the model as it was after the last batch is kept.',
          },
          msg.file,
          name,
        );
        break;
      case 'diverged':
        void end({ kind: 'diverged', message: msg.message }, msg.file, name);
        break;
      case 'error':
        void end({ kind: 'error', message: `Training failed: ${msg.message}` }, null, name);
        break;
    }
  };

  return {
    ...INITIAL,
    start(req, name) {
      if (client) return;
      pendingSteps = [];
      set({ ...INITIAL, savedVersion: get().savedVersion, phase: 'starting' });
      client = new TrainingClient((msg) => receive(msg, req, name));
      client.start(req);
    },
    pause() {
      client?.pause();
    },
    resume() {
      client?.resume();
    },
    stop() {
      client?.stop();
    },
    async saveResult() {
      const r = get().result;
      if (r) await save(r.name, r.file);
    },
    modelsChanged() {
      set((s) => ({ savedVersion: s.savedVersion + 1 }));
    },
  };
});
