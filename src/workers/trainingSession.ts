/**
 * One training run as the page's worker drives it, without the worker: the same batches,
 * schedules and step as `npm run train`, plus what a page needs: pause, resume and stop between
 * batches, progress with an ETA, held-out AUROC after every epoch, and on a NaN or infinite loss
 * the weights of the last good epoch back in place. Runs in Node too, so it is unit-tested there.
 */
import { binarize } from '../data/binarize.ts';
import { batchesPerEpoch, epochPermutation, trainingBatch } from '../data/trainingBatches.ts';
import { imagesToTensor, scoreImages } from '../hvae/bounds.ts';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { NonFiniteLossError, StepStatsMean, Trainer, scheduleAt, type Schedule } from '../hvae/training.ts';
import { WeightSnapshot } from '../hvae/weightSnapshot.ts';
import { aurocByScore } from '../ood/scoreAurocs.ts';
import type { EpochReport, HeldOutSets, StepReport, TrainData, TrainSettings } from './protocol.ts';

export type SessionOutcome = { kind: 'completed' } | { kind: 'stopped' } | { kind: 'diverged'; message: string };

export interface SessionEvents {
  step(report: StepReport): void;
  epoch(report: EpochReport): void;
  /** The run has halted between batches after a pause: no step reports until it resumes. */
  held(): void;
}

/** Images for the data-dependent initialisation of a new model, as the CLI uses. */
const INIT_IMAGES = 256;
/** The held-out sets get one fixed binarisation each, like the CLI's evaluation subsets. */
const HELD_OUT_SEEDS = { in: 12345, ood: 54321, scoreIn: 7, scoreOod: 8 } as const;

/** The schedule of `npm run train` for a given epoch budget: free bits held for half of it, then annealed. */
export function scheduleFor(settings: TrainSettings): Schedule {
  return {
    freeBits: settings.freeBits,
    freeBitsPer: 'element',
    freeBitsHoldEpochs: Math.ceil(settings.epochs / 2),
    freeBitsAnnealEpochs: Math.floor(settings.epochs / 2),
    warmupEpochs: settings.warmupEpochs,
  };
}

/** The batch size actually used: a set smaller than the batch size trains on all of it per step. */
export function effectiveBatchSize(settings: TrainSettings, count: number): number {
  return Math.max(1, Math.min(settings.batchSize, count));
}

/** What to tell the user when the loss diverges: what happened, what was kept, what to change. */
export function divergenceAdvice(cause: string, at: { epoch: number; batch: number }, settings: TrainSettings, restoredEpoch: number): string {
  const kept = restoredEpoch > 0 ? `the weights from the end of epoch ${restoredEpoch} are restored` : 'the weights from before this training are restored';
  const lower = settings.learningRate / 10;
  const clip = settings.clipNorm > 0 ? `a tighter gradient clip (now ${settings.clipNorm})` : 'gradient clipping (e.g. 100)';
  return (
    `Training stopped: the loss became non-finite (${cause}) in epoch ${at.epoch + 1}, batch ${at.batch + 1}; ${kept}. ` +
    `The step was too large for the model: try a lower learning rate (e.g. ${Number(lower.toPrecision(2))} instead of ${settings.learningRate}) or ${clip}.`
  );
}

