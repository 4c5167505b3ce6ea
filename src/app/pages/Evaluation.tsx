/**
 * The evaluation page: for a shipped model and each evaluated split, ROC and precision-recall
 * curves of every score (the paper's Figures 6-7), score densities (Figure 5), the metrics beside
 * the paper's Tables 1, 2, 7 and 8, the images behind any region of a density, and a live
 * rescoring of a sample of the test sets that redraws everything from the model in the page.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { isBound, pairedOodSet, scoreUnit, sortScoreNames } from '../../ood/protocol.ts';
import { engineOf, type EvalFile } from '../../ood/evalFile.ts';
import { defaultModel, fetchModelIndex, type ModelEntry } from '../assets.ts';
import { comparisonsOf, scoreLive, splitLabel, useComparisons, useModelEval, type Comparison, type LiveProgress } from '../evalData.ts';
import { useView } from '../store.ts';
import { CurveChart, type Curve } from '../charts/CurveChart.tsx';
import { ScoreDensity, type ScoreUnit } from '../charts/ScoreDensity.tsx';
import { DENSITY_STYLE, seriesStyle } from '../charts/chartTheme.ts';
import { download, toCsv } from '../charts/exportChart.ts';
import { ChartExport } from '../components/ChartExport.tsx';
import { NumberChoice } from '../components/NumberChoice.tsx';
import { MetricsTable } from '../components/MetricsTable.tsx';
import { BitsPerDimTable } from '../components/BitsPerDimTable.tsx';
import { ImagesInRange } from '../components/ImagesInRange.tsx';
import './evaluation.css';

const LIVE_COUNTS = [100, 250, 500, 1000] as const;
/** Shown by default: the paper's Figure 6 draws L>0..L>2 and the ratios LLR>1, LLR>2. */
const DEFAULT_CURVES = ['L>0', 'L>1', 'L>2', 'LLR>1', 'LLR>2'];
const DIMS = 784;

interface LiveResult {
  files: EvalFile[];
  seconds: number;
  perSet: number;
}

interface Selection {
  scoreName: string;
  range: [number, number];
}

