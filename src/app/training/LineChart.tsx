/**
 * A line chart for training curves, in the style of the app's charts (chartTheme): each series
 * differs in colour and dash and, where it has markers, in marker shape, so none relies on
 * colour alone; axes carry labels with units; an optional second y axis shows the same values
 * in another unit (bits/dim beside nats); horizontal guides mark references such as chance.
 */
import { useEffect, useId, useMemo, useRef } from 'react';
import { axisBottom, axisLeft, axisRight, extent, line, scaleLinear, select, symbol, symbolCircle, symbolDiamond, symbolSquare, symbolTriangle } from 'd3';
import { FONT, MARGINS, PIXELS_PER_TICK, STROKE, seriesStyle } from '../charts/chartTheme.ts';
import '../charts/charts.css';

export interface LinePoint {
  x: number;
  y: number;
}

export interface LineSeries {
  label: string;
  points: LinePoint[];
  /** Markers at every point (for per-epoch values) and a thinner line. */
  markers?: boolean;
  /** Index into the shared series styles; defaults to the series' position. */
  style?: number;
}

export interface LineChartProps {
  title: string;
  series: LineSeries[];
  xLabel: string;
  yLabel: string;
  /** Fixed y range (e.g. [0, 1] for AUROC); otherwise the data's extent, padded. */
  yDomain?: [number, number];
  /** Smallest x range shown, so a curve of few points does not fill the chart at once. */
  xMin?: [number, number];
  /** A right-hand axis for the same values in another unit: its label and the conversion. */
  secondAxis?: { label: string; convert: (y: number) => number };
  guides?: { y: number; label: string }[];
  /** One sentence for screen readers: what the chart shows now. */
  summary: string;
  width?: number;
  height?: number;
}

const SYMBOLS = [symbolCircle, symbolSquare, symbolTriangle, symbolDiamond];
const RIGHT_AXIS_ROOM = 64;

