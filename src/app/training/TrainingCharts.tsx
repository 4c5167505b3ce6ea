/**
 * The live charts of a training run: the ELBO per step and per epoch (with bits/dim on a second
 * axis), the KL of each latent layer per step (which layers carry the likelihood), and after each
 * epoch the held-out AUROC of every LLR>k and of L>0, so OOD detection can be watched emerging.
 * A table repeats the per-epoch numbers for reading them exactly.
 */
import { useMemo } from 'react';
import type { EpochReport, StepReport } from '../../workers/protocol.ts';
import { formatNumber } from '../charts/chartTheme.ts';
import { KlBars } from '../charts/KlBars.tsx';
import { LineChart, type LineSeries } from './LineChart.tsx';

/** Bits per dimension of a log-likelihood bound in nats (bounds.ts has the same, but imports tfjs). */
const bitsPerDimOf = (nats: number, dims: number) => -nats / (dims * Math.LN2);

export interface TrainingChartsProps {
  steps: StepReport[];
  epochs: EpochReport[];
  /** L: the held-out AUROC is shown for LLR>1..LLR>L. */
  numStages: number;
  latentNames: string[];
  batchesPerEpoch: number;
  totalEpochs: number;
  dims: number;
}

export function TrainingCharts({ steps, epochs, numStages: L, latentNames, batchesPerEpoch, totalEpochs, dims }: TrainingChartsProps) {
  const elboSeries = useMemo<LineSeries[]>(() => {
    const atEpochEnd = (e: EpochReport) => e.epoch * batchesPerEpoch;
    const series: LineSeries[] = [
      { label: 'ELBO of each batch', points: steps.map((s) => ({ x: s.step, y: s.elbo })) },
      { label: 'training ELBO, mean of the epoch', points: epochs.map((e) => ({ x: atEpochEnd(e), y: e.trainElbo })), markers: true },
    ];
    if (epochs.some((e) => e.heldOut)) series.push({ label: 'held-out ELBO after the epoch', points: epochs.flatMap((e) => (e.heldOut ? [{ x: atEpochEnd(e), y: e.heldOut.elbo }] : [])), markers: true });
    return series;
  }, [steps, epochs, batchesPerEpoch]);

  const klSeries = useMemo<LineSeries[]>(
    () => latentNames.map((label, i) => ({ label, points: steps.map((s) => ({ x: s.step, y: s.kl[i]! })) })),
    [steps, latentNames],
  );

  const scoreNames = useMemo(() => [...Array.from({ length: L }, (_, k) => `LLR>${k + 1}`), 'L>0'], [L]);
  const aurocSeries = useMemo<LineSeries[]>(
    () => scoreNames.map((name) => ({ label: name, points: epochs.flatMap((e) => (e.heldOut ? [{ x: e.epoch, y: e.heldOut.auroc[name]! }] : [])), markers: true })),
    [epochs, scoreNames],
  );
  const hasHeldOut = epochs.some((e) => e.heldOut);
  const last = steps.at(-1);
  const lastEpoch = epochs.at(-1);
  const secondAxis = useMemo(() => ({ label: 'bits/dim', convert: (y: number) => bitsPerDimOf(y, dims) }), [dims]);

  return (
    <div className="training-charts">
      <LineChart
        title="ELBO while training"
        series={elboSeries}
        xLabel="step (batch)"
        yLabel="ELBO (nats)"
        secondAxis={secondAxis}
        xMin={[0, batchesPerEpoch * totalEpochs]}
        summary={last ? `ELBO of the latest batch ${formatNumber(last.elbo)} nats (${formatNumber(bitsPerDimOf(last.elbo, dims))} bits/dim) at step ${last.step}.` : 'No steps yet.'}
      />
      <LineChart
        title="KL per latent layer"
        series={klSeries}
        xLabel="step (batch)"
        yLabel="KL (nats)"
        xMin={[0, batchesPerEpoch * totalEpochs]}
        summary={last ? `KL per latent layer at step ${last.step}: ${last.kl.map((v, i) => `${latentNames[i]} ${formatNumber(v)} nats`).join(', ')}.` : 'No steps yet.'}
      />
      {lastEpoch?.heldOut && <KlBars values={lastEpoch.heldOut.kl} labels={latentNames} title={`Held-out KL per latent layer after epoch ${lastEpoch.epoch} (nats)`} />}
      {hasHeldOut && (
        <LineChart
          title="OOD detection on the held-out sets (AUROC)"
          series={aurocSeries}
          xLabel="epoch"
          yLabel="AUROC"
          yDomain={[0, 1]}
          xMin={[0, totalEpochs]}
          guides={[{ y: 0.5, label: 'chance' }]}
          summary={lastEpoch?.heldOut ? `AUROC after epoch ${lastEpoch.epoch}: ${scoreNames.map((n) => `${n} ${lastEpoch.heldOut!.auroc[n]!.toFixed(3)}`).join(', ')}.` : 'No epoch finished yet.'}
        />
      )}
      {epochs.length > 0 && (
        <table className="epoch-table" data-testid="epoch-table">
          <caption>After each epoch (ELBO in nats; AUROC of held-out in-distribution vs OOD images, OOD positive)</caption>
          <thead>
            <tr>
              <th scope="col">epoch</th>
              <th scope="col">training ELBO</th>
              <th scope="col">held-out ELBO</th>
              <th scope="col">bits/dim</th>
              <th scope="col">KL {latentNames.join(' / ')}</th>
              {scoreNames.map((n) => (
                <th key={n} scope="col">
                  AUROC {n}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {epochs.map((e) => {
              const ref = e.heldOut?.elbo ?? e.trainElbo;
              return (
                <tr key={e.epoch}>
                  <th scope="row">{e.epoch}</th>
                  <td data-train-elbo={e.trainElbo}>{formatNumber(e.trainElbo)}</td>
                  <td>{e.heldOut ? formatNumber(e.heldOut.elbo) : '—'}</td>
                  <td>{bitsPerDimOf(ref, dims).toFixed(4)}</td>
                  <td>{(e.heldOut?.kl ?? e.trainKl).map((v) => formatNumber(v)).join(' / ')}</td>
                  {scoreNames.map((n) => (
                    <td key={n} data-auroc={n}>
                      {e.heldOut ? e.heldOut.auroc[n]!.toFixed(3) : '—'}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
