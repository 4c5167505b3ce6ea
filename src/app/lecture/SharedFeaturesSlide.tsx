/**
 * Slide 3: the paper's Figure 2 from two shipped models trained on different datasets: both measures across
 * every layer of the inference network, and the paper's finding beside what these models show (sentences
 * built from the numbers).
 */
import { useMemo } from 'react';
import { LineSwatch } from '../charts/LineSwatch.tsx';
import { STROKE } from '../charts/chartTheme.ts';
import { useView } from '../store.ts';
import { readFigure2 } from './figure2Reading.ts';
import { LayerCurves, seriesColour } from './LayerCurves.tsx';
import { LIVE_IMAGES, useFigure2, type FigureData } from './useFigure2.ts';
import { pairedOodSet } from '../../ood/protocol.ts';
import { datasetTitle, type LectureData } from './useLectureData.ts';

const CHART = { width: 560, height: 168 };

/** One entry per set of test images, then the two styles: dashed for the untrained baseline, a diamond for active units. */
function Legend({ figure }: { figure: FigureData }) {
  const trained = figure.series.filter((s) => s.against === 'trained');
  return (
    <ul className="chart-legend small" aria-hidden="true">
      {trained.map((s) => (
        <li key={s.dataset}>
          <LineSwatch colour={seriesColour(figure.series, s)} width={STROKE.curve} />
          {datasetTitle(s.dataset)} images
        </li>
      ))}
      {figure.series.some((s) => s.against === 'untrained') && (
        <li>
          <LineSwatch colour="#555555" dash="6 4" width={STROKE.curve - 1} />
          second model untrained
        </li>
      )}
      {trained.some((s) => s.layers.some((l) => l.activeCorrelation !== undefined)) && (
        <li>
          <svg width={16} height={16}>
            <rect x={4} y={4} width={8} height={8} transform="rotate(45 8 8)" fill="#ffffff" stroke="#000000" strokeWidth={2} />
          </svg>
          active units only
        </li>
      )}
    </ul>
  );
}

export function SharedFeaturesSlide({ data }: { data: LectureData }) {
  const backend = useView((v) => v.backend);
  const fig = useFigure2(data.models, backend);
  const shown = fig.live.state === 'done' ? fig.live.figure : fig.file;
  const reading = useMemo(() => (shown ? readFigure2(shown.series) : null), [shown]);
  const inSet = data.entry?.dataset ?? null;

  return (
    <div className="slide-cols slide-cols--wide-left" data-testid="figure">
      <div>
        {!fig.pair && (
          <p className="notice" data-testid="figure2-missing">
            Figure 2 needs two models trained on different data. This build ships models trained on {fig.trainedOn.map(datasetTitle).join(', ') || 'no dataset'} only, so
            there is nothing to correlate yet, and no number is shown. Add a model trained on {inSet ? datasetTitle(pairedOodSet(inSet)) : 'another dataset'} to models/
            and rebuild: this panel then computes the figure from both.
          </p>
        )}
        {fig.pair && !shown && fig.live.state !== 'failed' && <p className="slide-wait">{fig.live.state === 'computing' ? fig.live.step : 'Loading the figure…'}</p>}
        {fig.live.state === 'failed' && !shown && <p role="alert">Figure 2 could not be computed: {fig.live.message}</p>}
        {fig.pair && shown && (
          <div data-testid="figure2" data-source={shown.source}>
            <LayerCurves series={shown.series} measure="correlation" {...CHART} />
            <LayerCurves series={shown.series} measure="cka" {...CHART} />
            <Legend figure={shown} />
            <p className="small muted figure2-caption">
              {fig.pair[0].name} vs {fig.pair[1].name}; b: residual block, z: posterior mean;{' '}
              {shown.source === 'file'
                ? `${shown.series[0]!.count} test images of each dataset (npm run figure2).`
                : `${shown.series[0]!.count} test images of each dataset, computed live in this browser in ${Math.round(shown.seconds)} s.`}{' '}
              {fig.live.state === 'computing' ? (
                <span role="status">{fig.live.step}</span>
              ) : fig.live.state === 'failed' ? (
                <span role="alert">Live figure failed: {fig.live.message}</span>
              ) : (
                fig.live.state === 'idle' && (
                  <button type="button" className="figure2-live" onClick={fig.computeLive} data-testid="figure2-live">
                    Recompute live ({LIVE_IMAGES} images)
                  </button>
                )
              )}
              {fig.fileProblem && <span> ({fig.fileProblem})</span>}
            </p>
          </div>
        )}
      </div>
      <div className="slide-side figure2-side">
        <h3>The paper</h3>
        <p className="small">Early layers correlate strongly between the two models; the correlation drops with depth. So low-level features carry little information for OOD detection.</p>
        <h3>These two models</h3>
        {reading ? (
          <ul className="small figure2-reading" data-testid="figure2-reading">
            {reading.sentences.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        ) : (
          <p className="small slide-wait">…</p>
        )}
      </div>
    </div>
  );
}