export function Evaluation() {
  const view = useView();
  const [models, setModels] = useState<ModelEntry[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    fetchModelIndex().then(
      (list) => {
        setModels(list);
        const current = useView.getState().model;
        const entry = defaultModel(list);
        if (!list.some((m) => m.name === current) && entry) useView.getState().set({ model: entry.name });
      },
      (e: Error) => setMessage(e.message),
    );
  }, []);
  const entry = models?.find((m) => m.name === view.model) ?? null;
  const inDataset = entry?.dataset ?? null;
  const { data, error } = useModelEval(entry);

  const [samples, setSamples] = useState(1);
  useEffect(() => {
    if (data && !data.sampleCounts.includes(samples) && data.sampleCounts[0] !== undefined) setSamples(data.sampleCounts[0]);
  }, [data, samples]);
  const shipped = useComparisons(data, inDataset, samples);

  const [live, setLive] = useState<LiveResult | null>(null);
  const [useLive, setUseLive] = useState(false);
  // The per-example choice of k of live scores takes its reference from the shipped train split of the same S.
  const liveComparisons = useMemo(
    () => (live && inDataset ? comparisonsOf(live.files, inDataset, live.files[0]!.importance_samples, data?.files ?? live.files) : []),
    [live, inDataset, data],
  );
  const comparisons = useLive && live ? liveComparisons : shipped;

  const [against, setAgainst] = useState<string | null>(null);
  const comparison: Comparison | null = comparisons.find((c) => c.label === against) ?? comparisons[0] ?? null;

  const allScores = useMemo(() => sortScoreNames(comparison?.scores.map((s) => s.name) ?? []), [comparison]);
  const [shown, setShown] = useState<string[]>(DEFAULT_CURVES);
  const curvesShown = allScores.filter((s) => shown.includes(s));
  const [unit, setUnit] = useState<ScoreUnit>('nats');
  const [selection, setSelection] = useState<Selection | null>(null);
  useEffect(() => setSelection(null), [comparison]);

  // New model: earlier live scores belong to the old one.
  useEffect(() => {
    setLive(null);
    setUseLive(false);
  }, [entry]);

  const rocRef = useRef<SVGSVGElement>(null);
  const prRef = useRef<SVGSVGElement>(null);
  // Styles follow the score, not its position among the shown ones, so toggling never recolours a curve.
  const styleOf = (name: string) => seriesStyle(allScores.indexOf(name));
  // Both charts' curves once per comparison and choice of scores: a re-render (e.g. live progress) must not rebuild 10,000-point curves.
  const shownKey = curvesShown.join(',');
  const chartCurves = useMemo((): Record<'roc' | 'pr', Curve[]> => {
    const picked = shownKey ? shownKey.split(',').map((name) => comparison?.scores.find((s) => s.name === name)) : [];
    const found = picked.filter((c) => c !== undefined);
    return {
      roc: found.map((c) => ({ label: c.name, area: c.auroc, points: c.roc.map((p) => ({ x: p.fpr, y: p.tpr, threshold: p.threshold })) })),
      pr: found.map((c) => ({ label: c.name, area: c.auprc, points: c.pr.map((p) => ({ x: p.recall, y: p.precision, threshold: p.threshold })) })),
    };
  }, [comparison, shownKey]);
  const curves = (kind: 'roc' | 'pr'): Curve[] => chartCurves[kind];
  const legend = (kind: 'roc' | 'pr') =>
    curves(kind).map((c) => ({ label: `${c.label} (${kind === 'roc' ? 'AUROC' : 'AUPRC'} ${c.area.toFixed(3)})`, ...styleOf(c.label) }));

  const engines = comparison ? [...new Set([comparison.inFile, comparison.otherFile].map(engineOf))].join(' and ') : '';
  const source = useLive && live ? `live: ${live.perSet} images per test set scored in this page` : `shipped eval files, computed by ${engines}`;
  const fileBase = (what: string) => `${entry?.name ?? 'model'}-${comparison?.label.replace(' ', '-') ?? ''}-S${comparison?.inFile.importance_samples ?? samples}-${what}${useLive && live ? '-live' : ''}`;

  const exportCsv = () => {
    if (!comparison) return;
    const names = allScores;
    const rows = [comparison.inFile, comparison.otherFile].flatMap((f) =>
      f.indices.map((index, i) => [f.dataset, f.split, index, ...names.map((n) => f.scores[n]![i]!)]),
    );
    const unitOf = (n: string) => (scoreUnit(n) === 'percentile' ? 'percentile 0-1' : 'nats');
    download(toCsv(['dataset', 'split', 'index', ...names.map((n) => `${n} (${unitOf(n)})`)], rows), `${fileBase('scores')}.csv`, 'text/csv');
  };

  return (
    <div className="evaluation">
      <section className="controls" aria-label="What to show">
        <label>
          Model{' '}
          <select value={view.model ?? ''} onChange={(e) => view.set({ model: e.target.value })} disabled={!models?.length}>
            {models?.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
                {m.dataset ? ` (trained on ${m.dataset})` : ''}
              </option>
            ))}
          </select>
        </label>
        <NumberChoice label="Importance samples S" value={samples} choices={data?.sampleCounts ?? []} onChange={setSamples} disabled={!data || (useLive && !!live)} />
        <label>
          Compare the {inDataset ?? 'in-distribution'} test set with{' '}
          <select value={comparison?.label ?? ''} onChange={(e) => setAgainst(e.target.value)} data-testid="against">
            {comparisons.map((c) => (
              <option key={c.label} value={c.label}>
                {c.label}
                {c.kind === 'train' ? ' (training split)' : ' (OOD)'}
              </option>
            ))}
          </select>
        </label>
        {live && (
          <label>
            <input type="checkbox" checked={useLive} onChange={(e) => setUseLive(e.target.checked)} /> Use the live scores
          </label>
        )}
        <p className="source-line" data-testid="source">
          Source: {source}
        </p>
      </section>

      {(message || error) && (
        <p className="message" role="alert">
          {message ?? error}
        </p>
      )}
      {entry && entry.evalFiles.length === 0 && (
        <p className="message">
          {entry.name} has no eval files; run <code>npm run eval -- --model models/{entry.name}</code> to write them.
        </p>
      )}

      {entry && inDataset && (
        <LivePanel
          key={entry.name}
          entry={entry}
          inDataset={inDataset}
          oodDataset={comparison?.kind === 'ood' ? comparison.otherFile.dataset : pairedOodSet(inDataset)}
          samples={samples}
          onDone={(r) => {
            setLive(r);
            setUseLive(true);
          }}
        />
      )}

      {comparison && inDataset && (
        <>
          <section aria-label="Metrics">
            <h2>Metrics beside the paper</h2>
            {comparisons.map((c) => (
              <MetricsTable key={c.label} comparison={c} inDataset={inDataset} scoreNames={sortScoreNames(c.scores.map((s) => s.name))} />
            ))}
            <button type="button" onClick={exportCsv}>
              Save the per-example scores of {inDataset} test and {comparison.label} as CSV
            </button>
          </section>

          <section aria-label="ROC and precision-recall curves">
            <h2>
              {inDataset} test vs {comparison.label}: ROC and precision-recall (the paper&apos;s Figures 6 and 7)
            </h2>
            <fieldset className="score-picker">
              <legend>Scores drawn</legend>
              {allScores.map((name) => (
                <label key={name}>
                  <input
                    type="checkbox"
                    checked={shown.includes(name)}
                    onChange={(e) => setShown(e.target.checked ? [...shown, name] : shown.filter((s) => s !== name))}
                  />{' '}
                  {name}
                </label>
              ))}
            </fieldset>
            <div className="curve-row">
              <div data-testid="roc">
                <CurveChart ref={rocRef} kind="roc" curves={curves('roc')} styles={curvesShown.map(styleOf)} title="ROC" />
                <ChartExport svgRef={rocRef} title={`ROC, ${inDataset} test vs ${comparison.label}`} legend={legend('roc')} fileBase={fileBase('roc')} />
              </div>
              <div data-testid="pr">
                <CurveChart ref={prRef} kind="pr" curves={curves('pr')} styles={curvesShown.map(styleOf)} title="Precision-recall" />
                <ChartExport svgRef={prRef} title={`Precision-recall, ${inDataset} test vs ${comparison.label}`} legend={legend('pr')} fileBase={fileBase('pr')} />
              </div>
            </div>
          </section>

          <section aria-label="Score densities">
            <h2>Score densities (the paper&apos;s Figure 5)</h2>
            <p>
              Filled: {inDataset} test; dashed: {comparison.label}. Each density uses every example of its file ({comparison.inFile.indices.length.toLocaleString('en')} and{' '}
              {comparison.otherFile.indices.length.toLocaleString('en')}).{' '}
              <label>
                Unit{' '}
                <select value={unit} onChange={(e) => setUnit(e.target.value as ScoreUnit)}>
                  <option value="nats">nats</option>
                  <option value="bits/dim">bits/dim</option>
                </select>
              </label>
            </p>
            <div className="density-grid">
              {allScores.map((name) => (
                <DensityWithExport
                  key={name}
                  name={name}
                  comparison={comparison}
                  inDataset={inDataset}
                  unit={unit}
                  fileBase={fileBase(`density-${name.replace('>', 'gt')}`)}
                  selection={selection?.scoreName === name ? selection.range : undefined}
                  onSelectRange={(range) => setSelection({ scoreName: name, range })}
                />
              ))}
            </div>
            {selection && <ImagesInRange scoreName={selection.scoreName} range={selection.range} files={[comparison.inFile, comparison.otherFile]} />}
          </section>

          <section aria-label="Bits per dimension">
            <h2>Bits per dimension (the paper&apos;s Table 1)</h2>
            <BitsPerDimTable
              files={[comparison.inFile, ...comparisons.map((c) => c.otherFile)]}
              inDataset={inDataset}
              bounds={allScores.filter(isBound)}
              dims={DIMS}
            />
          </section>
        </>
      )}
    </div>
  );
}

