/**
 * npm run train -- --config <name> --dataset fashionmnist|mnist --epochs N [--resume]
 *
 * Trains on the wasm backend with a checkpoint every epoch (and on Ctrl-C), a JSONL log per
 * epoch and snapshots of the EMA and the raw weights per epoch under runs/<run>/epochs/<e>/ and
 * <e>-raw/. A non-finite loss stops the run and keeps the last good checkpoint.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { initNodeBackend } from '../backend/node.ts';
import { configByName } from '../hvae/config.ts';
import { createModel } from '../hvae/createModel.ts';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { NonFiniteLossError, StepStatsMean, Trainer, scheduleAt, type FreeBitsPer, type Schedule } from '../hvae/training.ts';
import { bitsPerDim, imagesToTensor, scoreImages } from '../hvae/bounds.ts';
import { loadDataset } from '../data/nodeFiles.ts';
import { binarize } from '../data/binarize.ts';
import { batchesPerEpoch, epochPermutation, trainingBatch } from '../data/trainingBatches.ts';
import { aurocByScore } from '../ood/scoreAurocs.ts';
import { bool, num, parseArgs, runMain, str, UsageError } from './args.ts';
import { hasCheckpoint, loadCheckpoint, restoreTrainer, saveCheckpoint, type LoopState } from './checkpoint.ts';
import { saveModelDir } from './modelFiles.ts';
import { Progress, formatSeconds } from './progress.ts';
import { GradientWorkers } from './gradientWorkers.ts';
import { availableParallelism } from 'node:os';

interface Settings {
  config: string;
  dataset: string;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  ema: number;
  clip: number;
  /** Absent in runs logged before the option: tfjs's default. */
  adamEpsilon?: number;
  schedule: Schedule;
  /** In-distribution test images scored each epoch for the log. */
  evalN: number;
  /** OOD validation set (its train split, never the OOD test split) for monitoring AUROC. */
  oodVal: string;
  trainLimit: number;
}

function freeBitsPer(v: string): FreeBitsPer {
  if (v !== 'element' && v !== 'layer') throw new UsageError(`--free-bits-per must be element or layer, got "${v}"`);
  return v;
}

function stepsPer(v: string): 'step' | 'epoch' {
  if (v !== 'step' && v !== 'epoch') throw new UsageError(`--schedule-steps must be step or epoch, got "${v}"`);
  return v;
}

function positive(v: number, name: string): number {
  if (!(v > 0)) throw new UsageError(`--${name} must be a number above 0, got ${v}`);
  return v;
}

