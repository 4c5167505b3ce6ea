/**
 * The density of one score over the in-distribution reference, with the current image's value and
 * the decision threshold marked: where an input falls relative to what the model saw in distribution.
 * With `onSelectRange`, a click or a drag along the axis picks a range of the score (the images
 * behind a region of the density).
 */
import { forwardRef, useEffect, useId, useMemo, useRef, useState, type PointerEvent, type RefObject } from 'react';
import { area, axisBottom, axisLeft, bisectRight, extent, line, max, pointer, scaleLinear, select } from 'd3';
import { kdeBinned, silvermanBandwidth } from '../../ood/kde.ts';
import { ScoreReference } from '../../ood/reference.ts';
import { densityGrid } from './densityGrid.ts';
import { LineSwatch } from './LineSwatch.tsx';
import { DENSITY_STYLE, FONT, MARGINS, PIXELS_PER_TICK, STROKE, formatNumber, formatPercent } from './chartTheme.ts';
import './charts.css';

/** A bound, ratio or baseline is plotted in nats or bits/dim; the per-example choice of k, a percentile in [0, 1], as a percentile (0-100). */
export type ScoreUnit = 'nats' | 'bits/dim' | 'percentile';

const PER_UNIT: Record<ScoreUnit, string> = { nats: 'nat', 'bits/dim': 'bit/dim', percentile: 'percentile point' };

export interface ScoreDensityProps {
  /** "L>k", "LLR>k" or any other score of src/ood/protocol.ts. */
  scoreName: string;
  /** Raw in-distribution values of the score, in nats (for the unit 'percentile', in [0, 1]). */
  reference: number[];
  /** The current image's raw value, in nats. */
  value?: number;
  /** A raw-value threshold in nats, e.g. the one at the chosen FPR. */
  threshold?: number;
  unit: ScoreUnit;
  /** Dimensions of an image, for converting nats to bits/dim. */
  dims?: number;
  /** Fixed width in pixels; without it the chart fills its container. */
  width?: number;
  height?: number;
  title?: string;
  /** A second density drawn dashed, e.g. an OOD test set; raw values in nats. */
  compareWith?: { label: string; values: ArrayLike<number> };
  /** Legend text of the reference; "in-distribution test set" by default. */
  referenceLabel?: string;
  /** Called with a raw range [lo, hi] in nats when the reader clicks (a band around the point) or drags along the plot. */
  onSelectRange?: (range: [number, number]) => void;
  /** A raw range in nats to shade, e.g. the one last selected. */
  selection?: [number, number];
}

/** A click without a drag selects this fraction of the plotted range around the pointer. */
const CLICK_BAND = 0.04;

/** Space above the plot holds two rows of marker labels: the value's, then the threshold's. */
const DENSITY_MARGINS = { ...MARGINS, top: 46 };
const FALLBACK_WIDTH = 560;
const MIN_WIDTH = 260;
const GRID_POINTS = 200;

