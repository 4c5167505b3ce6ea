/**
 * KL divergence per latent layer as horizontal bars, top layer first as in the generative hierarchy
 * (z_L at the top, z_1 at the bottom). The KL terms are Monte Carlo estimates and can be negative,
 * so bars grow from zero in either direction.
 */
import { useEffect, useId, useMemo, useRef } from 'react';
import { axisBottom, extent, scaleBand, scaleLinear, select } from 'd3';
import { FONT, MARGINS, OKABE_ITO, PIXELS_PER_TICK, STROKE, formatNats, formatNumber } from './chartTheme.ts';
import './charts.css';

export interface KlBarsProps {
  /** KL in nats per latent layer; index 0 is z1. */
  values: number[];
  /** One label per layer, index 0 for z1; defaults to z1, z2, ... */
  labels?: string[];
  width?: number;
  title?: string;
}

const BAR_STEP = 36;
/** Pixels kept free beyond the longest bar for its value label. */
const LABEL_ROOM = 64;

export function KlBars({ values, labels, width = 420, title }: KlBarsProps) {
  const rows = useMemo(
    () => values.map((value, i) => ({ value, label: labels?.[i] ?? `z${i + 1}` })).reverse(),
    [values, labels],
  );
  const innerWidth = width - MARGINS.left - MARGINS.right;
  const innerHeight = Math.max(1, rows.length) * BAR_STEP;
  const height = innerHeight + MARGINS.top + MARGINS.bottom;

  const x = useMemo(() => barScale(values, innerWidth), [values, innerWidth]);
  const yBand = scaleBand<number>()
    .domain(rows.map((_, i) => i))
    .range([0, innerHeight])
    .padding(0.25);

  const xAxisRef = useRef<SVGGElement>(null);
  useEffect(() => {
    if (!xAxisRef.current) return;
    const ticks = Math.max(2, Math.floor((innerWidth - LABEL_ROOM) / PIXELS_PER_TICK.x));
    // Let the axis inherit the chart's font instead of d3's 10 px sans-serif.
    select(xAxisRef.current).call(axisBottom(x).ticks(ticks)).attr('font-size', null).attr('font-family', null);
  }, [x, innerWidth]);

  const descId = useId();
  const summary = `KL divergence per latent layer in nats: ${[...rows]
    .reverse()
    .map((r) => `${r.label} ${formatNats(r.value)}`)
    .join(', ')}.`;

  return (
    <figure className="chart" style={{ fontSize: FONT.label }}>
      {title && <figcaption className="chart-title" style={{ fontSize: FONT.title }}>{title}</figcaption>}
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={summary}
        aria-describedby={descId}
        fontSize={FONT.tick}
      >
        <title>{summary}</title>
        <desc id={descId}>
          One horizontal bar per latent layer, the top layer first; bar length is the layer&apos;s KL divergence
          between posterior and prior in nats, with the value written at the end of the bar.
        </desc>
        <g transform={`translate(${MARGINS.left},${MARGINS.top})`}>
          {rows.map((r, i) => {
            const top = yBand(i) ?? 0;
            const mid = top + yBand.bandwidth() / 2;
            const ok = Number.isFinite(r.value);
            const end = ok ? x(r.value) : x(0);
            const negative = ok && r.value < 0;
            return (
              <g key={i}>
                <text x={-10} y={mid} dy="0.35em" textAnchor="end" fontSize={FONT.label}>
                  {r.label}
                </text>
                {ok && (
                  <rect
                    x={Math.min(x(0), end)}
                    y={top}
                    width={Math.abs(end - x(0))}
                    height={yBand.bandwidth()}
                    fill={OKABE_ITO.bluishGreen}
                  />
                )}
                <text x={negative ? end - 6 : end + 6} y={mid} dy="0.35em" textAnchor={negative ? 'end' : 'start'}>
                  {ok ? formatNumber(r.value) : 'n/a'}
                </text>
              </g>
            );
          })}
          <line className="chart-guide" x1={x(0)} x2={x(0)} y1={0} y2={innerHeight} strokeWidth={STROKE.guide} />
          <g ref={xAxisRef} transform={`translate(0,${innerHeight})`} />
          <text
            className="chart-axis-label"
            x={innerWidth / 2}
            y={innerHeight + 44}
            textAnchor="middle"
            fontSize={FONT.label}
          >
            KL divergence (nats)
          </text>
        </g>
      </svg>
    </figure>
  );
}

/** Zero is always on the scale; the range leaves LABEL_ROOM on each side that has bars, for their value labels. */
function barScale(values: number[], innerWidth: number) {
  const [lo = 0, hi = 0] = extent(values.filter(Number.isFinite));
  const hasNegative = lo < 0;
  const hasPositive = hi > 0 || !hasNegative;
  return scaleLinear()
    .domain([Math.min(0, lo), hasPositive ? Math.max(hi, 0) || 1 : 0])
    .range([hasNegative ? LABEL_ROOM : 0, innerWidth - (hasPositive ? LABEL_ROOM : 0)])
    .nice();
}
