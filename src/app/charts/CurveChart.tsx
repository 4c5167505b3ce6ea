/**
 * ROC or precision-recall curves of several OOD scores on one set of axes, OOD as the positive
 * class (the paper's Figures 6 and 7). Pointing at the chart, or focusing it and using the arrow
 * keys, reads out the nearest operating point and its threshold on the raw score.
 */
import { forwardRef, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { axisBottom, axisLeft, curveLinear, curveStepBefore, format, line, pointer, scaleLinear, select } from 'd3';
import { oodScoreSign } from '../../ood/protocol.ts';
import { FONT, MARGINS, PIXELS_PER_TICK, STROKE, formatNats, formatPercent, seriesStyle } from './chartTheme.ts';
import { LineSwatch } from './LineSwatch.tsx';
import './charts.css';

export type CurveKind = 'roc' | 'pr';

/** One operating point: x is FPR (ROC) or recall (PR), y is TPR or precision. */
export interface CurvePoint {
  x: number;
  y: number;
  /** An OOD score in nats; Infinity flags nothing. */
  threshold: number;
}

export interface Curve {
  label: string;
  /** Thresholds descending, as rocCurve and prCurve return them. */
  points: CurvePoint[];
  /** AUROC for a ROC curve, AUPRC for a PR curve. */
  area: number;
}

export interface CurveChartProps {
  kind: CurveKind;
  curves: Curve[];
  /** Colour and dash per curve; by default the i-th series style. */
  styles?: { colour: string; dash: string }[];
  width?: number;
  height?: number;
  title?: string;
}

/** What differs between the two kinds of chart. */
const KIND = {
  roc: {
    xLabel: 'false positive rate (% of in-distribution flagged)',
    yLabel: 'true positive rate (% of OOD flagged)',
    area: 'AUROC',
    // Straight segments between thresholds are the tie-aware ROC; PR's area is that of a step.
    curve: curveLinear,
    describe: (p: CurvePoint) => `TPR ${formatPercent(p.y)} · FPR ${formatPercent(p.x)}`,
    guide: 'the dotted diagonal is chance',
  },
  pr: {
    xLabel: 'recall (% of OOD flagged)',
    yLabel: 'precision (% of flagged that are OOD)',
    area: 'AUPRC',
    curve: curveStepBefore,
    describe: (p: CurvePoint) => `precision ${formatPercent(p.y)} · recall ${formatPercent(p.x)}`,
    guide: 'the dotted horizontal line is chance (half of the examples are OOD)',
  },
} as const;

const TOOLTIP = { width: 214, lineHeight: 19, padding: 8 };
const formatArea = format('.3f');
const formatRate = format('.0%');

interface Active {
  curve: number;
  index: number;
}

export const CurveChart = forwardRef<SVGSVGElement, CurveChartProps>(function CurveChart({ kind, curves, styles, width = 440, height = width, title }, svgRef) {
  const spec = KIND[kind];
  const styleOf = (i: number) => styles?.[i] ?? seriesStyle(i);
  const innerWidth = width - MARGINS.left - MARGINS.right;
  const innerHeight = height - MARGINS.top - MARGINS.bottom;
  const x = useMemo(() => scaleLinear().domain([0, 1]).range([0, innerWidth]), [innerWidth]);
  const y = useMemo(() => scaleLinear().domain([0, 1]).range([innerHeight, 0]), [innerHeight]);

  const xAxisRef = useRef<SVGGElement>(null);
  const yAxisRef = useRef<SVGGElement>(null);
  useEffect(() => {
    if (!xAxisRef.current || !yAxisRef.current) return;
    // The same ticks on both axes: both are rates on [0, 1].
    const ticks = Math.max(2, Math.floor(Math.min(innerWidth, innerHeight) / PIXELS_PER_TICK.x));
    select(xAxisRef.current).call(axisBottom(x).ticks(ticks).tickFormat(formatRate));
    select(yAxisRef.current).call(axisLeft(y).ticks(ticks).tickFormat(formatRate));
    // Let the axes inherit the chart's font instead of d3's 10 px sans-serif.
    for (const g of [xAxisRef.current, yAxisRef.current]) select(g).attr('font-size', null).attr('font-family', null);
  }, [x, y, innerWidth, innerHeight]);

  const paths = useMemo(() => {
    const path = line<CurvePoint>()
      .x((p) => x(p.x))
      .y((p) => y(p.y))
      .curve(spec.curve);
    return curves.map((c) => path(c.points) ?? '');
  }, [curves, x, y, spec]);

  const [active, setActive] = useState<Active | null>(null);
  const activePoint = active ? curves[active.curve]?.points[active.index] : undefined;

  const onPointerMove = (event: PointerEvent<SVGRectElement>) => {
    const [px, py] = pointer(event.nativeEvent, event.currentTarget);
    setActive(nearestPoint(curves, x, y, px, py));
  };

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    if (!NAVIGATION_KEYS.has(event.key)) return;
    event.preventDefault();
    const { key } = event;
    const stride = event.shiftKey ? 10 : 1;
    // An updater, so that keys pressed faster than React re-renders each step from the latest point.
    setActive((current) => stepActive(curves, current, key, stride));
  };

  const readout = active && activePoint ? describePoint(curves[active.curve]!.label, activePoint, spec.describe) : undefined;
  const descId = useId();
  const summary = `${kind === 'roc' ? 'ROC' : 'Precision-recall'} curves of ${curves.length} OOD score${curves.length === 1 ? '' : 's'}: ${curves
    .map((c) => `${c.label}, ${spec.area} ${formatArea(c.area)}`)
    .join('; ')}.`;

  return (
    <figure className="chart" style={{ fontSize: FONT.label }}>
      {title && <figcaption className="chart-title" style={{ fontSize: FONT.title }}>{title}</figcaption>}
      <svg
        ref={svgRef}
        className="chart-focusable"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={summary}
        aria-describedby={descId}
        fontSize={FONT.tick}
        tabIndex={curves.length > 0 ? 0 : undefined}
        onKeyDown={onKeyDown}
        onBlur={() => setActive(null)}
      >
        <title>{summary}</title>
        <desc id={descId}>
          {spec.xLabel} on the horizontal axis, {spec.yLabel} on the vertical axis; {spec.guide}. Focus the chart and
          use the left and right arrow keys to move along a curve, up and down to change curve.
        </desc>
        <g transform={`translate(${MARGINS.left},${MARGINS.top})`}>
          <line
            className="chart-guide"
            x1={x(0)}
            y1={kind === 'roc' ? y(0) : y(0.5)}
            x2={x(1)}
            y2={kind === 'roc' ? y(1) : y(0.5)}
            strokeWidth={STROKE.guide}
            strokeDasharray="2 5"
          />
          <text
            className="chart-hint"
            transform={
              kind === 'roc'
                ? `translate(${x(0.62)},${y(0.56)}) rotate(${(-Math.atan2(innerHeight, innerWidth) * 180) / Math.PI})`
                : `translate(${x(0.5)},${y(0.5) + 18})`
            }
            textAnchor="middle"
          >
            chance
          </text>
          {curves.map((c, i) => {
            const style = styleOf(i);
            return (
              <path
                key={`${i}-${c.label}`}
                d={paths[i]}
                fill="none"
                stroke={style.colour}
                strokeWidth={active?.curve === i ? STROKE.curve + 1.5 : STROKE.curve}
                strokeDasharray={style.dash || undefined}
                strokeLinejoin="round"
              />
            );
          })}
          <g ref={xAxisRef} transform={`translate(0,${innerHeight})`} />
          <g ref={yAxisRef} />
          <text className="chart-axis-label" x={innerWidth / 2} y={innerHeight + 44} textAnchor="middle" fontSize={FONT.label}>
            {spec.xLabel}
          </text>
          <text
            className="chart-axis-label"
            transform={`translate(${-MARGINS.left + 16},${innerHeight / 2}) rotate(-90)`}
            textAnchor="middle"
            fontSize={FONT.label}
          >
            {spec.yLabel}
          </text>
          <rect
            className="chart-overlay"
            width={innerWidth}
            height={innerHeight}
            onPointerMove={onPointerMove}
            onPointerLeave={() => setActive(null)}
          />
          {active && activePoint && readout && (
            <Tooltip
              x={x(activePoint.x)}
              y={y(activePoint.y)}
              colour={styleOf(active.curve).colour}
              lines={readout}
              innerWidth={innerWidth}
              innerHeight={innerHeight}
            />
          )}
        </g>
      </svg>
      <ul className="chart-legend">
        {curves.map((c, i) => {
          const style = styleOf(i);
          return (
            <li key={`${i}-${c.label}`}>
              <LineSwatch colour={style.colour} dash={style.dash} width={STROKE.curve + 0.5} length={34} />
              {c.label} ({spec.area} {formatArea(c.area)})
            </li>
          );
        })}
      </ul>
      <p className="visually-hidden" aria-live="polite">
        {readout?.join(', ')}
      </p>
    </figure>
  );
});