function DensityWithExport({
  name,
  comparison,
  inDataset,
  unit,
  fileBase,
  selection,
  onSelectRange,
}: {
  name: string;
  comparison: Comparison;
  inDataset: string;
  unit: ScoreUnit;
  fileBase: string;
  selection: [number, number] | undefined;
  onSelectRange: (range: [number, number]) => void;
}) {
  const ref = useRef<SVGSVGElement>(null);
  const reference = useMemo(() => comparison.inFile.scores[name]!, [comparison, name]);
  const other = comparison.otherFile.scores[name]!;
  const auroc = comparison.scores.find((s) => s.name === name)?.auroc;
  const title = `${name}${auroc !== undefined ? ` (AUROC ${auroc.toFixed(3)})` : ''}`;
  return (
    <div data-testid={`density-${name}`}>
      <ScoreDensity
        ref={ref}
        scoreName={name}
        reference={reference}
        unit={scoreUnit(name) === 'percentile' ? 'percentile' : unit}
        dims={DIMS}
        title={title}
        referenceLabel={`${inDataset} test`}
        compareWith={{ label: splitLabel(comparison.otherFile), values: other }}
        selection={selection}
        onSelectRange={onSelectRange}
      />
      <ChartExport
        svgRef={ref}
        title={`${title}: ${inDataset} test vs ${comparison.label}`}
        legend={[
          { label: `${inDataset} test`, colour: DENSITY_STYLE.reference, dash: '' },
          { label: comparison.label, colour: DENSITY_STYLE.compare, dash: DENSITY_STYLE.compareDash },
        ]}
        fileBase={fileBase}
      />
    </div>
  );
}