export function LineChart({ title, series, xLabel, yLabel, yDomain, xMin, secondAxis, guides = [], summary, width = 460, height = 260 }: LineChartProps) {
  const margins = { ...MARGINS, right: secondAxis ? RIGHT_AXIS_ROOM : MARGINS.right };
  const innerWidth = width - margins.left - margins.right;
  const innerHeight = height - margins.top - margins.bottom;

  const { x, y } = useMemo(() => {
    const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
    const [x0 = 0, x1 = 1] = extent(all, (p) => p.x);
    const xs = scaleLinear()
      .domain([Math.min(x0, xMin?.[0] ?? x0), Math.max(x1, xMin?.[1] ?? x1, x0 + 1)])
      .range([0, innerWidth]);
    let ys;
    if (yDomain) ys = scaleLinear().domain(yDomain).range([innerHeight, 0]);
    else {
      const [y0 = 0, y1 = 1] = extent([...all.map((p) => p.y), ...guides.map((g) => g.y)]);
      const pad = (y1 - y0) * 0.08 || 1;
      ys = scaleLinear()
        .domain([y0 - pad, y1 + pad])
        .range([innerHeight, 0])
        .nice();
    }
    return { x: xs, y: ys };
  }, [series, guides, yDomain, xMin, innerWidth, innerHeight]);

  const xAxisRef = useRef<SVGGElement>(null);
  const yAxisRef = useRef<SVGGElement>(null);
  const y2AxisRef = useRef<SVGGElement>(null);
  useEffect(() => {
    const xTicks = Math.max(2, Math.floor(innerWidth / PIXELS_PER_TICK.x));
    const yTicks = Math.max(2, Math.floor(innerHeight / PIXELS_PER_TICK.y));
    // Integer steps and epochs: no tick between them.
    const xFormat = (v: number | { valueOf(): number }) => (Number.isInteger(+v) ? String(+v) : '');
    if (xAxisRef.current) select(xAxisRef.current).call(axisBottom(x).ticks(xTicks).tickFormat(xFormat)).attr('font-size', null).attr('font-family', null);
    if (yAxisRef.current) select(yAxisRef.current).call(axisLeft(y).ticks(yTicks)).attr('font-size', null).attr('font-family', null);
    if (y2AxisRef.current && secondAxis) {
      const y2 = scaleLinear().domain(y.domain().map(secondAxis.convert)).range(y.range());
      select(y2AxisRef.current).call(axisRight(y2).ticks(yTicks)).attr('font-size', null).attr('font-family', null);
    }
  }, [x, y, innerWidth, innerHeight, secondAxis]);

  const path = line<LinePoint>()
    .defined((p) => Number.isFinite(p.y))
    .x((p) => x(p.x))
    .y((p) => y(p.y));
  const descId = useId();

  return (
    <figure className="chart" style={{ fontSize: FONT.label }}>
      <figcaption className="chart-title" style={{ fontSize: FONT.title }}>
        {title}
      </figcaption>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} aria-describedby={descId} fontSize={FONT.tick}>
        <title>{summary}</title>
        <desc id={descId}>
          {`${yLabel} against ${xLabel}; ${series.map((s) => `${s.label}: ${s.points.length} points`).join('; ')}.`}
        </desc>
        <g transform={`translate(${margins.left},${margins.top})`}>
          {guides.map((g) => (
            <g key={g.label}>
              <line className="chart-guide" x1={0} x2={innerWidth} y1={y(g.y)} y2={y(g.y)} strokeWidth={STROKE.guide} strokeDasharray="6 4" />
              <text x={innerWidth - 4} y={y(g.y) - 6} textAnchor="end" className="chart-hint">
                {g.label}
              </text>
            </g>
          ))}
          {series.map((s, i) => {
            const st = seriesStyle(s.style ?? i);
            const shape = symbol(SYMBOLS[(s.style ?? i) % SYMBOLS.length], 64)() ?? '';
            return (
              <g key={s.label}>
                <path d={path(s.points) ?? ''} fill="none" stroke={st.colour} strokeDasharray={st.dash} strokeWidth={s.markers ? STROKE.guide : STROKE.curve} />
                {s.markers &&
                  s.points
                    .filter((p) => Number.isFinite(p.y))
                    .map((p) => <path key={p.x} d={shape} transform={`translate(${x(p.x)},${y(p.y)})`} fill={st.colour} />)}
              </g>
            );
          })}
          <g ref={xAxisRef} transform={`translate(0,${innerHeight})`} />
          <g ref={yAxisRef} />
          {secondAxis && <g ref={y2AxisRef} transform={`translate(${innerWidth},0)`} />}
          <text className="chart-axis-label" x={innerWidth / 2} y={innerHeight + 44} textAnchor="middle" fontSize={FONT.label}>
            {xLabel}
          </text>
          <text className="chart-axis-label" transform={`translate(${-52},${innerHeight / 2}) rotate(-90)`} textAnchor="middle" fontSize={FONT.label}>
            {yLabel}
          </text>
          {secondAxis && (
            <text className="chart-axis-label" transform={`translate(${innerWidth + 56},${innerHeight / 2}) rotate(90)`} textAnchor="middle" fontSize={FONT.label}>
              {secondAxis.label}
            </text>
          )}
        </g>
      </svg>
      <ul className="chart-legend">
        {series.map((s, i) => {
          const st = seriesStyle(s.style ?? i);
          return (
            <li key={s.label}>
              <svg width={36} height={14} aria-hidden="true">
                <line x1={0} x2={36} y1={7} y2={7} stroke={st.colour} strokeDasharray={st.dash} strokeWidth={STROKE.curve} />
                {s.markers && <path d={symbol(SYMBOLS[(s.style ?? i) % SYMBOLS.length], 48)() ?? ''} transform="translate(18,7)" fill={st.colour} />}
              </svg>
              {s.label}
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
