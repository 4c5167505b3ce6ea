/**
 * A thread that computes the gradients of one shard of each training batch (see
 * GradientWorkers): the weights arrive with every request, so it holds no state of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initNodeBackend } from '../backend/node.ts';
import { validateConfig } from '../hvae/config.ts';
import { imagesToTensor } from '../hvae/bounds.ts';
import { createModel } from '../hvae/createModel.ts';
import { setFlatWeights, shardGradients } from '../hvae/training.ts';
import type { ShardRequest } from './gradientWorkers.ts';

const port = parentPort;
if (!port) throw new Error('gradientWorker.ts runs as a worker thread');

await initNodeBackend();
const model = createModel(validateConfig(workerData.config), 0);
port.postMessage({ ready: true });

port.on('message', (m: ShardRequest) => {
  try {
    setFlatWeights(model, m.weights);
    const [h, w, c] = model.config.inputShape;
    const x = imagesToTensor(m.x, m.x.length / (h * w * c), model.config.inputShape);
    const r = shardGradients(model, x, m.beta, m.freeBits, m.freeBitsPer, m.noiseSeed);
    x.dispose();
    port.postMessage({ result: r }, [r.grads.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