function LivePanel({
  entry,
  inDataset,
  oodDataset,
  samples,
  onDone,
}: {
  entry: ModelEntry;
  inDataset: string;
  /** The OOD set on show: live scoring takes the in-distribution test set and this one, not every OOD set. */
  oodDataset: string;
  samples: number;
  onDone: (r: LiveResult) => void;
}) {
  const backend = useView((v) => v.backend);
  const [perSet, setPerSet] = useState<number>(LIVE_COUNTS[0]);
  const [progress, setProgress] = useState<LiveProgress | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  const datasets = [inDataset, oodDataset];

  const start = () => {
    const c = new AbortController();
    controller.current = c;
    setStatus(null);
    const t = performance.now();
    scoreLive({ entry, backend, datasets, perSet, samples, onProgress: setProgress, signal: c.signal }).then(
      (files) => {
        const seconds = (performance.now() - t) / 1000;
        setStatus(`Scored ${(perSet * datasets.length).toLocaleString('en')} images in ${seconds.toFixed(1)} s; the figures below now show them.`);
        onDone({ files, seconds, perSet });
      },
      (e: Error) => setStatus(e.name === 'AbortError' ? 'Cancelled; the figures keep their previous scores.' : `Live scoring failed: ${e.message}`),
    ).finally(() => {
      controller.current = null;
      setProgress(null);
    });
  };

  return (
    <section className="live" aria-label="Live recompute">
      <h2>Score the test sets now</h2>
      <p>
        Rescore a seeded sample of {datasets.join(' and ')} test images with the model running in this page (S = {samples}), and redraw every figure from
        those scores.
      </p>
      <div className="live-controls">
        <NumberChoice label="Images per set" value={perSet} choices={LIVE_COUNTS} onChange={setPerSet} disabled={progress !== null} />
        {progress ? (
          <button type="button" onClick={() => controller.current?.abort()}>
            Cancel
          </button>
        ) : (
          <button type="button" onClick={start}>
            Score {perSet * datasets.length} images now
          </button>
        )}
        {progress && (
          <>
            <progress max={progress.total} value={progress.done} aria-label="Live scoring progress" />
            <span data-testid="live-progress">
              {progress.done} / {progress.total} ({progress.current})
            </span>
          </>
        )}
      </div>
      {status && (
        <p data-testid="live-status" role="status">
          {status}
        </p>
      )}
    </section>
  );
}
