/**
 * The paper's Figure 2 as bars: per latent layer, the absolute correlation between two models'
 * representations of the same images, one group per layer and one bar per dataset fed to both models.
 * Bars differ by fill pattern as well as colour, and carry their values.
 */
import { useEffect, useRef } from 'react';
import { axisLeft, scaleBand, scaleLinear, select } from 'd3';
import { FONT, MARGINS, SERIES_COLOURS } from '../charts/chartTheme.ts';
import '../charts/charts.css';

export interface CorrelationSeries {
  /** The images both models saw, e.g. "FashionMNIST test". */
  label: string;
  /** One value per layer, z1 first. */
  values: number[];
}

const WIDTH = 440;
const HEIGHT = 280;

export function CorrelationBars({ layers, series }: { layers: string[]; series: CorrelationSeries[] }) {
  const innerWidth = WIDTH - MARGINS.left - MARGINS.right;
  const innerHeight = HEIGHT - MARGINS.top - MARGINS.bottom;
  const outer = scaleBand<number>().domain(layers.map((_, i) => i)).range([0, innerWidth]).padding(0.25);
  const inner = scaleBand<number>().domain(series.map((_, i) => i)).range([0, outer.bandwidth()]).padding(0.08);
  const y = scaleLinear().domain([0, 1]).range([innerHeight, 0]);
  const yAxis = useRef<SVGGElement>(null);
  useEffect(() => {
    if (yAxis.current) select(yAxis.current).call(axisLeft(y).ticks(5)).attr('font-size', null).attr('font-family', null);
  });
  const summary = `Absolute correlation per layer: ${series.map((s) => `${s.label}: ${s.values.map((v, i) => `${layers[i]} ${v.toFixed(2)}`).join(', ')}`).join('; ')}.`;
  return (
    <figure className="chart" style={{ fontSize: FONT.label }} data-testid="correlation-bars">
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} fontSize={FONT.tick}>
        <title>{summary}</title>
        <defs>
          <pattern id="corr-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="white" />
            <line x1="0" y1="0" x2="0" y2="6" stroke={SERIES_COLOURS[1]} strokeWidth="3" />
          </pattern>
        </defs>
        <g transform={`translate(${MARGINS.left},${MARGINS.top})`}>
          {layers.map((layer, i) => (
            <g key={layer} transform={`translate(${outer(i)},0)`}>
              {series.map((s, j) => {
                const v = s.values[i]!;
                const ok = Number.isFinite(v);
                return (
                  <g key={s.label}>
                    {ok && (
                      <rect
                        x={inner(j)}
                        width={inner.bandwidth()}
                        y={y(v)}
                        height={innerHeight - y(v)}
                        fill={j === 0 ? SERIES_COLOURS[0] : 'url(#corr-hatch)'}
                        stroke={SERIES_COLOURS[j]}
                        strokeWidth={2}
                      />
                    )}
                    <text x={(inner(j) ?? 0) + inner.bandwidth() / 2} y={ok ? y(v) - 6 : innerHeight - 6} textAnchor="middle">
                      {ok ? v.toFixed(2) : 'n/a'}
                    </text>
                  </g>
                );
              })}
              <text x={outer.bandwidth() / 2} y={innerHeight + 24} textAnchor="middle" fontSize={FONT.label}>
                {layer}
              </text>
            </g>
          ))}
          <line x1={0} x2={innerWidth} y1={innerHeight} y2={innerHeight} stroke="currentColor" />
          <g ref={yAxis} />
          <text className="chart-axis-label" transform={`translate(${-MARGINS.left + 16},${innerHeight / 2}) rotate(-90)`} textAnchor="middle" fontSize={FONT.label}>
            absolute correlation
          </text>
        </g>
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        {series.map((s, j) => (
          <li key={s.label}>
            <svg width={22} height={16}>
              <rect x={1} y={1} width={20} height={14} fill={j === 0 ? SERIES_COLOURS[0] : 'url(#corr-hatch)'} stroke={SERIES_COLOURS[j]} strokeWidth={2} />
            </svg>
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
