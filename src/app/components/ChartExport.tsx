/** Buttons that save a chart as SVG or PNG; the chart's svg element comes through a ref. */
import { useState, type RefObject } from 'react';
import { download, standaloneSvg, svgToPng, type LegendEntry } from '../charts/exportChart.ts';

export interface ChartExportProps {
  svgRef: RefObject<SVGSVGElement | null>;
  title: string;
  legend: LegendEntry[];
  /** File name without extension. */
  fileBase: string;
}

export function ChartExport({ svgRef, title, legend, fileBase }: ChartExportProps) {
  const [error, setError] = useState<string | null>(null);
  const svgText = () => {
    if (!svgRef.current) throw new Error('the chart is not drawn yet');
    return standaloneSvg(svgRef.current, title, legend);
  };
  const run = (job: () => Promise<void> | void) => {
    setError(null);
    Promise.resolve()
      .then(job)
      .catch((e: Error) => setError(`Export failed: ${e.message}`));
  };
  return (
    <div className="chart-export">
      <button type="button" onClick={() => run(() => download(svgText(), `${fileBase}.svg`, 'image/svg+xml'))}>
        Save SVG
      </button>
      <button type="button" onClick={() => run(async () => download(await svgToPng(svgText()), `${fileBase}.png`))}>
        Save PNG
      </button>
      {error && <span role="alert">{error}</span>}
    </div>
  );
}