export const ScoreDensity = forwardRef<SVGSVGElement, ScoreDensityProps>(function ScoreDensity(
  { scoreName, reference, value, threshold, unit, dims = 784, width, height = 260, title, compareWith, referenceLabel, onSelectRange, selection },
  svgRef,
) {
  const containerRef = useRef<HTMLElement>(null);
  const measured = useContainerWidth(containerRef, width === undefined);
  const totalWidth = Math.max(MIN_WIDTH, width ?? measured ?? FALLBACK_WIDTH);
  const innerWidth = totalWidth - DENSITY_MARGINS.left - DENSITY_MARGINS.right;
  const innerHeight = height - DENSITY_MARGINS.top - DENSITY_MARGINS.bottom;

  // The reference's part is computed once per reference; each new value costs two binned densities.
  const base = useMemo(() => densityBase(scoreName, reference, unit, dims, compareWith?.values), [scoreName, reference, unit, dims, compareWith?.values]);
  const model = useMemo(() => (base ? densityModel(base, value, threshold, unit) : undefined), [base, value, threshold, unit]);

  const x = useMemo(
    () => (model ? scaleLinear().domain([model.grid[0]!, model.grid[model.grid.length - 1]!]).range([0, innerWidth]) : undefined),
    [model, innerWidth],
  );
  const y = useMemo(() => (model ? scaleLinear().domain([0, model.yMax]).range([innerHeight, 0]).nice() : undefined), [model, innerHeight]);

  const xAxisRef = useRef<SVGGElement>(null);
  const yAxisRef = useRef<SVGGElement>(null);
  useEffect(() => {
    if (!x || !y || !xAxisRef.current || !yAxisRef.current) return;
    select(xAxisRef.current).call(axisBottom(x).ticks(Math.max(2, Math.floor(innerWidth / PIXELS_PER_TICK.x))));
    select(yAxisRef.current).call(axisLeft(y).ticks(Math.max(2, Math.floor(innerHeight / PIXELS_PER_TICK.y))));
    // Let the axes inherit the chart's font instead of d3's 10 px sans-serif.
    for (const g of [xAxisRef.current, yAxisRef.current]) select(g).attr('font-size', null).attr('font-family', null);
  }, [x, y, innerWidth, innerHeight]);

  const descId = useId();
  // The drag's start in a ref: a quick click's pointerup can arrive before React re-renders.
  const dragFrom = useRef<number | null>(null);
  const [drag, setDrag] = useState<[number, number] | null>(null);

  if (!model || !x || !y) {
    return (
      <figure className="chart" ref={containerRef} style={{ fontSize: FONT.label }}>
        {title && <figcaption className="chart-title" style={{ fontSize: FONT.title }}>{title}</figcaption>}
        <p className="chart-note">No finite in-distribution values of {scoreName} to draw.</p>
      </figure>
    );
  }

  const fmt = (v: number) => `${formatNumber(v)} ${unit}`;
  const points = model.grid.map((g, i): [number, number] => [g, model.density[i]!]);
  const fill = area<[number, number]>()
    .x((d) => x(d[0]))
    .y0(innerHeight)
    .y1((d) => y(d[1]));
  const compare = model.compareDensity;
  const comparePath =
    compare &&
    line<[number, number]>()
      .x((d) => x(d[0]))
      .y((d) => y(d[1]))(model.grid.map((g, i) => [g, compare[i]!]));

  const summary = densitySummary(scoreName, model, fmt);
  const anchorAt = (px: number) => (px > innerWidth / 2 ? 'end' : 'start');
  const labelOffset = (px: number) => (px > innerWidth / 2 ? -6 : 6);

  const marker = model.marker;
  const markerX = marker ? x(marker.plotted) : 0;

  // Selection in plotted units: bits/dim of a bound run opposite to its nats, so convert both ends and sort.
  const plottedSpan = (lo: number, hi: number): [number, number] => {
    const a = model.toPlotted(lo);
    const b = model.toPlotted(hi);
    return a < b ? [a, b] : [b, a];
  };
  const shaded = drag ? ([Math.min(...drag), Math.max(...drag)] as const) : selection ? plottedSpan(...selection) : null;
  const plotX = (event: PointerEvent<SVGRectElement>) => x.invert(Math.max(0, Math.min(innerWidth, pointer(event.nativeEvent, event.currentTarget)[0])));
  const finishSelection = (event: PointerEvent<SVGRectElement>) => {
    const from = dragFrom.current;
    if (from === null || !onSelectRange) return;
    const to = plotX(event);
    const [d0, d1] = x.domain() as [number, number];
    const half = ((d1 - d0) * CLICK_BAND) / 2;
    const isClick = Math.abs(x(to) - x(from)) < 4;
    const lo = isClick ? to - half : Math.min(from, to);
    const hi = isClick ? to + half : Math.max(from, to);
    dragFrom.current = null;
    setDrag(null);
    const a = model.fromPlotted(lo);
    const b = model.fromPlotted(hi);
    onSelectRange(a < b ? [a, b] : [b, a]);
  };
  const thresholdX = model.thresholdPlotted !== undefined ? x(model.thresholdPlotted) : undefined;

  return (
    <figure className="chart" ref={containerRef} style={{ fontSize: FONT.label }}>
      {title && <figcaption className="chart-title" style={{ fontSize: FONT.title }}>{title}</figcaption>}
      <svg
        ref={svgRef}
        width={totalWidth}
        height={height}
        viewBox={`0 0 ${totalWidth} ${height}`}
        role="img"
        aria-label={summary}
        aria-describedby={descId}
        fontSize={FONT.tick}
      >
        <title>{summary}</title>
        <desc id={descId}>{densityDescription(scoreName, unit, model, compareWith?.label, fmt)}</desc>
        <g transform={`translate(${DENSITY_MARGINS.left},${DENSITY_MARGINS.top})`}>
          <path
            d={fill(points) ?? undefined}
            fill={DENSITY_STYLE.reference}
            fillOpacity={DENSITY_STYLE.referenceFillOpacity}
            stroke={DENSITY_STYLE.reference}
            strokeWidth={STROKE.curve}
          />
          {comparePath && (
            <path
              d={comparePath}
              fill="none"
              stroke={DENSITY_STYLE.compare}
              strokeWidth={STROKE.curve}
              strokeDasharray={DENSITY_STYLE.compareDash}
            />
          )}
          <g ref={xAxisRef} transform={`translate(0,${innerHeight})`} />
          <g ref={yAxisRef} />
          {shaded && (
            <rect
              className="chart-selection"
              x={x(Math.max(shaded[0], model.grid[0]!))}
              width={Math.max(2, x(Math.min(shaded[1], model.grid[model.grid.length - 1]!)) - x(Math.max(shaded[0], model.grid[0]!)))}
              y={0}
              height={innerHeight}
            />
          )}
          {onSelectRange && (
            <rect
              className="chart-overlay"
              data-testid={`select-${scoreName}`}
              width={innerWidth}
              height={innerHeight}
              onPointerDown={(e) => {
                e.currentTarget.setPointerCapture(e.pointerId);
                dragFrom.current = plotX(e);
                setDrag([dragFrom.current, dragFrom.current]);
              }}
              onPointerMove={(e) => {
                const from = dragFrom.current;
                if (from !== null) setDrag([from, plotX(e)]);
              }}
              onPointerUp={finishSelection}
              onPointerCancel={() => {
                dragFrom.current = null;
                setDrag(null);
              }}
            />
          )}

          {thresholdX !== undefined && model.thresholdFpr !== undefined && (
            <g>
              <line
                className="chart-guide"
                x1={thresholdX}
                x2={thresholdX}
                y1={-12}
                y2={innerHeight}
                strokeWidth={STROKE.guide}
                strokeDasharray={DENSITY_STYLE.thresholdDash}
              />
              <text x={thresholdX + labelOffset(thresholdX)} y={-8} textAnchor={anchorAt(thresholdX)}>
                threshold (FPR {formatPercent(model.thresholdFpr)})
              </text>
            </g>
          )}

          {marker && (
            <g>
              <line
                x1={markerX}
                x2={markerX}
                y1={-30}
                y2={innerHeight}
                stroke={DENSITY_STYLE.value}
                strokeWidth={STROKE.marker}
              />
              {marker.offScale && (
                // An outward arrow at the plot edge: the value lies beyond the drawn range.
                <path
                  d={
                    marker.offScale === 'right'
                      ? `M${markerX + 2},${innerHeight / 2 - 9} l12,9 l-12,9 z`
                      : `M${markerX - 2},${innerHeight / 2 - 9} l-12,9 l12,9 z`
                  }
                  fill={DENSITY_STYLE.value}
                />
              )}
              <text
                x={markerX + labelOffset(markerX)}
                y={-26}
                textAnchor={anchorAt(markerX)}
                fontWeight={600}
              >
                this image: {fmt(marker.value)}
                {marker.offScale && ` (off scale ${marker.offScale === 'right' ? '→' : '←'})`}
              </text>
            </g>
          )}

          <text
            className="chart-axis-label"
            x={model.moreOodToRight ? 0 : innerWidth}
            y={innerHeight + 44}
            textAnchor={model.moreOodToRight ? 'start' : 'end'}
            fontSize={FONT.label}
          >
            {scoreName} ({unit})
          </text>
          <text
            className="chart-hint"
            x={model.moreOodToRight ? innerWidth : 0}
            y={innerHeight + 44}
            textAnchor={model.moreOodToRight ? 'end' : 'start'}
          >
            {model.moreOodToRight ? 'more OOD →' : '← more OOD'}
          </text>
          <text
            className="chart-axis-label"
            transform={`translate(${-DENSITY_MARGINS.left + 16},${innerHeight / 2}) rotate(-90)`}
            textAnchor="middle"
            fontSize={FONT.label}
          >
            density (per {PER_UNIT[unit]})
          </text>
        </g>
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        <li>
          <svg width={28} height={14}>
            <rect
              x={1}
              y={1}
              width={26}
              height={12}
              fill={DENSITY_STYLE.reference}
              fillOpacity={DENSITY_STYLE.referenceFillOpacity}
              stroke={DENSITY_STYLE.reference}
              strokeWidth={2}
            />
          </svg>
          {referenceLabel ?? 'in-distribution test set'} (n = {model.referenceCount.toLocaleString('en')})
        </li>
        {compareWith && model.compareDensity && (
          <li>
            <LineSwatch colour={DENSITY_STYLE.compare} dash={DENSITY_STYLE.compareDash} width={STROKE.curve} />
            {compareWith.label}
          </li>
        )}
        {marker && (
          <li>
            <LineSwatch colour={DENSITY_STYLE.value} dash="" width={STROKE.marker} />
            this image
          </li>
        )}
        {model.thresholdFpr !== undefined && (
          <li>
            <LineSwatch colour="currentColor" dash={DENSITY_STYLE.thresholdDash} width={STROKE.guide} />
            threshold
          </li>
        )}
      </ul>
      {marker && model.percentile !== undefined && (
        <p className="chart-note">
          This image is more out-of-distribution by {scoreName} than {formatPercent(model.percentile)} of the{' '}
          {model.referenceCount.toLocaleString('en')} in-distribution test images.
        </p>
      )}
      {onSelectRange && <p className="chart-note">Click or drag along the plot to see the images whose scores fall there.</p>}
    </figure>
  );
});

