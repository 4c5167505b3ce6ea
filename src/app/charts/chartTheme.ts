/**
 * The look shared by every chart: a colour-blind-safe palette (Okabe & Ito), dash patterns that
 * tell series apart without colour, font sizes legible on a projector, margins and number formats.
 */
import { format } from 'd3';

/** Okabe-Ito colours, distinguishable under the common colour-vision deficiencies. Yellow is left out: too faint on white. */
export const OKABE_ITO = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  bluishGreen: '#009E73',
  reddishPurple: '#CC79A7',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
} as const;

/** The in-distribution set and the OOD set have these colours on every page and chart (styles.css --in, --ood). */
export const IN_DISTRIBUTION_COLOUR = OKABE_ITO.blue;
export const OOD_COLOUR = OKABE_ITO.vermillion;

/** Series colours in order of contrast against both light and dark backgrounds. */
export const SERIES_COLOURS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.vermillion,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.orange,
  OKABE_ITO.skyBlue,
];

/** SVG stroke-dasharray values; '' is solid. Paired with SERIES_COLOURS so each series differs in both. */
export const SERIES_DASHES: readonly string[] = ['', '9 4', '2 4', '12 4 2 4', '5 5', '1 3'];

/** Colour and dash of the i-th series; past the sixth the dashes shift, so no two of the first 36 look alike. */
export function seriesStyle(i: number): { colour: string; dash: string } {
  const n = SERIES_COLOURS.length;
  return {
    colour: SERIES_COLOURS[i % n]!,
    dash: SERIES_DASHES[(i + Math.floor(i / n)) % SERIES_DASHES.length]!,
  };
}

/** Roles in the density chart: the in-distribution reference, the OOD set compared with it, and the current image in the text colour. */
export const DENSITY_STYLE = {
  reference: IN_DISTRIBUTION_COLOUR,
  referenceFillOpacity: 0.3,
  compare: OOD_COLOUR,
  compareDash: '9 4',
  value: 'currentColor',
  thresholdDash: '6 4',
} as const;

/** Pixel font sizes; none below 13 px, so charts stay readable from the back of a room. */
export const FONT = {
  tick: 13,
  label: 14,
  title: 16,
} as const;

/** Stroke widths in pixels. */
export const STROKE = {
  curve: 2.5,
  marker: 3,
  guide: 1.5,
} as const;

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Room for tick labels and one axis label per axis; a chart with labels above its plot adds to the top. */
export const MARGINS: Margins = { top: 12, right: 20, bottom: 56, left: 68 };

/** Ticks about every this many pixels, so tick labels never crowd; vertical axes' labels are one line high. */
export const PIXELS_PER_TICK = { x: 80, y: 50 } as const;

const fmtLarge = format(',.1f');
const fmtMedium = format('.2f');
const fmtSmall = format('.3~g');

/** A value in nats with its unit, with precision that suits its size: "−245.3 nats", "3.21 nats", "0.0412 nats". */
export function formatNats(v: number): string {
  return `${formatNumber(v)} nats`;
}

/** The number part of formatNats, for places where the unit is stated once (an axis label). */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const abs = Math.abs(v);
  if (abs >= 100) return fmtLarge(v);
  if (abs >= 1) return fmtMedium(v);
  return fmtSmall(v);
}

/** A rate such as an FPR or TPR as a percentage: "5%", "2.5%", "97.3%". */
export const formatPercent = format('.1~%');
