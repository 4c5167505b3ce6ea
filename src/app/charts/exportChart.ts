/**
 * Charts as files: a standalone SVG (styles that the page's CSS supplies are written onto the
 * elements, the legend drawn in, a white background) and a PNG rendered from it; tables as CSV.
 */
import { FONT } from './chartTheme.ts';

export interface LegendEntry {
  label: string;
  colour: string;
  /** stroke-dasharray; '' is solid. */
  dash: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const LEGEND_ROW = 22;
const INK = '#111111';

/** A self-contained copy of a chart's SVG, with its title above and its legend below. */
export function standaloneSvg(svg: SVGSVGElement, title: string, legend: LegendEntry[]): string {
  const box = svg.viewBox.baseVal;
  const width = box?.width || svg.clientWidth;
  const plotHeight = box?.height || svg.clientHeight;
  const top = 28;
  const height = top + plotHeight + 8 + legend.length * LEGEND_ROW;

  const clone = svg.cloneNode(true) as SVGSVGElement;
  // currentColor and CSS classes do not travel with the file: resolve them to the light theme's ink.
  clone.querySelectorAll('*').forEach((el) => {
    for (const attr of ['fill', 'stroke']) if (el.getAttribute(attr) === 'currentColor') el.setAttribute(attr, INK);
    const cls = el.getAttribute('class') ?? '';
    if (el.tagName === 'text' && !el.getAttribute('fill')) el.setAttribute('fill', INK);
    if (cls.includes('chart-guide')) el.setAttribute('stroke', INK);
    if (cls.includes('chart-overlay') || cls.includes('chart-tooltip')) el.remove();
    if (cls.includes('chart-selection')) el.setAttribute('fill', 'rgba(0,0,0,0.12)');
  });
  clone.querySelectorAll('.domain, .tick line').forEach((el) => el.setAttribute('stroke', INK));

  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  out.setAttribute('font-family', 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif');
  out.setAttribute('font-size', String(FONT.tick));
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#ffffff');
  out.appendChild(background);

  const heading = document.createElementNS(SVG_NS, 'text');
  heading.setAttribute('x', '8');
  heading.setAttribute('y', '20');
  heading.setAttribute('font-size', String(FONT.title));
  heading.setAttribute('font-weight', '600');
  heading.setAttribute('fill', INK);
  heading.textContent = title;
  out.appendChild(heading);

  const plot = document.createElementNS(SVG_NS, 'g');
  plot.setAttribute('transform', `translate(0,${top})`);
  for (const child of Array.from(clone.childNodes)) plot.appendChild(child);
  out.appendChild(plot);

  legend.forEach((entry, i) => {
    const y = top + plotHeight + 8 + i * LEGEND_ROW + LEGEND_ROW / 2;
    const swatch = document.createElementNS(SVG_NS, 'line');
    for (const [k, v] of Object.entries({ x1: '12', x2: '46', y1: String(y), y2: String(y), stroke: entry.colour, 'stroke-width': '3' })) swatch.setAttribute(k, v);
    if (entry.dash) swatch.setAttribute('stroke-dasharray', entry.dash);
    out.appendChild(swatch);
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('x', '54');
    text.setAttribute('y', String(y + 5));
    text.setAttribute('fill', INK);
    text.textContent = entry.label;
    out.appendChild(text);
  });
  return new XMLSerializer().serializeToString(out);
}

/** Rasterises an SVG document at `scale` times its size (2 for sharp slides and print). */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(image.width * scale);
    canvas.height = Math.ceil(image.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Offers `data` to the reader as a file download. */
export function download(data: Blob | string, fileName: string, type = 'text/plain'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled: an immediate revoke can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** RFC 4180 CSV: fields with commas, quotes or line breaks are quoted. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const field = (v: string | number) => {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan') : v;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