interface DensityModel {
  /** Raw nats to the plotted unit and back. */
  toPlotted: (v: number) => number;
  fromPlotted: (v: number) => number;
  grid: number[];
  density: Float64Array;
  compareDensity?: Float64Array;
  yMax: number;
  referenceCount: number;
  /** Whether a larger plotted value means more out-of-distribution. */
  moreOodToRight: boolean;
  marker?: { value: number; plotted: number; offScale?: 'left' | 'right' };
  /** Fraction of the reference less out-of-distribution than the value (midrank). */
  percentile?: number;
  thresholdPlotted?: number;
  /** In-distribution fraction flagged at the threshold. */
  thresholdFpr?: number;
}

/** What a chart of one reference draws whatever the current value: sorted, converted and measured once. */
interface DensityBase {
  ref: ScoreReference;
  toPlotted: (v: number) => number;
  fromPlotted: (v: number) => number;
  plottedReference: number[];
  plottedCompare: number[];
  referenceBandwidth: number;
  compareBandwidth?: number;
  lo: number;
  hi: number;
}

function densityBase(scoreName: string, rawReference: number[], unit: ScoreUnit, dims: number, rawCompare: ArrayLike<number> | undefined): DensityBase | undefined {
  // Underflowed (infinite) values have no density; the reference is drawn from the finite ones.
  const finiteReference = rawReference.filter(Number.isFinite);
  if (finiteReference.length === 0) return undefined;
  const ref = new ScoreReference(scoreName, finiteReference);
  // Bits/dim are -L/(D ln 2) for a bound and +LLR/(D ln 2) for a ratio: the OOD score's sign, scaled.
  const toPlotted = (v: number) => (unit === 'nats' ? v : unit === 'percentile' ? 100 * v : ref.oodScoreOf(v) / (dims * Math.LN2));
  const fromPlotted = (p: number) => (unit === 'nats' ? p : unit === 'percentile' ? p / 100 : ref.oodScoreOf(p * dims * Math.LN2));
  const plottedReference = finiteReference.map(toPlotted);
  const plottedCompare = Array.from(rawCompare ?? [], Number).filter(Number.isFinite).map(toPlotted);
  const [lo = 0, hi = 0] = extent([...plottedReference, ...plottedCompare]);
  return {
    ref,
    toPlotted,
    fromPlotted,
    plottedReference,
    plottedCompare,
    referenceBandwidth: silvermanBandwidth(plottedReference),
    compareBandwidth: plottedCompare.length > 0 ? silvermanBandwidth(plottedCompare) : undefined,
    lo,
    hi,
  };
}

