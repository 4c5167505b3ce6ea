/**
 * The paper's Figure 4 drawn from the model's own configuration: the bottom-up inference path q and
 * the top-down generative path p side by side, stochastic layers as circles, deterministic blocks as
 * squares, skip connections dashed. Pointing at a node, or focusing it with Tab, tells its shape and role.
 */
import { useState } from 'react';
import type { HvaeConfig, ModelConfig } from '../../hvae/config.ts';

export type DiagramNode = { path: 'q' | 'p'; kind: 'x' | 'z' | 'block'; layer: number };

interface Shapes {
  /** Output of stage i's deterministic blocks in inference, [h, w, c]. */
  features: number[][];
  /** z_i's shape, [h, w, c] or [units]. */
  latents: number[][];
}

/** Shapes along the (bottom-up) inference path, as either model builds them (strides divide, 'same' padding). */
export function hierarchyShapes(config: ModelConfig): Shapes {
  const features: number[][] = [];
  const latents: number[][] = [];
  let a: number[] = [...config.inputShape];
  for (const s of config.stages) {
    let h = a;
    for (const b of s.blocks) h = [h[0]! / b.stride, h[1]! / b.stride, b.channels];
    features.push(h);
    const z = s.latent.kind === 'conv' ? [h[0]!, h[1]!, s.latent.channels] : [s.latent.units];
    latents.push(z);
    a = s.latent.kind === 'conv' ? z : h;
  }
  return { features, latents };
}

const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);
const dims = (shape: number[]) => `${shape.join(' × ')}${shape.length > 1 ? ` = ${size(shape).toLocaleString('en')}` : ''}`;

