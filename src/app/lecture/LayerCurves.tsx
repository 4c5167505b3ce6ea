/**
 * One measure of the paper's Figure 2 across every layer of the inference network, bottom to top: one
 * curve per set of test images fed to both models, dashed where the second model is untrained (the
 * baseline). Latent layers get large markers, and on the correlation panel a hollow marker gives the
 * correlation among active units alone. Dotted lines separate the stages. Each point names its values.
 */
import { useEffect, useMemo, useRef } from 'react';
import { axisLeft, line, scaleLinear, scalePoint, select } from 'd3';
import { FONT, SERIES_COLOURS, STROKE } from '../charts/chartTheme.ts';
import type { Figure2Layer, Figure2Series } from '../../ood/figure2.ts';
import { datasetTitle } from './useLectureData.ts';
import '../charts/charts.css';

export type Figure2Measure = 'correlation' | 'cka';

export const MEASURE_LABEL: Record<Figure2Measure, string> = {
  correlation: 'best-match |r|',
  cka: 'linear CKA',
};

const UNTRAINED_DASH = '6 4';
const MARGIN = { top: 10, right: 12, bottom: 24, left: 52 };

/** A series' colour: by the dataset of its images, in the order the datasets first appear. */
export function seriesColour(all: Figure2Series[], s: Figure2Series): string {
  const datasets = [...new Set(all.map((t) => t.dataset))];
  return SERIES_COLOURS[datasets.indexOf(s.dataset) % SERIES_COLOURS.length]!;
}

export function seriesLabel(s: Figure2Series): string {
  return `${datasetTitle(s.dataset)} test images (${s.count})${s.against === 'untrained' ? ', second model untrained' : ''}`;
}

const f2 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(2));

function pointTitle(s: Figure2Series, l: Figure2Layer, measure: Figure2Measure): string {
  const parts = [`${seriesLabel(s)}, ${l.name}: ${MEASURE_LABEL[measure]} ${f2(l[measure])}`];
  if (measure === 'correlation') {
    parts.push(`units ${l.units.join(' and ')}, of which without variance ${l.constantUnits.join(' and ')}`);
    if (l.activeUnits) parts.push(`active units ${l.activeUnits.join(' and ')}, their correlation ${f2(l.activeCorrelation)}`);
  }
  return parts.join('; ');
}

export function LayerCurves({ series, measure, width, height }: { series: Figure2Series[]; measure: Figure2Measure; width: number; height: number }) {
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = height - MARGIN.top - MARGIN.bottom;
  const layers = series[0]?.layers ?? [];
  const x = useMemo(() => scalePoint<string>().domain(layers.map((l) => l.name)).range([0, innerWidth]).padding(0.3), [layers, innerWidth]);
  const y = useMemo(() => scaleLinear().domain([0, 1]).range([innerHeight, 0]), [innerHeight]);
  const yAxis = useRef<SVGGElement>(null);
  useEffect(() => {
    if (yAxis.current) select(yAxis.current).call(axisLeft(y).ticks(5)).attr('font-size', null).attr('font-family', null);
  }, [y]);

  const path = line<Figure2Layer>()
    .defined((l) => l[measure] !== null)
    .x((l) => x(l.name)!)
    .y((l) => y(l[measure]!));
  // A stage ends at its latent: a divider between it and the next layer.
  const dividers = layers.slice(0, -1).flatMap((l, i) => (l.latent ? [(x(l.name)! + x(layers[i + 1]!.name)!) / 2] : []));
  const summary = `${MEASURE_LABEL[measure]} per layer, bottom to top: ${series
    .map((s) => `${seriesLabel(s)}: ${s.layers.map((l) => `${l.name} ${f2(l[measure])}`).join(', ')}`)
    .join('; ')}.`;

  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} fontSize={FONT.tick} data-measure={measure}>
      <title>{summary}</title>
      <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
        {dividers.map((d) => (
          <line key={d} x1={d} x2={d} y1={0} y2={innerHeight} stroke="#777777" strokeWidth={1} strokeDasharray="1 4" />
        ))}
        {series.map((s) => {
          const colour = seriesColour(series, s);
          const untrained = s.against === 'untrained';
          return (
            <g key={seriesLabel(s)} opacity={untrained ? 0.75 : 1}>
              <path d={path(s.layers) ?? ''} fill="none" stroke={colour} strokeWidth={untrained ? STROKE.curve - 1 : STROKE.curve} strokeDasharray={untrained ? UNTRAINED_DASH : undefined} />
              {s.layers.map((l) =>
                l[measure] === null ? null : (
                  <circle key={l.name} cx={x(l.name)} cy={y(l[measure]!)} r={l.latent ? 5 : 3} fill={untrained ? '#ffffff' : colour} stroke={colour} strokeWidth={1.5}>
                    <title>{pointTitle(s, l, measure)}</title>
                  </circle>
                ),
              )}
              {measure === 'correlation' &&
                !untrained &&
                s.layers.map((l) =>
                  l.activeCorrelation === undefined || l.activeCorrelation === null ? null : (
                    <rect
                      key={`${l.name}-active`}
                      data-active-units={l.name}
                      x={x(l.name)! - 5}
                      y={y(l.activeCorrelation) - 5}
                      width={10}
                      height={10}
                      transform={`rotate(45 ${x(l.name)} ${y(l.activeCorrelation)})`}
                      fill="#ffffff"
                      stroke={colour}
                      strokeWidth={2}
                    >
                      <title>{`${seriesLabel(s)}, ${l.name}: correlation among active units ${f2(l.activeCorrelation)} (${l.activeUnits!.join(' and ')} active)`}</title>
                    </rect>
                  ),
                )}
            </g>
          );
        })}
        {layers.map((l) => (
          <text key={l.name} x={x(l.name)} y={innerHeight + 17} textAnchor="middle" fontWeight={l.latent ? 700 : 400}>
            {l.name}
          </text>
        ))}
        <line x1={0} x2={innerWidth} y1={innerHeight} y2={innerHeight} stroke="currentColor" />
        <g ref={yAxis} />
        <text transform={`translate(${-MARGIN.left + 13},${innerHeight / 2}) rotate(-90)`} textAnchor="middle" fontSize={FONT.label}>
          {MEASURE_LABEL[measure]}
        </text>
      </g>
    </svg>
  );
}
