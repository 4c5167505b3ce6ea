/**
 * BIVA drawn from its configuration: the bottom-up inference path (BU blocks and z_i^BU), the
 * deterministic top-down inference path (TD blocks, and the merge that gives q(z_i^TD) the latents
 * above), and the generative path, side by side. Pointing at a node, or focusing it with Tab, tells
 * its shape and what it conditions on. Node identifiers use the same DiagramNode type as the HVAE's
 * diagram, so the slide's latent views light up the same way.
 */
import { useState } from 'react';
import type { BivaConfig } from '../../hvae/config.ts';
import { DiagramInfo, DiagramNodeShape, hierarchyShapes, sub, type DiagramNode } from './ModelDiagram.tsx';

/** BIVA's columns: 'q' is the BU path, 'td' the top-down inference path, 'p' generation. */
type BivaNode = { path: 'q' | 'td' | 'p'; kind: 'x' | 'z' | 'block'; layer: number };

const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);
const dims = (shape: number[]) => `${shape.join(' × ')}${shape.length > 1 ? ` = ${size(shape).toLocaleString('en')}` : ''}`;

function describe(n: BivaNode, config: BivaConfig): { title: string; lines: string[] } {
  const L = config.stages.length;
  const shapes = hierarchyShapes(config);
  const i = n.layer;
  if (n.kind === 'x') return { title: 'x, the image', lines: [`${dims(config.inputShape)} binarised pixels`, n.path === 'p' ? 'p(x | z): one Bernoulli per pixel' : 'Input of both inference paths'] };
  const stage = config.stages[i - 1]!;
  const blocks = `${stage.blocks.length} residual blocks, ${stage.blocks[0]!.channels} channels, kernels ${stage.blocks.map((b) => b.kernel).join('-')}`;
  if (n.kind === 'block') {
    if (n.path === 'q') return { title: `Bottom-up block b${sub(i)}`, lines: [blocks, `Output ${dims(shapes.features[i - 1]!)}`, i > 1 ? `Skip: [b${sub(i - 1)}, t${sub(i - 1)}] into every block` : 'Reads x'] };
    if (n.path === 'td') return { title: `Top-down inference block t${sub(i)}`, lines: [blocks, `Deterministic; skip: b${sub(i)} into every block`, 'Its own weights, separate from both other paths'] };
    return { title: `Generative block e${sub(i - 1)}`, lines: [blocks, `Decodes z${sub(i)} towards ${i === 1 ? 'x' : `z${sub(i - 1)}`}`, 'Skips from every block of the stage above'] };
  }
  const z = shapes.latents[i - 1]!;
  const role = i === 1 ? 'lowest, spatial: local features' : i === L ? 'top: the most global features' : 'middle of the hierarchy';
  if (i === L) {
    return n.path === 'p'
      ? { title: `p(z${sub(L)}) = N(0, I)`, lines: [`${dims(z)} numbers`, 'The prior of the top layer'] }
      : { title: `q(z${sub(L)} | x, z<${sub(L)}ᴮᵁ)`, lines: [`${dims(z)} numbers, ${role}`, 'From the merge of both inference paths'] };
  }
  if (n.path === 'q') return { title: `q(z${sub(i)}ᴮᵁ | x, z<${sub(i)}ᴮᵁ)`, lines: [`${dims(z)} numbers, ${role}`, 'Bottom-up half: sampled first, feeds the stage above'] };
  if (n.path === 'td')
    return { title: `q(z${sub(i)}ᵀᴰ | x, z<${sub(i)}ᴮᵁ, z>${sub(i)})`, lines: [`${dims(z)} numbers, ${role}`, `Top-down half: the merge adds e${sub(i)}, which carries every latent above`] };
  return { title: `p(z${sub(i)}ᴮᵁ, z${sub(i)}ᵀᴰ | z>${sub(i)})`, lines: [`2 × ${dims(z)} numbers`, 'Both halves read the same generative features, independently'] };
}

const W = 520;
const COLS = { q: 90, td: 250, p: 430 };

export interface BivaDiagramProps {
  config: BivaConfig;
  onFocusNode?: (node: DiagramNode | null) => void;
}

