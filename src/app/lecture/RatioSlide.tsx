/**
 * Slide 6: the likelihood ratio LLR>k. Its formula, the densities of the best LLR>k on both test sets
 * (the paper's Figure 5c), the ROC curves of the bounds and the ratio (Figure 6), and Table 2's
 * unsupervised methods beside this model's measured AUROC (its ELBO, best ratio and the baselines
 * its eval files hold).
 */
import { isBaseline, isRatioOverK, sortScoreNames } from '../../ood/protocol.ts';
import { TABLE2_FASHIONMNIST_MNIST } from '../../ood/paperBaselines.ts';
import { CurveChart } from '../charts/CurveChart.tsx';
import { ScoreDensity } from '../charts/ScoreDensity.tsx';
import { seriesStyle } from '../charts/chartTheme.ts';
import { Tex } from './Tex.tsx';
import { datasetTitle, type LectureData } from './useLectureData.ts';

const f3 = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));

export function RatioSlide({ data }: { data: LectureData }) {
  const c = data.comparison;
  const formula = (
    <div className="slide-formula-top">
      <Tex display tex={String.raw`LLR^{>k}(\mathbf{x}) = \mathcal{L}(\mathbf{x}) - \mathcal{L}^{>k}(\mathbf{x})`} />
    </div>
  );
  if (!c)
    return (
      <>
        {formula}
        <p className="slide-wait">Loading the evaluation files of the model…</p>
      </>
    );
  const all = sortScoreNames(c.scores.map((s) => s.name));
  const ratios = c.scores.filter((s) => isRatioOverK(s.name));
  const best = ratios.reduce((a, b) => (b.auroc > a.auroc ? b : a), ratios[0]!);
  const elbo = c.scores.find((s) => s.name === 'L>0')!;
  // Figure 6 draws the ELBO, the looser bounds below L and the best ratio.
  const shown = c.scores.filter((s) => (s.name.startsWith('L>') && s.name !== `L>${ratios.length}`) || s === best);
  // The baselines measured on this model's own files, where they hold them, beside the paper's citations.
  const ours = [elbo, best, ...c.scores.filter((s) => isBaseline(s.name))];
  return (
    <div className="slide-stack">
      {formula}
      <div className="slide-cols slide-cols--three" data-testid="figure">
        <ScoreDensity
          scoreName={best.name}
          reference={c.inFile.scores[best.name]!}
          compareWith={{ label: `${datasetTitle(c.otherFile.dataset)} test`, values: c.otherFile.scores[best.name]! }}
          referenceLabel={`${datasetTitle(c.inFile.dataset)} test`}
          unit="nats"
          width={270}
          height={240}
          title={`Densities of ${best.name} (Figure 5c)`}
        />
        <CurveChart
          kind="roc"
          width={340}
          height={330}
          curves={shown.map((s) => ({ label: s.name, area: s.auroc, points: s.roc.map((p) => ({ x: p.fpr, y: p.tpr, threshold: p.threshold })) }))}
          styles={shown.map((s) => seriesStyle(all.indexOf(s.name)))}
          title="ROC (Figure 6)"
        />
        <table className="lecture-table" data-testid="table2">
          <caption>
            {datasetTitle(c.inFile.dataset)} vs {datasetTitle(c.otherFile.dataset)}: AUROC (Table 2)
          </caption>
          <thead>
            <tr>
              <th scope="col">method</th>
              <th scope="col">AUROC</th>
              <th scope="col">FPR80</th>
            </tr>
          </thead>
          <tbody>
            {TABLE2_FASHIONMNIST_MNIST.map((r) => (
              <tr key={r.method}>
                <th scope="row">
                  {r.method}
                  {r.assumes !== 'nothing' && <span className="muted"> ({r.assumes === 'labels' ? 'labels' : 'OOD data'})</span>}
                </th>
                <td>{f3(r.auroc)}</td>
                <td>{f3(r.fpr80)}</td>
              </tr>
            ))}
            {ours.map((s) => (
              <tr key={s.name} className="ours">
                <th scope="row">{s.name}, this model</th>
                <td data-score={s.name}>{f3(s.auroc)}</td>
                <td>{f3(s.fpr80)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
