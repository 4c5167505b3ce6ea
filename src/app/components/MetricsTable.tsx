/**
 * AUROC, AUPRC and FPR80 of every score for one comparison, with the paper's numbers and our
 * difference beside them (the paper's Table 2 and Tables 7-8; its grey-scale figures are all its HVAE's).
 */
import { paperMetricFor } from '../../ood/paperResults.ts';
import type { Comparison } from '../evalData.ts';

const f3 = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;

export interface MetricsTableProps {
  comparison: Comparison;
  inDataset: string;
  /** Scores to list, in order. */
  scoreNames: string[];
}

export function MetricsTable({ comparison, inDataset, scoreNames }: MetricsTableProps) {
  const S = comparison.inFile.importance_samples;
  const n = comparison.scores[0]?.n ?? 0;
  const other = comparison.otherFile.dataset;
  const metrics = ['auroc', 'auprc', 'fpr80'] as const;
  const metricTitle = { auroc: 'AUROC', auprc: 'AUPRC', fpr80: 'FPR80' } as const;
  return (
    <table className="metrics" data-testid={`metrics-${comparison.label}`}>
      <caption>
        {inDataset} test vs {comparison.label}
        {comparison.kind === 'train' ? ' (no-overfitting check: every AUROC should be about 0.5)' : ' (OOD is the positive class)'}, {n.toLocaleString('en')} +{' '}
        {n.toLocaleString('en')} examples, S = {S}. FPR80: false positive rate at 80% true positives, lower is better.
      </caption>
      <thead>
        <tr>
          <th scope="col" rowSpan={2}>
            score
          </th>
          {metrics.map((m) => (
            <th scope="colgroup" colSpan={3} key={m}>
              {metricTitle[m]}
            </th>
          ))}
          <th scope="col" rowSpan={2}>
            paper source
          </th>
        </tr>
        <tr>
          {metrics.map((m) => [
            <th scope="col" key={`${m}-ours`}>
              ours
            </th>,
            <th scope="col" key={`${m}-paper`}>
              paper's HVAE
            </th>,
            <th scope="col" key={`${m}-diff`}>
              difference
            </th>,
          ])}
        </tr>
      </thead>
      <tbody>
        {scoreNames.map((name) => {
          const c = comparison.scores.find((s) => s.name === name);
          if (!c) return null;
          const p = paperMetricFor(inDataset, other, name, S);
          return (
            <tr key={name}>
              <th scope="row">{name}</th>
              {metrics.map((m) => [
                <td key={`${m}-ours`} data-metric={m} data-score={name} data-value={c[m]}>
                  {f3(c[m])}
                </td>,
                <td key={`${m}-paper`}>{f3(p?.[m])}</td>,
                <td key={`${m}-diff`}>{p ? signed(c[m] - p[m]) : '—'}</td>,
              ])}
              <td>{p?.source ?? '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
