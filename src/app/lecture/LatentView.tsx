/**
 * What the latent layers hold for one image: a spatial layer as one grey map per channel (mid-grey
 * is zero, lighter positive), a dense layer as signed bars. Values are posterior means.
 */
import { useEffect, useRef } from 'react';

export interface LatentViewProps {
  /** The layer's values for one image: h*w*c (NHWC) or units. */
  values: Float32Array;
  shape: number[];
  label: string;
  /** Highlighted (e.g. its node in the diagram is pointed at). */
  active?: boolean;
}

/** The largest |value| of a layer: maps and bars share one symmetric scale per layer. */
function scaleOf(values: Float32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m || 1;
}

export function LatentView({ values, shape, label, active }: LatentViewProps) {
  const s = scaleOf(values);
  return (
    <figure className={active ? 'latent-view latent-view--active' : 'latent-view'}>
      <figcaption>
        {label} <span className="latent-shape">({shape.join('×')})</span>
      </figcaption>
      {shape.length === 3 ? <ChannelMaps values={values} shape={shape as [number, number, number]} scale={s} /> : <SignedBars values={values} scale={s} />}
    </figure>
  );
}

function ChannelMaps({ values, shape, scale }: { values: Float32Array; shape: [number, number, number]; scale: number }) {
  const [h, w, c] = shape;
  return (
    <div className="latent-maps">
      {Array.from({ length: c }, (_, ch) => (
        <ChannelMap key={ch} values={values} h={h} w={w} c={c} ch={ch} scale={scale} />
      ))}
    </div>
  );
}

function ChannelMap({ values, h, w, c, ch, scale }: { values: Float32Array; h: number; w: number; c: number; ch: number; scale: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      const level = 127.5 + (127.5 * values[i * c + ch]!) / scale;
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = level;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [values, h, w, c, ch, scale]);
  return <canvas ref={ref} width={w} height={h} className="latent-map" role="img" aria-label={`channel ${ch + 1} of ${c}`} />;
}

function SignedBars({ values, scale }: { values: Float32Array; scale: number }) {
  const n = values.length;
  const width = 200;
  const height = 56;
  const step = width / n;
  const mid = height / 2;
  return (
    <svg className="latent-bars" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${n} values: ${Array.from(values, (v) => v.toFixed(2)).join(', ')}`}>
      <line x1={0} x2={width} y1={mid} y2={mid} stroke="currentColor" strokeWidth={1} />
      {Array.from(values, (v, i) => {
        const len = (Math.abs(v) / scale) * (mid - 2);
        return <rect key={i} x={i * step + step * 0.15} width={step * 0.7} y={v >= 0 ? mid - len : mid} height={len} fill="currentColor" />;
      })}
    </svg>
  );
}
