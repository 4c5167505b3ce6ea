/** Mean bits/dim of every bound per evaluated split, beside the paper's Table 1. */
import type { EvalFile } from '../../ood/evalFile.ts';
import { PAPER_BITS_PER_DIM } from '../../ood/paperResults.ts';

export interface BitsPerDimTableProps {
  files: EvalFile[];
  inDataset: string;
  bounds: string[];
  dims: number;
}

const meanBitsPerDim = (values: number[], dims: number) => -values.reduce((s, v) => s + v, 0) / values.length / (dims * Math.LN2);

export function BitsPerDimTable({ files, inDataset, bounds, dims }: BitsPerDimTableProps) {
  const S = files[0]?.importance_samples ?? 1;
  return (
    <table className="metrics" data-testid="bits-per-dim">
      <caption>
        Mean bits/dim of each bound, −L&gt;k / (784 ln 2), S = {S}; lower is more likely. The paper&apos;s Table 1 gives its FashionMNIST model on both test sets.
      </caption>
      <thead>
        <tr>
          <th scope="col">split</th>
          <th scope="col">n</th>
          {bounds.map((b) => (
            <th scope="col" key={b}>
              {b} ours
            </th>
          ))}
          {bounds.map((b) => (
            <th scope="col" key={`${b}-paper`}>
              {b} paper
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={`${f.dataset}-${f.split}`}>
            <th scope="row">
              {f.dataset} {f.split}
            </th>
            <td>{f.indices.length.toLocaleString('en')}</td>
            {bounds.map((b) => (
              <td key={b}>{f.scores[b] ? meanBitsPerDim(f.scores[b], dims).toFixed(3) : '—'}</td>
            ))}
            {bounds.map((b) => {
              const p = f.split === 'test' ? PAPER_BITS_PER_DIM[inDataset]?.[f.dataset]?.[b] : undefined;
              return <td key={`${b}-paper`}>{p === undefined ? '—' : p.toFixed(3)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