/**
 * Everything the chart draws, in plotted units. The plotted range covers the reference and the
 * comparison set, and the value too unless it lies more than one reference-and-comparison range
 * beyond them: then it is clamped to the edge so that one extreme image does not flatten the density.
 */
function densityModel(base: DensityBase, rawValue: number | undefined, rawThreshold: number | undefined, unit: ScoreUnit): DensityModel {
  const { ref, toPlotted, fromPlotted, plottedReference, plottedCompare, lo, hi } = base;
  const reach = hi - lo || Math.abs(lo) || 1;

  const value = rawValue !== undefined && !Number.isNaN(rawValue) ? rawValue : undefined;
  const plottedValue = value !== undefined ? toPlotted(value) : undefined;
  const valueFits = plottedValue !== undefined && plottedValue >= lo - reach && plottedValue <= hi + reach;
  const grid = densityGrid([lo, hi], valueFits ? [plottedValue] : [], GRID_POINTS);
  const first = grid[0]!;
  const last = grid[grid.length - 1]!;

  const density = kdeBinned(plottedReference, grid, base.referenceBandwidth);
  const compareDensity = base.compareBandwidth !== undefined ? kdeBinned(plottedCompare, grid, base.compareBandwidth) : undefined;
  const yMax = Math.max(max(density) ?? 0, compareDensity ? (max(compareDensity) ?? 0) : 0) || 1;

  let marker: DensityModel['marker'];
  if (value !== undefined && plottedValue !== undefined) {
    if (plottedValue < first) marker = { value: plottedValue, plotted: first, offScale: 'left' };
    else if (plottedValue > last) marker = { value: plottedValue, plotted: last, offScale: 'right' };
    else marker = { value: plottedValue, plotted: plottedValue };
  }

  let thresholdPlotted: number | undefined;
  let thresholdFpr: number | undefined;
  if (rawThreshold !== undefined && Number.isFinite(rawThreshold)) {
    const t = toPlotted(rawThreshold);
    if (t >= first && t <= last) thresholdPlotted = t;
    // Flagged means an OOD score strictly above the threshold's, as in ScoreReference.thresholdAtFpr.
    thresholdFpr = (ref.size - bisectRight(ref.sorted, ref.oodScoreOf(rawThreshold))) / ref.size;
  }

  return {
    toPlotted,
    fromPlotted,
    grid,
    density,
    compareDensity,
    yMax,
    referenceCount: ref.size,
    moreOodToRight: unit === 'bits/dim' || ref.oodScoreOf(1) > 0,
    marker,
    percentile: value !== undefined ? ref.percentile(ref.oodScoreOf(value)) : undefined,
    thresholdPlotted,
    thresholdFpr,
  };
}

