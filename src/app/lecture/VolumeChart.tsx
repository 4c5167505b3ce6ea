/**
 * The paper's Figure 8: the expected inverse volume change of a layer with Gaussian Jacobian entries
 * (Appendix C, eq. 17) against the layer's dimension, on a log scale, plotted from the formula. The
 * solid curve follows the sliders (entry scale sigma, dimension increase n - m); once they move, a
 * dashed one keeps sigma = 1, n - m = 1 for reference.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { axisBottom, axisLeft, line, scaleLinear, select } from 'd3';
import { inverseVolumeCurve } from '../../hvae/volumeChange.ts';
import { FONT, MARGINS, OKABE_ITO, STROKE } from '../charts/chartTheme.ts';
import { LineSwatch } from '../charts/LineSwatch.tsx';
import '../charts/charts.css';

const MAX_DIM = 100;
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** "10⁻²⁰" for -20: tick labels of a log10 axis. */
function powerOfTen(exponent: number): string {
  return `10${String(exponent).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c]!)}`;
}
const WIDTH = 440;
const HEIGHT = 230;

export function VolumeChart() {
  const [sigma, setSigma] = useState(1);
  const [increase, setIncrease] = useState(1);
  const curve = useMemo(() => inverseVolumeCurve(MAX_DIM, increase, sigma), [increase, sigma]);
  const reference = useMemo(() => inverseVolumeCurve(MAX_DIM, 1, 1), []);
  const atReference = sigma === 1 && increase === 1;
  const innerWidth = WIDTH - MARGINS.left - MARGINS.right;
  const innerHeight = HEIGHT - MARGINS.top - MARGINS.bottom;
  const lo = Math.min(...curve.map((p) => p.log10Factor), ...reference.map((p) => p.log10Factor));
  const hi = Math.max(...curve.map((p) => p.log10Factor), ...reference.map((p) => p.log10Factor));
  const x = scaleLinear().domain([1, MAX_DIM]).range([0, innerWidth]);
  const y = scaleLinear().domain([lo, Math.max(hi, 0)]).range([innerHeight, 0]).nice();
  const path = line<{ dim: number; log10Factor: number }>()
    .x((p) => x(p.dim))
    .y((p) => y(p.log10Factor));

  const xAxis = useRef<SVGGElement>(null);
  const yAxis = useRef<SVGGElement>(null);
  useEffect(() => {
    if (!xAxis.current || !yAxis.current) return;
    select(xAxis.current).call(axisBottom(x).ticks(5)).attr('font-size', null).attr('font-family', null);
    select(yAxis.current)
      .call(axisLeft(y).ticks(5).tickFormat((v) => powerOfTen(Number(v))))
      .attr('font-size', null)
      .attr('font-family', null);
  });

  const sigmaId = useId();
  const incId = useId();
  const last = curve[curve.length - 1]!;
  const summary = `Expected inverse volume change against dimension m from 1 to ${MAX_DIM}, log scale, for sigma ${sigma} and n - m = ${increase}: from 10^${curve[0]!.log10Factor.toFixed(1)} at m = 1 to 10^${last.log10Factor.toFixed(0)} at m = ${MAX_DIM}.`;

  return (
    <figure className="chart volume-chart" style={{ fontSize: FONT.label }} data-testid="volume-chart">
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} fontSize={FONT.tick}>
        <title>{summary}</title>
        <g transform={`translate(${MARGINS.left},${MARGINS.top})`}>
          {!atReference && <path d={path(reference) ?? undefined} fill="none" stroke="currentColor" strokeWidth={STROKE.guide} strokeDasharray="6 4" opacity={0.7} />}
          <path d={path(curve) ?? undefined} fill="none" stroke={OKABE_ITO.blue} strokeWidth={STROKE.curve + 1} data-testid="volume-curve" />
          <g ref={xAxis} transform={`translate(0,${innerHeight})`} />
          <g ref={yAxis} />
          <text className="chart-axis-label" x={innerWidth / 2} y={innerHeight + 44} textAnchor="middle" fontSize={FONT.label}>
            dimension m of the layer (J is (m + {increase}) × m)
          </text>
        </g>
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        <li>
          <LineSwatch colour={OKABE_ITO.blue} width={STROKE.curve + 1} />
          σ = {sigma}, n − m = {increase}
        </li>
        {!atReference && (
          <li>
            <LineSwatch colour="currentColor" dash="6 4" width={STROKE.guide} />
            σ = 1, n − m = 1
          </li>
        )}
      </ul>
      <div className="volume-sliders">
        <label htmlFor={sigmaId}>σ (Jacobian entry scale)</label>
        <input id={sigmaId} type="range" min={0.2} max={3} step={0.1} value={sigma} onChange={(e) => setSigma(e.currentTarget.valueAsNumber)} />
        <output htmlFor={sigmaId}>{sigma.toFixed(1)}</output>
        <label htmlFor={incId}>n − m (dimension increase)</label>
        <input id={incId} type="range" min={1} max={20} step={1} value={increase} onChange={(e) => setIncrease(e.currentTarget.valueAsNumber)} />
        <output htmlFor={incId}>{increase}</output>
      </div>
    </figure>
  );
}