export function BivaDiagram({ config, onFocusNode }: BivaDiagramProps) {
  const L = config.stages.length;
  const [focus, setFocus] = useState<BivaNode | null>(null);
  const choose = (n: BivaNode | null) => {
    setFocus(n);
    // The slide's latent views are per stage: a BIVA latent node lights up its stage.
    onFocusNode?.(n && n.kind === 'z' ? { path: n.path === 'p' ? 'p' : 'q', kind: 'z', layer: n.layer } : null);
  };
  const rows = 1 + 2 * L;
  const rowGap = Math.max(24, Math.min(40, 440 / rows));
  const top = 40;
  const H = top + rowGap * (rows - 1) + 30;
  const yOf = (row: number) => H - 24 - row * rowGap;
  const R = Math.min(15, rowGap / 2 - 2);
  const nodes: (BivaNode & { x: number; y: number })[] = [];
  for (const path of ['q', 'td', 'p'] as const) {
    nodes.push({ path, kind: 'x', layer: 0, x: COLS[path], y: yOf(0) });
    for (let i = 1; i <= L; i++) {
      nodes.push({ path, kind: 'block', layer: i, x: COLS[path], y: yOf(2 * i - 1) });
      // The top latent is one: drawn once for inference (between the two paths) and once for generation.
      if (i < L || path !== 'td') nodes.push({ path, kind: 'z', layer: i, x: i === L && path === 'q' ? (COLS.q + COLS.td) / 2 : COLS[path], y: yOf(2 * i) });
    }
  }
  const at = (path: BivaNode['path'], kind: BivaNode['kind'], layer: number) => nodes.find((n) => n.path === path && n.kind === kind && n.layer === layer)!;
  const edges: { from: { x: number; y: number }; to: { x: number; y: number }; dashed?: boolean }[] = [];
  for (let i = 1; i <= L; i++) {
    // BU path upwards: x or z_{i-1}^BU -> b_i -> z_i^BU.
    edges.push({ from: i === 1 ? at('q', 'x', 0) : at('q', 'z', i - 1), to: at('q', 'block', i) });
    edges.push({ from: at('q', 'block', i), to: at('q', 'z', i) });
    // TD inference path upwards, deterministic: t_{i-1} -> t_i, with b_i as skip.
    edges.push({ from: i === 1 ? at('td', 'x', 0) : at('td', 'block', i - 1), to: at('td', 'block', i) });
    edges.push({ from: at('q', 'block', i), to: at('td', 'block', i), dashed: true });
    if (i < L) {
      edges.push({ from: at('td', 'block', i), to: at('td', 'z', i) });
      // The merge: generative features of the stage above into q(z_i^TD).
      edges.push({ from: at('p', 'block', i + 1), to: at('td', 'z', i), dashed: true });
    } else edges.push({ from: at('td', 'block', i), to: at('q', 'z', L) });
    // Generation downwards: z_i -> e_{i-1} -> z_{i-1} or x.
    edges.push({ from: at('p', 'z', i), to: at('p', 'block', i) });
    edges.push({ from: at('p', 'block', i), to: i === 1 ? at('p', 'x', 0) : at('p', 'z', i - 1) });
  }
  const info = focus ? describe(focus, config) : null;
  const same = (a: BivaNode | null, b: BivaNode) => !!a && a.path === b.path && a.kind === b.kind && a.layer === b.layer;
  const shorten = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const d = Math.hypot(dx, dy) || 1;
    return { x1: from.x + (dx * R) / d, y1: from.y + (dy * R) / d, x2: to.x - (dx * (R + 2)) / d, y2: to.y - (dy * (R + 2)) / d };
  };

  return (
    <figure className="model-diagram">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="group" aria-label="BIVA: the bottom-up and top-down inference paths and the generative path">
        <defs>
          <marker id="biva-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
          </marker>
        </defs>
        <text x={COLS.q} y={18} textAnchor="middle" className="diagram-heading">
          Inference, bottom-up
        </text>
        <text x={COLS.td} y={18} textAnchor="middle" className="diagram-heading">
          Inference, top-down
        </text>
        <text x={COLS.p} y={18} textAnchor="middle" className="diagram-heading">
          Generation p
        </text>
        {edges.map((e, j) => (
          <line key={j} {...shorten(e.from, e.to)} stroke="currentColor" strokeWidth={1.6} strokeDasharray={e.dashed ? '5 4' : undefined} markerEnd="url(#biva-arrow)" />
        ))}
        {nodes.map((n) => {
          const half = n.kind === 'z' && n.layer < L ? (n.path === 'q' ? 'ᴮᵁ' : n.path === 'td' ? 'ᵀᴰ' : '') : '';
          const label = n.kind === 'x' ? 'x' : n.kind === 'z' ? `z${sub(n.layer)}${half}` : n.path === 'q' ? `b${sub(n.layer)}` : n.path === 'td' ? `t${sub(n.layer)}` : `e${sub(n.layer - 1)}`;
          const d = describe(n, config);
          return <DiagramNodeShape key={`${n.path}-${n.kind}-${n.layer}`} node={n} r={R} label={label} info={d} on={same(focus, n)} onFocusChange={(f) => choose(f ? n : null)} />;
        })}
      </svg>
      <DiagramInfo info={info} legend="dashed: skips, and the merge that brings the generative features into each top-down posterior." />
    </figure>
  );
}