function describe(node: DiagramNode, config: HvaeConfig, shapes: Shapes): { title: string; lines: string[] } {
  const L = config.stages.length;
  const i = node.layer;
  if (node.kind === 'x') {
    return {
      title: 'x, the image',
      lines: [`${dims(config.inputShape)} binarised pixels`, node.path === 'q' ? 'Input of the inference path' : 'p(x | z₁): one Bernoulli per pixel, from the last block'],
    };
  }
  const stage = config.stages[i - 1]!;
  if (node.kind === 'block') {
    const k = stage.blocks.map((b) => b.kernel).join('-');
    return {
      title: `${node.path === 'q' ? 'Inference' : 'Generative'} block ${i}`,
      lines: [
        `Deterministic: ${stage.blocks.length} ${config.gated ? 'gated ' : ''}residual blocks, ${stage.blocks[0]!.channels} channels, kernels ${k}`,
        node.path === 'q' ? `Output ${dims(shapes.features[i - 1]!)}` : `Decodes z${sub(i)} towards ${i === 1 ? 'x' : `z${sub(i - 1)}`}`,
        config.skip
          ? `Dashed: its features also feed the ${node.path === 'q' ? 'next block up' : 'next block down'} (skip connection, into ${config.skipEveryBlock ? 'each of its residual blocks' : 'its first residual block'})`
          : '',
      ].filter(Boolean),
    };
  }
  const z = shapes.latents[i - 1]!;
  const role = i === 1 ? 'Lowest, spatial: local, low-level features' : i === L ? 'Top: the most global, semantic features' : 'Middle of the hierarchy';
  return {
    title: node.path === 'q' ? `q(z${sub(i)} | ${i === 1 ? 'x' : `z${sub(i - 1)}`})` : i === L ? `p(z${sub(i)}) = N(0, I)` : `p(z${sub(i)} | z${sub(i + 1)})`,
    lines: [
      `${dims(z)} numbers, Gaussian with diagonal covariance`,
      node.path === 'q' ? 'Approximate posterior: mean and std from the block below' : i === L ? 'The prior of the top layer' : 'Conditional prior: mean and std from the block above',
      role,
    ],
  };
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
export function sub(n: number): string {
  return String(n)
    .split('')
    .map((d) => SUB[Number(d)])
    .join('');
}

const W = 460;
const H = 330;
const COLS = { q: 120, p: 340 };

export interface ModelDiagramProps {
  config: HvaeConfig;
  /** Called with the node pointed at or focused, or null. */
  onFocusNode?: (node: DiagramNode | null) => void;
}

export function ModelDiagram({ config, onFocusNode }: ModelDiagramProps) {
  const shapes = hierarchyShapes(config);
  const L = config.stages.length;
  const [focus, setFocus] = useState<DiagramNode | null>(null);
  const choose = (n: DiagramNode | null) => {
    setFocus(n);
    onFocusNode?.(n);
  };
  // Rows from the bottom: x, then block i and z_i for each stage.
  const rows = 1 + 2 * L;
  const top = 40;
  const bottom = H - 24;
  const yOf = (row: number) => bottom - (row * (bottom - top)) / (rows - 1);
  const nodes: (DiagramNode & { x: number; y: number })[] = [];
  for (const path of ['q', 'p'] as const) {
    nodes.push({ path, kind: 'x', layer: 0, x: COLS[path], y: yOf(0) });
    for (let i = 1; i <= L; i++) {
      // Inference: block i sits below z_i; generation: block i sits below z_i too (it decodes z_i downwards).
      nodes.push({ path, kind: 'block', layer: i, x: COLS[path], y: yOf(2 * i - 1) });
      nodes.push({ path, kind: 'z', layer: i, x: COLS[path], y: yOf(2 * i) });
    }
  }
  const same = (a: DiagramNode | null, b: DiagramNode) => !!a && a.path === b.path && a.kind === b.kind && a.layer === b.layer;
  const info = focus ? describe(focus, config, shapes) : null;
  const R = 17;

  return (
    <figure className="model-diagram">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="group" aria-label="The inference and generative paths of the hierarchical VAE">
        <defs>
          <marker id="diagram-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
          </marker>
        </defs>
        <text x={COLS.q} y={18} textAnchor="middle" className="diagram-heading">
          Inference q (bottom-up)
        </text>
        <text x={COLS.p} y={18} textAnchor="middle" className="diagram-heading">
          Generation p (top-down)
        </text>
        {(['q', 'p'] as const).map((path) =>
          Array.from({ length: rows - 1 }, (_, r) => {
            // q flows up the column, p flows down it.
            const [from, to] = path === 'q' ? [yOf(r) - R, yOf(r + 1) + R] : [yOf(r + 1) + R, yOf(r) - R];
            return <line key={`${path}${r}`} x1={COLS[path]} x2={COLS[path]} y1={from} y2={to} stroke="currentColor" strokeWidth={2} markerEnd="url(#diagram-arrow)" />;
          }),
        )}
        {config.skip &&
          Array.from({ length: L - 1 }, (_, j) => {
            const i = j + 1;
            const lo = yOf(2 * i - 1);
            const hi = yOf(2 * i + 1);
            return (['q', 'p'] as const).map((path) => {
              const side = path === 'q' ? -1 : 1;
              const x = COLS[path] + side * R;
              const bend = COLS[path] + side * 62;
              const [y1, y2] = path === 'q' ? [lo, hi] : [hi, lo];
              return (
                <path
                  key={`skip-${path}${i}`}
                  d={`M${x},${y1} C${bend},${y1} ${bend},${y2} ${x},${y2}`}
                  fill="none"
                  stroke="currentColor"
                  strokeWidth={2}
                  strokeDasharray="6 5"
                  markerEnd="url(#diagram-arrow)"
                />
              );
            });
          })}
        {nodes.map((n) => {
          const label = n.kind === 'x' ? 'x' : n.kind === 'z' ? `z${sub(n.layer)}` : n.path === 'q' ? `d${sub(n.layer)}` : `g${sub(n.layer)}`;
          const d = describe(n, config, shapes);
          const on = same(focus, n);
          return <DiagramNodeShape key={`${n.path}-${n.kind}-${n.layer}`} node={n} r={R} label={label} info={d} on={on} onFocusChange={(f) => choose(f ? n : null)} />;
        })}
      </svg>
      <DiagramInfo info={info} legend="dashed: skip connections." />
    </figure>
  );
}

/** One node of a diagram: a square block or a round latent (x filled), labelled, focusable, naming its role to screen readers. */
export function DiagramNodeShape(props: {
  node: { path: string; kind: 'x' | 'z' | 'block'; layer: number; x: number; y: number };
  r: number;
  label: string;
  info: { title: string; lines: string[] };
  on: boolean;
  onFocusChange: (focused: boolean) => void;
}) {
  const { node: n, r: R, label, info, on, onFocusChange } = props;
  return (
    <g
      className={on ? 'diagram-node diagram-node--on' : 'diagram-node'}
      tabIndex={0}
      role="button"
      aria-label={`${info.title}: ${info.lines.join('; ')}`}
      data-node={`${n.path}-${n.kind}-${n.layer}`}
      onPointerEnter={() => onFocusChange(true)}
      onFocus={() => onFocusChange(true)}
      onBlur={() => onFocusChange(false)}
    >
      {n.kind === 'block' ? (
        <rect x={n.x - R} y={n.y - R} width={2 * R} height={2 * R} rx={3} />
      ) : (
        <circle cx={n.x} cy={n.y} r={R} className={n.kind === 'x' ? 'diagram-observed' : undefined} />
      )}
      <text x={n.x} y={n.y} dy="0.35em" textAnchor="middle" fontSize={R < 14 ? 10 : undefined}>
        {label}
      </text>
    </g>
  );
}

/** The focused node's title and lines under a diagram, or how to read it when none is focused. */
export function DiagramInfo({ info, legend }: { info: { title: string; lines: string[] } | null; legend: string }) {
  return (
    <div className="diagram-info" aria-live="polite" data-testid="diagram-info">
      {info ? (
        <>
          <strong>{info.title}</strong>
          {info.lines.map((l) => (
            <span key={l}>{l}</span>
          ))}
        </>
      ) : (
        <span>Point at a node (or Tab to it) for its shape and role. Circles: stochastic layers; squares: deterministic blocks; {legend}</span>
      )}
    </div>
  );
}
