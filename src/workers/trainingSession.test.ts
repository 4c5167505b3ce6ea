import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../backend/node.ts';
import { loadDataset } from '../data/nodeFiles.ts';
import { TINY_GREY } from '../hvae/config.ts';
import { Hvae } from '../hvae/model.ts';
import type { EpochReport, HeldOutSets, StepReport, TrainData, TrainSettings } from './protocol.ts';
import { TrainingSession, divergenceAdvice, effectiveBatchSize } from './trainingSession.ts';

const D = 784;
const SETTINGS: TrainSettings = { epochs: 2, batchSize: 8, learningRate: 3e-3, freeBits: 2, warmupEpochs: 0, clipNorm: 0, seed: 1 };

describe('training session', () => {
  let data: TrainData;
  let heldOut: HeldOutSets;
  beforeAll(async () => {
    await initNodeBackend();
    const fashion = await loadDataset('fashionmnist', 'train');
    const mnist = await loadDataset('mnist', 'train');
    data = { images: fashion.images.subarray(0, 64 * D), count: 64, dataset: 'fashionmnist', description: '64 FashionMNIST training images' };
    heldOut = {
      inName: 'fashionmnist',
      inImages: fashion.images.subarray(1000 * D, 1050 * D),
      inCount: 50,
      oodName: 'mnist',
      oodImages: mnist.images.subarray(0, 50 * D),
      oodCount: 50,
    };
  });

  function newSession(
    settings: TrainSettings,
    events: Partial<{ step: (r: StepReport, s: TrainingSession) => void; epoch: (r: EpochReport) => void; held: () => void }> = {},
  ) {
    const model = new Hvae(TINY_GREY, 1);
    const session: TrainingSession = new TrainingSession(model, data, heldOut, settings, {
      step: (r) => events.step?.(r, session),
      epoch: (r) => events.epoch?.(r),
      held: () => events.held?.(),
    });
    session.initialiseNewModel();
    return { model, session };
  }

  it('trains every batch of every epoch, the ELBO rises, and each epoch reports held-out AUROC of every score', async () => {
    const steps: StepReport[] = [];
    const epochs: EpochReport[] = [];
    const { model, session } = newSession(SETTINGS, { step: (r) => steps.push(r), epoch: (r) => epochs.push(r) });
    expect(await session.run()).toEqual({ kind: 'completed' });
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(steps.every((s) => s.batchesPerEpoch === 8 && s.kl.length === 3 && s.imagesPerSecond > 0)).toBe(true);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // After the last batch only the last held-out scoring is left, estimated by the one before.
    expect(steps.at(-1)!.etaSeconds).toBeCloseTo(epochs[0]!.evalSeconds, 6);
    expect(epochs[1]!.trainElbo).toBeGreaterThan(epochs[0]!.trainElbo + 20);
    const mean = (a: StepReport[]) => a.reduce((s, r) => s + r.loss, 0) / a.length;
    expect(mean(steps.slice(-3))).toBeLessThan(mean(steps.slice(0, 3)) - 40);
    const auroc = epochs[1]!.heldOut!.auroc;
    expect(Object.keys(auroc)).toEqual(['L>0', 'L>1', 'L>2', 'L>3', 'LLR>1', 'LLR>2', 'LLR>3']);
    expect(Object.values(auroc).every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(epochs[1]!.heldOut!.elbo).toBeLessThan(0);
    model.dispose();
  });

  it('pauses between batches until resumed, says when it has halted, and stops between batches', async () => {
    const steps: number[] = [];
    const heldAfterStep: number[] = [];
    let stepsWhilePaused = -1;
    const { model, session } = newSession(SETTINGS, {
      held: () => heldAfterStep.push(steps.at(-1)!),
      step: (r, s) => {
        steps.push(r.step);
        if (r.step === 2) {
          s.pause();
          const at = steps.length;
          setTimeout(() => {
            stepsWhilePaused = steps.length - at;
            s.resume();
          }, 200);
        }
        if (r.step === 5) s.stop();
      },
    });
    expect(await session.run()).toEqual({ kind: 'stopped' });
    expect(stepsWhilePaused).toBe(0);
    // Halted once, after the step that asked for the pause: no report can follow the "paused" message.
    expect(heldAfterStep).toEqual([2]);
    expect(steps).toEqual([1, 2, 3, 4, 5]);
    model.dispose();
  });

  it('a learning rate that makes the loss non-finite stops training with the last good weights and advice', async () => {
    const { model, session } = newSession({ ...SETTINGS, learningRate: 1 });
    const before = [...model.store.vars.values()].map((v) => Array.from(v.dataSync()));
    const outcome = await session.run();
    expect(outcome.kind).toBe('diverged');
    expect(outcome.kind === 'diverged' && outcome.message).toMatch(/weights from before this training are restored.*lower learning rate \(e\.g\. 0\.1 instead of 1\)/);
    expect([...model.store.vars.values()].map((v) => Array.from(v.dataSync()))).toEqual(before);
    model.dispose();
  });

  it('advice names the restored epoch and the clipping to try; small sets train on all their images per step', () => {
    const msg = divergenceAdvice('loss is NaN', { epoch: 3, batch: 9 }, { ...SETTINGS, learningRate: 1e-3, clipNorm: 100 }, 3);
    expect(msg).toContain('epoch 4, batch 10');
    expect(msg).toContain('the weights from the end of epoch 3 are restored');
    expect(msg).toContain('0.0001 instead of 0.001');
    expect(msg).toContain('a tighter gradient clip (now 100)');
    expect(effectiveBatchSize(SETTINGS, 5)).toBe(5);
    expect(effectiveBatchSize(SETTINGS, 500)).toBe(8);
  });
});