export class TrainingSession {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private paused = false;
  private stopRequested = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly model: HierarchicalVae,
    private readonly data: TrainData,
    private readonly heldOut: HeldOutSets | null,
    private readonly settings: TrainSettings,
    private readonly events: SessionEvents,
    /** Lets queued messages (pause, stop) run between batches; in a worker, a zero timeout. */
    private readonly yieldToEvents: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 0)),
  ) {
    this.batchSize = effectiveBatchSize(settings, data.count);
    this.batchesPerEpoch = batchesPerEpoch(data.count, this.batchSize);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  /** Waits while paused; true when the run should stop. */
  private async checkpoint(): Promise<boolean> {
    await this.yieldToEvents();
    if (this.paused && !this.stopRequested) this.events.held();
    while (this.paused && !this.stopRequested) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    return this.stopRequested;
  }

  /** Data-dependent initialisation of a new model on the first binarised training images. */
  initialiseNewModel(): void {
    const n = Math.min(INIT_IMAGES, this.data.count);
    const x = imagesToTensor(binarize(this.data.images.subarray(0, n * this.model.dims), this.settings.seed), n, this.model.config.inputShape);
    this.model.initialize(x, this.settings.seed);
    x.dispose();
  }

  async run(): Promise<SessionOutcome> {
    const { model, settings, data } = this;
    const D = model.dims;
    const B = this.batchSize;
    const nBatches = this.batchesPerEpoch;
    const schedule = scheduleFor(settings);
    const trainer = new Trainer(model, { learningRate: settings.learningRate, seed: settings.seed, clipNorm: settings.clipNorm, freeBitsPer: schedule.freeBitsPer });
    const held = this.heldOut && {
      inPixels: binarize(this.heldOut.inImages.subarray(0, this.heldOut.inCount * D), HELD_OUT_SEEDS.in),
      oodPixels: binarize(this.heldOut.oodImages.subarray(0, this.heldOut.oodCount * D), HELD_OUT_SEEDS.ood),
      ...this.heldOut,
    };
    let good = WeightSnapshot.of(model);
    let goodEpoch = 0;
    const scratch = new Float32Array(B * D);
    const totalBatches = nBatches * settings.epochs;
    let step = 0;
    let trainMs = 0;
    let lastEvalMs = 0;
    try {
      for (let epoch = 0; epoch < settings.epochs; epoch++) {
        const order = epochPermutation(data.count, settings.seed, epoch);
        const sums = new StepStatsMean(model.latentNames.length);
        let epochMs = 0;
        for (let b = 0; b < nBatches; b++) {
          const t0 = performance.now();
          const { beta, freeBits } = scheduleAt(schedule, epoch + b / nBatches);
          const x = imagesToTensor(trainingBatch(data.images, D, order, b, scratch, settings.seed, epoch), B, model.config.inputShape);
          let stats;
          try {
            stats = await trainer.stepAsync(x, beta, freeBits);
          } catch (e) {
            if (!(e instanceof NonFiniteLossError)) throw e;
            good.restoreInto(model);
            return { kind: 'diverged', message: divergenceAdvice(e.message, { epoch, batch: b }, settings, goodEpoch) };
          } finally {
            x.dispose();
          }
          const ms = performance.now() - t0;
          trainMs += ms;
          epochMs += ms;
          step++;
          sums.add(stats);
          const remainingBatches = totalBatches - step;
          const remainingEvals = held ? settings.epochs - epoch : 0;
          this.events.step({
            epoch,
            batch: b + 1,
            batchesPerEpoch: nBatches,
            step,
            loss: stats.loss,
            elbo: stats.elbo,
            kl: stats.kl,
            beta,
            freeBits,
            ms,
            imagesPerSecond: (step * B) / (trainMs / 1000),
            etaSeconds: ((trainMs / step) * remainingBatches + lastEvalMs * remainingEvals) / 1000,
          });
          if (await this.checkpoint()) return { kind: 'stopped' };
        }
        const tEval = performance.now();
        const means = sums.mean();
        const report: EpochReport = {
          epoch: epoch + 1,
          trainElbo: means.elbo,
          trainLoss: means.loss,
          trainKl: means.kl,
          heldOut: held ? await this.scoreHeldOut(held.inPixels, held.inCount, held.oodPixels, held.oodCount) : null,
          trainSeconds: epochMs / 1000,
          evalSeconds: 0,
        };
        lastEvalMs = performance.now() - tEval;
        report.evalSeconds = lastEvalMs / 1000;
        // A finished epoch whose numbers are finite is the new point to go back to.
        if (Number.isFinite(report.trainElbo) && (!report.heldOut || Number.isFinite(report.heldOut.elbo))) {
          good.dispose();
          good = WeightSnapshot.of(model);
          goodEpoch = epoch + 1;
        }
        this.events.epoch(report);
        if (await this.checkpoint()) return { kind: 'stopped' };
      }
      return { kind: 'completed' };
    } finally {
      good.dispose();
      trainer.dispose();
    }
  }

  private async scoreHeldOut(inPixels: Float32Array, inCount: number, oodPixels: Float32Array, oodCount: number): Promise<EpochReport['heldOut']> {
    const opts = { samples: 1, lowerLatents: 'mode' as const };
    const sIn = await scoreImages(this.model, inPixels, inCount, { ...opts, seed: HELD_OUT_SEEDS.scoreIn }, 100);
    const sOod = await scoreImages(this.model, oodPixels, oodCount, { ...opts, seed: HELD_OUT_SEEDS.scoreOod }, 100);
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    return { elbo: mean(sIn.bounds[0]!), kl: sIn.klPerLayer.map(mean), auroc: aurocByScore(sIn, sOod) };
  }
}