function densitySummary(scoreName: string, model: DensityModel, fmt: (v: number) => string): string {
  const head = `Density of ${scoreName} over ${model.referenceCount.toLocaleString('en')} in-distribution test images`;
  if (!model.marker || model.percentile === undefined) return `${head}.`;
  return `${head}; this image: ${fmt(model.marker.value)}, more out-of-distribution than ${formatPercent(model.percentile)} of them.`;
}

function densityDescription(
  scoreName: string,
  unit: ScoreUnit,
  model: DensityModel,
  compareLabel: string | undefined,
  fmt: (v: number) => string,
): string {
  const parts = [
    `Horizontal axis: ${scoreName} in ${unit}, from ${fmt(model.grid[0]!)} to ${fmt(model.grid[model.grid.length - 1]!)}; ` +
      `larger values are more out-of-distribution ${model.moreOodToRight ? 'to the right' : 'to the left'}.`,
    'The filled curve is the in-distribution density.',
  ];
  if (compareLabel && model.compareDensity) parts.push(`The dashed curve is the density of ${compareLabel}.`);
  if (model.marker?.offScale) parts.push(`This image's value lies beyond the ${model.marker.offScale} edge of the plot.`);
  if (model.thresholdFpr !== undefined) {
    parts.push(`The dashed vertical line is the threshold at which ${formatPercent(model.thresholdFpr)} of in-distribution images are flagged.`);
  }
  return parts.join(' ');
}

/** The content width of `ref`'s element, tracked while `enabled`; undefined until first measured. */
function useContainerWidth(ref: RefObject<HTMLElement | null>, enabled: boolean): number | undefined {
  const [measured, setMeasured] = useState<number>();
  useEffect(() => {
    const element = ref.current;
    if (!enabled || !element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w) setMeasured(Math.round(w));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, enabled]);
  return measured;
}