function settingsFromArgs(argv: string[]): { settings: Settings; run: string; resume: boolean; threads: number } {
  const a = parseArgs(argv);
  const config = str(a, 'config');
  const dataset = str(a, 'dataset');
  if (dataset !== 'fashionmnist' && dataset !== 'mnist') throw new UsageError('--dataset must be fashionmnist or mnist');
  const epochs = num(a, 'epochs');
  configByName(config);
  const settings: Settings = {
    config,
    dataset,
    epochs,
    batch: num(a, 'batch', 64),
    lr: num(a, 'lr', 1e-3),
    seed: num(a, 'seed', 1),
    ema: num(a, 'ema', 0.999),
    clip: num(a, 'clip', 0),
    ...(a.flags.has('adam-epsilon') ? { adamEpsilon: positive(num(a, 'adam-epsilon'), 'adam-epsilon') } : {}),
    schedule: {
      freeBits: num(a, 'free-bits', 2),
      freeBitsPer: freeBitsPer(str(a, 'free-bits-per', 'element')),
      freeBitsHoldEpochs: num(a, 'free-bits-hold', Math.ceil(epochs / 2)),
      freeBitsAnnealEpochs: num(a, 'free-bits-anneal', Math.floor(epochs / 2)),
      warmupEpochs: num(a, 'warmup', 0),
      stepsPer: stepsPer(str(a, 'schedule-steps', 'step')),
    },
    evalN: num(a, 'eval-n', 1000),
    oodVal: str(a, 'ood-val', dataset === 'mnist' ? 'fashionmnist' : 'mnist'),
    trainLimit: num(a, 'train-limit', 0),
  };
  // Threads are not a setting of the run: a resumed run may use more or fewer cores.
  const threads = num(a, 'threads', availableParallelism());
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--threads must be a whole number >= 1, got ${threads}`);
  return { settings, run: str(a, 'run', `runs/${config}-${dataset}`), resume: bool(a, 'resume'), threads };
}

async function main(): Promise<void> {
  const { settings: fresh, run, resume, threads } = settingsFromArgs(process.argv.slice(2));
  const backend = await initNodeBackend();
  await mkdir(run, { recursive: true });

  let model: HierarchicalVae;
  let loop: LoopState;
  let settings = fresh;
  let ckptDir: string | null = null;
  if (resume && hasCheckpoint(run)) {
    const c = await loadCheckpoint(run);
    model = c.model;
    loop = c.loop;
    settings = { ...(c.settings as unknown as Settings), epochs: fresh.epochs };
    ckptDir = c.dir;
    console.error(`resuming ${run} at epoch ${loop.epoch + 1}, batch ${loop.batch} (step ${loop.step})`);
  } else {
    if (hasCheckpoint(run)) throw new UsageError(`${run} already has a checkpoint: pass --resume, or --run <other folder>`);
    model = createModel(configByName(settings.config), settings.seed);
    loop = { epoch: 0, batch: 0, step: 0, elapsedSeconds: 0 };
  }

  const train = await loadDataset(settings.dataset, 'train');
  const test = await loadDataset(settings.dataset, 'test');
  const oodVal = await loadDataset(settings.oodVal, 'train');
  const nTrain = settings.trainLimit > 0 ? Math.min(settings.trainLimit, train.count) : train.count;
  const D = 28 * 28;
  const B = settings.batch;
  if (B % threads !== 0) throw new UsageError(`batch ${B} does not split into ${threads} equal shards: pass another --threads`);
  const nBatches = batchesPerEpoch(nTrain, B);

  if (!ckptDir) {
    // Data-dependent init on one binarised batch of the training data.
    const init = binarize(train.images.subarray(0, 256 * D), settings.seed);
    const x = imagesToTensor(init, 256);
    model.initialize(x, settings.seed);
    x.dispose();
  }
  const trainer = new Trainer(
    model,
    { learningRate: settings.lr, seed: settings.seed, emaDecay: settings.ema, clipNorm: settings.clip, freeBitsPer: settings.schedule.freeBitsPer, adamEpsilon: settings.adamEpsilon },
    loop.step,
  );
  if (ckptDir) await restoreTrainer(ckptDir, trainer);

  // Fixed evaluation subsets, binarised once with a fixed seed.
  const evalIn = binarize(test.images.subarray(0, settings.evalN * D), 12345);
  const evalOod = binarize(oodVal.images.subarray(0, settings.evalN * D), 54321);

  let stopRequested = false;
  let firstSignalAt = 0;
  process.on('SIGINT', () => {
    // One Ctrl-C can arrive twice (the terminal signals the process group, and tsx relays it too):
    // only a second press a moment later aborts without saving.
    if (stopRequested && Date.now() - firstSignalAt > 1500) process.exit(130);
    if (stopRequested) return;
    stopRequested = true;
    firstSignalAt = Date.now();
    console.error('\nstopping after this batch; saving a checkpoint (Ctrl-C again to abort without saving)');
  });
  process.on('SIGTERM', () => (stopRequested = true));

  const workers = threads > 1 ? await GradientWorkers.start(model.config, threads - 1) : null;
  const shard = (B / threads) * D;
  console.error(
    `training ${settings.config} (${model.numParams()} parameters) on ${settings.dataset} (${nTrain} images, batch ${B}) for ${settings.epochs} epochs on ${backend}, ${threads} thread${threads > 1 ? 's' : ''}`,
  );
  const batchBuf = new Float32Array(B * D);
  while (loop.epoch < settings.epochs) {
    const epoch = loop.epoch;
    const order = epochPermutation(nTrain, settings.seed, epoch);
    // A resumed epoch trains from here: its rate counts only these batches (elapsed_seconds has the whole run).
    const startBatch = loop.batch;
    const progress = new Progress(`epoch ${epoch + 1}/${settings.epochs}`, nBatches * B, 'img', loop.batch * B);
    const sums = new StepStatsMean(model.latentNames.length);
    const t0 = Date.now();
    for (let b = loop.batch; b < nBatches; b++) {
      const batch = trainingBatch(train.images, D, order, b, batchBuf, settings.seed, epoch);
      const x = imagesToTensor(batch.subarray(0, shard), B / threads);
      const { beta, freeBits } = scheduleAt(settings.schedule, epoch + b / nBatches);
      let stats;
      try {
        stats = workers
          ? await trainer.stepSharded(x, beta, freeBits, (index) =>
              workers.compute(
                model,
                Array.from({ length: workers.count }, (_, i) => batch.slice((i + 1) * shard, (i + 2) * shard)),
                { seed: settings.seed, index, beta, freeBits, freeBitsPer: settings.schedule.freeBitsPer },
              ),
            )
          : trainer.step(x, beta, freeBits);
      } catch (e) {
        x.dispose();
        if (e instanceof NonFiniteLossError) {
          progress.finish();
          throw new NonFiniteLossError(
            `${e.message} at epoch ${epoch + 1}, batch ${b}. The last good checkpoint in ${run}/checkpoint is kept. ` +
              'Try a lower --lr or --clip 100, then --resume.',
          );
        }
        throw e;
      }
      x.dispose();
      loop.step++;
      // The step is synchronous: yield so that a Ctrl-C handler can run between batches.
      await new Promise((resolve) => setImmediate(resolve));
      sums.add(stats);
      const running = sums.mean();
      progress.update((b + 1) * B, `elbo ${running.elbo.toFixed(1)} kl ${running.kl.map((v) => v.toFixed(1)).join('/')}`);
      if (stopRequested) {
        loop.batch = b + 1;
        loop.elapsedSeconds += (Date.now() - t0) / 1000;
        progress.finish();
        await saveCheckpoint(run, trainer, loop, settings as unknown as Record<string, unknown>);
        console.error(`saved checkpoint at epoch ${epoch + 1}, batch ${b + 1}; resume with --resume`);
        await workers?.close();
        return;
      }
    }
    const trainSeconds = progress.finish();
    loop.epoch++;
    loop.batch = 0;

    // Both the raw and the averaged weights are scored and kept: the average lags the raw
    // weights early on and smooths their epoch-to-epoch swings later.
    const tEval = Date.now();
    const validate = async (weights: 'raw' | 'ema') => {
      const sIn = await scoreImages(model, evalIn, settings.evalN, { samples: 1, lowerLatents: 'mode', seed: 7 });
      const sOod = await scoreImages(model, evalOod, settings.evalN, { samples: 1, lowerLatents: 'mode', seed: 8 });
      const folder = weights === 'ema' ? String(loop.epoch) : `${loop.epoch}-raw`;
      await saveModelDir(join(run, 'epochs', folder), model, { dataset: settings.dataset, epoch: loop.epoch, weights });
      return { sIn, sOod };
    };
    const raw = await validate('raw');
    trainer.swapEma();
    const { sIn, sOod } = await validate('ema');
    trainer.swapEma();
    const evalSeconds = (Date.now() - tEval) / 1000;
    loop.elapsedSeconds += (Date.now() - t0) / 1000;

    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const oodAuroc = aurocByScore(sIn, sOod);
    const trainMeans = sums.mean();
    const trainElbo = trainMeans.elbo;
    const testElbo = mean(sIn.bounds[0]!);
    const sched = scheduleAt(settings.schedule, loop.epoch);
    const record = {
      epoch: loop.epoch,
      step: loop.step,
      train_elbo_nats: trainElbo,
      train_bpd: bitsPerDim(trainElbo, D),
      train_loss: trainMeans.loss,
      train_kl_per_layer: trainMeans.kl,
      test_elbo_nats: testElbo,
      test_bpd: bitsPerDim(testElbo, D),
      test_bounds_nats: sIn.bounds.map(mean),
      test_kl_per_layer: sIn.klPerLayer.map(mean),
      test_n: settings.evalN,
      ood_val_set: `${settings.oodVal}/train`,
      ood_val_auroc: oodAuroc,
      ood_val_auroc_raw: aurocByScore(raw.sIn, raw.sOod),
      test_elbo_nats_raw: mean(raw.sIn.bounds[0]!),
      free_bits: sched.freeBits,
      beta: sched.beta,
      seconds_train: trainSeconds,
      seconds_eval: evalSeconds,
      images_per_second: ((nBatches - startBatch) * B) / trainSeconds,
      elapsed_seconds: loop.elapsedSeconds,
      backend,
      threads,
    };
    await appendFile(join(run, 'log.jsonl'), JSON.stringify(record) + '\n');
    await saveCheckpoint(run, trainer, loop, settings as unknown as Record<string, unknown>);
    console.error(
      `epoch ${loop.epoch}: train ${trainElbo.toFixed(2)} nats, test ${testElbo.toFixed(2)} nats (${record.test_bpd.toFixed(4)} bits/dim), ` +
        `KL ${record.test_kl_per_layer.map((v) => v.toFixed(1)).join('/')}, AUROC(val) LLR>1 ${oodAuroc['LLR>1']?.toFixed(3)} (raw weights ${record.ood_val_auroc_raw['LLR>1']?.toFixed(3)}) L>0 ${oodAuroc['L>0']?.toFixed(3)}, ` +
        `${record.images_per_second.toFixed(1)} img/s, epoch ${formatSeconds(trainSeconds)}`,
    );
    if (stopRequested) break;
  }
  await workers?.close();
  trainer.dispose();
  model.dispose();
}

runMain(main, ['NonFiniteLossError', 'DatasetMissingError', 'UnknownDatasetError', 'IdxFormatError', 'WeightsError']);
