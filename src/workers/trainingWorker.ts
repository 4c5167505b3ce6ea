/// <reference lib="webworker" />
/**
 * The training worker: owns a tfjs backend and one TrainingSession, so the page stays responsive
 * while the model trains. It answers pause, resume and stop between batches, and hands back the
 * trained model as a .hvae file when the run ends (completed, stopped, or restored after a NaN).
 */
import { initBrowserBackend, onWebGPUDeviceLost } from '../backend/browser.ts';
import { createModel } from '../hvae/createModel.ts';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { packModelFile, unpackModelFile } from '../hvae/modelFile.ts';
import { deserializeModel, fetchModelFiles, serializeModel } from '../hvae/weightsIo.ts';
import type { TrainingRequest, TrainingResponse } from './protocol.ts';
import { TrainingSession } from './trainingSession.ts';

declare const self: DedicatedWorkerGlobalScope;

let session: TrainingSession | null = null;

function post(msg: TrainingResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

async function modelFile(model: HierarchicalVae, meta: Record<string, unknown>): Promise<ArrayBuffer> {
  const { json, weights } = await serializeModel(model, meta);
  return packModelFile(json, weights).buffer as ArrayBuffer;
}

async function start(req: Extract<TrainingRequest, { type: 'start' }>): Promise<void> {
  if (session) throw new Error('a training is already running in this worker');
  const status = await initBrowserBackend(req.backend);
  let model: HierarchicalVae;
  let startedFrom: Record<string, unknown>;
  if (req.from.kind === 'model') {
    const from = req.from.source;
    const base = 'url' in from ? await fetchModelFiles(from.url) : unpackModelFile(new Uint8Array(from.file), from.name);
    model = deserializeModel(base.json, base.weights);
    startedFrom = { fine_tuned: req.from.name, meta: base.json.meta };
  } else {
    model = createModel(req.from.config, req.settings.seed);
    startedFrom = { new_model: req.from.config.name };
  }
  let epochsDone = 0;
  const s = new TrainingSession(model, req.data, req.heldOut, req.settings, {
    step: (report) => post({ type: 'step', report }),
    epoch: (report) => {
      epochsDone = report.epoch;
      post({ type: 'epoch', report });
    },
    held: () => post({ type: 'paused' }),
  });
  session = s;
  onWebGPUDeviceLost((result) => {
    s.stop();
    const next = 'status' in result ? `start again to train on ${result.status.name}` : `no other backend started: ${result.error.message}`;
    post({ type: 'error', message: `the WebGPU device was lost (${result.reason}) and the model's weights with it; ${next}` });
  });
  if (req.from.kind === 'scratch') s.initialiseNewModel();
  post({
    type: 'started',
    backend: status.name,
    tried: status.tried,
    numParams: model.numParams(),
    numStages: model.numStages,
    latentNames: model.latentNames,
    dims: model.dims,
    batchSize: s.batchSize,
    batchesPerEpoch: s.batchesPerEpoch,
  });
  const t0 = performance.now();
  const outcome = await s.run();
  const meta = {
    dataset: req.data.dataset,
    trained_in: 'browser',
    training_data: req.data.description,
    started_from: startedFrom,
    epochs: epochsDone,
    outcome: outcome.kind,
    training: req.settings,
    backend: status.name,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
  const file = await modelFile(model, meta);
  model.dispose();
  session = null;
  if (outcome.kind === 'diverged') post({ type: 'diverged', message: outcome.message, file }, [file]);
  else post({ type: 'finished', outcome: outcome.kind, file }, [file]);
}

self.onmessage = (ev: MessageEvent<TrainingRequest>) => {
  const req = ev.data;
  if (req.type === 'start') {
    start(req).catch((e: unknown) => {
      session = null;
      post({ type: 'error', message: (e as Error).message || String(e) });
    });
    return;
  }
  if (!session) return;
  if (req.type === 'pause') {
    session.pause();
  } else if (req.type === 'resume') {
    session.resume();
    post({ type: 'resumed' });
  } else session.stop();
};