function Tooltip({
  x,
  y,
  colour,
  lines,
  innerWidth,
  innerHeight,
}: {
  x: number;
  y: number;
  colour: string;
  lines: string[];
  innerWidth: number;
  innerHeight: number;
}) {
  const boxHeight = lines.length * TOOLTIP.lineHeight + TOOLTIP.padding;
  // ROC points crowd the top left, so the box goes below and to the right unless that leaves the plot.
  const left = x + 12 + TOOLTIP.width > innerWidth ? x - 12 - TOOLTIP.width : x + 12;
  const top = y + 12 + boxHeight > innerHeight ? y - 12 - boxHeight : y + 12;
  return (
    <g className="chart-tooltip" pointerEvents="none">
      <circle cx={x} cy={y} r={6} fill="none" stroke={colour} strokeWidth={3} />
      <circle cx={x} cy={y} r={2} fill="currentColor" />
      <g transform={`translate(${left},${top})`}>
        <rect width={TOOLTIP.width} height={boxHeight} rx={4} />
        {lines.map((text, i) => (
          <text key={i} x={TOOLTIP.padding} y={(i + 1) * TOOLTIP.lineHeight - 2} fontWeight={i === 0 ? 600 : undefined}>
            {text}
          </text>
        ))}
      </g>
    </g>
  );
}

