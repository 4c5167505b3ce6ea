/** Slide 1: the FashionMNIST model gives MNIST higher likelihood (densities of L>0 on both test sets, AUROC below 0.5). */
import { ScoreDensity } from '../charts/ScoreDensity.tsx';
import { paperMetricFor } from '../../ood/paperResults.ts';
import { datasetTitle, type LectureData } from './useLectureData.ts';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

export function ParadoxSlide({ data }: { data: LectureData }) {
  const c = data.comparison;
  if (!c) return <p className="slide-wait">Loading the evaluation files of the model…</p>;
  const l0 = c.scores.find((s) => s.name === 'L>0');
  const paper = paperMetricFor(c.inFile.dataset, c.otherFile.dataset, 'L>0', 1);
  const inSet = datasetTitle(c.inFile.dataset);
  const outSet = datasetTitle(c.otherFile.dataset);
  const { live } = data;
  return (
    <div className="slide-cols slide-cols--wide-left">
      <div data-testid="figure">
        <ScoreDensity
          scoreName="L>0"
          reference={c.inFile.scores['L>0']!}
          compareWith={{ label: `${outSet} test (never seen)`, values: c.otherFile.scores['L>0']! }}
          referenceLabel={`${inSet} test (trained on ${inSet})`}
          unit="nats"
          width={540}
          height={290}
          title="ELBO L>0 of every test image (higher = more likely)"
        />
      </div>
      <div className="slide-side">
        {l0 && (
          <p className="callout" data-testid="paradox-auroc">
            <span className="callout-label">AUROC of L&gt;0 for flagging {outSet}</span>
            <span className="callout-number">{l0.auroc.toFixed(3)}</span>
            <span>{l0.auroc < 0.5 ? 'below 0.5: worse than a coin flip' : 'above 0.5 for this model'}</span>
            {paper && <span className="muted">paper: {paper.auroc.toFixed(3)}</span>}
          </p>
        )}
        <p>
          Mean log-likelihood: {inSet} <strong>{mean(c.inFile.scores['L>0']!).toFixed(0)}</strong> nats, {outSet}{' '}
          <strong>{mean(c.otherFile.scores['L>0']!).toFixed(0)}</strong> nats.
        </p>
        <p className="muted">
          {live.perSet ? `Live: ${live.perSet} images per test set scored in this browser.` : `${c.inFile.indices.length.toLocaleString('en')} + ${c.otherFile.indices.length.toLocaleString('en')} test images, scored by this model (npm run eval).`}
        </p>
        {live.progress ? (
          <p>
            <progress max={live.progress.total} value={live.progress.done} aria-label="Live scoring progress" /> {live.progress.done} / {live.progress.total}{' '}
            <button type="button" onClick={live.cancel}>
              Cancel
            </button>
          </p>
        ) : (
          <button type="button" onClick={live.start} disabled={!data.entry}>
            Rescore live in this browser
          </button>
        )}
        {live.error && <p role="alert">{live.error}</p>}
      </div>
    </div>
  );
}
