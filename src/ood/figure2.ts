/**
 * The paper's Figure 2 as data: for the same test images fed to two models, both measures of
 * src/ood/representationCorrelation.ts for every layer of the inference networks, bottom to top.
 * `npm run figure2` writes it to public/figure2.json; the lecture reads that file and recomputes a
 * smaller version live; `npm run report` prints it. The image sample and its binarisation are fixed
 * here, so the page and the command feed the models the same images.
 */
import { binarize, binarizationSeed } from '../data/binarize.ts';
import { mulberry32 } from '../data/random.ts';
import { sampleIndices } from './protocol.ts';
import { layerSimilarity, pairLayers, type LayerData } from './representationCorrelation.ts';

/** Where the command writes the figure, relative to the repository root; the app fetches it at /figure2.json. */
export const FIGURE2_FILE = 'public/figure2.json';
/** Seed of the test-image sample: a smaller sample with this seed is a subset of a larger one (partial Fisher-Yates). */
export const FIGURE2_SAMPLE_SEED = 2021;

export interface Figure2Layer {
  name: string;
  /** A latent's posterior mean, or a deterministic block's output. */
  latent: boolean;
  /** Best-match absolute correlation; null where a side had no varying unit. */
  correlation: number | null;
  /** Linear CKA; null where a side had no variance at all. */
  cka: number | null;
  /** Units of each model in the correlation, and how many of them had no variance (left out of it). */
  units: [number, number];
  constantUnits: [number, number];
  /** Latent layers only: active units of each model (ACTIVE_UNIT_VARIANCE) and the best-match correlation among them. */
  activeUnits?: [number, number];
  activeCorrelation?: number | null;
}

export interface Figure2Series {
  /** The test images both models saw. */
  dataset: string;
  count: number;
  /** The second model as trained, or a freshly initialised model of its configuration (the baseline). */
  against: 'trained' | 'untrained';
  layers: Figure2Layer[];
}

export interface Figure2ModelRef {
  name: string;
  config: string;
  /** The dataset it was trained on. */
  dataset: string;
}

export interface Figure2File {
  /** The command that wrote the file. */
  command: string;
  engine: string;
  models: [Figure2ModelRef, Figure2ModelRef];
  /** Seed of the untrained baseline's weights (its data-dependent initialisation uses the first batch of the sample). */
  untrainedSeed: number;
  sampleSeed: number;
  series: Figure2Series[];
  /** Seconds the command took. */
  seconds: number;
}

/** A seeded sample of `n` of a test set's images (count x 784 grey values), binarised as the evaluation binarises that set. */
export function figure2Images(dataset: string, images: Float32Array, setCount: number, n: number, pixels: number): { indices: Uint32Array; x: Float32Array } {
  const count = Math.min(n, setCount);
  const indices = sampleIndices(setCount, count, mulberry32(FIGURE2_SAMPLE_SEED));
  const picked = new Float32Array(count * pixels);
  indices.forEach((idx, i) => picked.set(images.subarray(idx * pixels, (idx + 1) * pixels), i * pixels));
  return { indices, x: binarize(picked, binarizationSeed(dataset, 'test')) };
}

const round = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null);

/**
 * Both measures for every layer the two models share (by name, bottom to top). `afterLayer` is awaited
 * after each layer: the page yields there so the slide stays responsive, the command reports progress.
 */
export async function compareModels<T extends LayerData & { name: string }>(
  a: readonly T[],
  b: readonly T[],
  count: number,
  afterLayer?: (done: number, total: number) => void | Promise<void>,
): Promise<Figure2Layer[]> {
  const pairs = pairLayers(a, b);
  const out: Figure2Layer[] = [];
  for (const [la, lb] of pairs) {
    const s = layerSimilarity(la, lb, count);
    out.push({
      name: la.name,
      latent: la.latent === true,
      correlation: round(s.correlation),
      cka: round(s.cka),
      units: [s.units.a, s.units.b],
      constantUnits: [s.constantUnits.a, s.constantUnits.b],
      ...(s.active ? { activeUnits: [s.active.units.a, s.active.units.b] as [number, number], activeCorrelation: round(s.active.correlation) } : {}),
    });
    await afterLayer?.(out.length, pairs.length);
  }
  return out;
}

/** Checks the shape of a parsed figure file; throws naming the first problem. */
export function validateFigure2File(raw: unknown, what: string): Figure2File {
  const f = raw as Partial<Figure2File>;
  const fail = (why: string): never => {
    throw new Error(`${what}: ${why}`);
  };
  if (typeof f !== 'object' || f === null) return fail('not an object');
  if (!Array.isArray(f.models) || f.models.length !== 2 || !f.models.every((m) => typeof m?.name === 'string')) fail('models missing');
  if (!Array.isArray(f.series) || f.series.length === 0) fail('no series');
  for (const s of f.series!) {
    if (typeof s.dataset !== 'string' || !Number.isInteger(s.count) || (s.against !== 'trained' && s.against !== 'untrained')) fail('a series lacks dataset, count or against');
    if (!Array.isArray(s.layers) || s.layers.length === 0) fail(`the ${s.dataset} series has no layers`);
    for (const l of s.layers) {
      const ok = (v: unknown) => v === null || (typeof v === 'number' && v >= -1e-9 && v <= 1 + 1e-9);
      if (typeof l.name !== 'string' || typeof l.latent !== 'boolean' || !ok(l.correlation) || !ok(l.cka)) fail(`layer ${String(l.name)} of the ${s.dataset} series: values must lie in [0, 1] or be null`);
      if (!Array.isArray(l.units) || !Array.isArray(l.constantUnits)) fail(`layer ${l.name} of the ${s.dataset} series: unit counts missing`);
    }
  }
  return f as Figure2File;
}