/** The operating point in words; for a named bound or ratio the threshold is restated on the raw score. */
function describePoint(label: string, p: CurvePoint, rates: (p: CurvePoint) => string): string[] {
  let rule: string;
  if (p.threshold === Infinity) rule = 'nothing flagged';
  else if (/^(L|LLR)>\d+$/.test(label)) {
    // OOD score = sign * raw value, so "OOD score >= t" is "raw >= t" for a ratio and "raw <= -t" for a bound.
    const sign = oodScoreSign(label);
    rule = `flag if ${label} ${sign > 0 ? '≥' : '≤'} ${formatNats(sign * p.threshold)}`;
  } else rule = `flag if OOD score ≥ ${formatNats(p.threshold)}`;
  return [label, rates(p), rule];
}

/** The point of any curve closest to (px, py) in pixels, so the pick matches what the eye sees. */
function nearestPoint(
  curves: Curve[],
  x: (v: number) => number,
  y: (v: number) => number,
  px: number,
  py: number,
): Active | null {
  let best: Active | null = null;
  let bestDistance = Infinity;
  for (const [ci, c] of curves.entries()) {
    for (const [pi, p] of c.points.entries()) {
      const d = (x(p.x) - px) ** 2 + (y(p.y) - py) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = { curve: ci, index: pi };
      }
    }
  }
  return best;
}

const NAVIGATION_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'Escape']);

/** Keyboard navigation: left/right along the curve (points in threshold order), up/down across curves. */
function stepActive(curves: Curve[], active: Active | null, key: string, stride: number): Active | null {
  if (key === 'Escape') return null;
  const current = active ?? { curve: 0, index: 0 };
  const points = curves[current.curve]?.points ?? [];
  if (points.length === 0) return active;
  const last = points.length - 1;
  switch (key) {
    case 'ArrowRight':
      return { ...current, index: Math.min(last, current.index + stride) };
    case 'ArrowLeft':
      return { ...current, index: Math.max(0, current.index - stride) };
    case 'Home':
      return { ...current, index: 0 };
    case 'End':
      return { ...current, index: last };
    default: {
      const curve = (current.curve + (key === 'ArrowDown' ? 1 : -1) + curves.length) % curves.length;
      const target = curves[curve]?.points ?? [];
      if (target.length === 0) return active;
      // Stay at about the same horizontal position on the other curve.
      const at = points[current.index]?.x ?? 0;
      let index = 0;
      for (const [i, p] of target.entries()) {
        if (Math.abs(p.x - at) < Math.abs(target[index]!.x - at)) index = i;
      }
      return { curve, index };
    }
  }
}
