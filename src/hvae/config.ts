import configsJson from './configs.json';

/**
 * Architectures as data. Both models are a list of stages, bottom (next to x) first; each stage is
 * a deterministic transformation (residual blocks) followed by its latent layer: one Gaussian
 * latent in the bottom-up HVAE, a bottom-up and a top-down half in BIVA (one latent at its top).
 * Generation runs the same stages top-down with the blocks reversed.
 */

export interface BlockConfig {
  /** Output channels of the block. */
  channels: number;
  kernel: number;
  /** Down-sampling factor in inference (up-sampling in generation). */
  stride: number;
}

export type LatentConfig =
  | { kind: 'conv'; channels: number; kernel: number }
  | { kind: 'dense'; units: number };

export interface StageConfig {
  blocks: BlockConfig[];
  latent: LatentConfig;
}

interface CommonConfig {
  name: string;
  /** Height, width, channels of x. */
  inputShape: [number, number, number];
  likelihood: 'bernoulli';
  stages: StageConfig[];
  /** Gated residual blocks (see ResBlock). */
  gated?: boolean;
}

export interface HvaeConfig extends CommonConfig {
  /** Absent in model files written before BIVA existed. */
  model?: 'hvae';
  /** Skip connections z_i -> z_{i+2} (via the deterministic features of the stage below/above). */
  skip: boolean;
  /**
   * Skip features enter every block of a stage, as in the paper's code: in inference the stage
   * below's output, in generation block j of the stage above's output of its block j. Otherwise
   * (and in models saved before this option) only a stage's first block takes them.
   */
  skipEveryBlock?: boolean;
  /**
   * The block conventions of the paper's code (oodd/layers/deterministic/residual.py,
   * stochastic.py): shortcuts without parameters (3x3 average pooling to down-sample, zero
   * channels to widen, none where a block up-samples); no shortcut and no input activation in
   * the first block of the bottom inference stage and of every generative stage; a skip whose
   * shape already matches the block's is dropped (that code adds a skip only through a
   * resampling or channel-changing convolution); ReLU before each Gaussian head; every layer
   * initialised to unit output scale. Otherwise: 1x1-convolution shortcuts, every block
   * residual, every skip added, heads and second convolutions initialised small.
   */
  referenceBlocks?: boolean;
}

/**
 * BIVA (Maaloe et al., 2019; ../shared/paper/biva.md): every stage below the top has a bottom-up and
 * a top-down latent of the stage's latent shape, and skips enter every block of all three paths
 * through a convolution that is never dropped.
 */
export interface BivaConfig extends CommonConfig {
  model: 'biva';
}

export type ModelConfig = HvaeConfig | BivaConfig;

/**
 * The named configurations are data in configs.json, which the PyTorch engine (pytorch/) reads
 * too: one source of truth for both engines.
 *   paper-grey        the paper's grey-scale HVAE: 64 channels, kernels 5-3-3, strides 2-2-1 in
 *                     the last block of a stage (Appendix B.1), latents 14x14x8 / 16 / 8
 *   small-grey        that hierarchy with 32 channels, 3x3 kernels and strides in a stage's first
 *                     block, so most convolutions run at 14x14: the cheapest on two CPU cores
 *   small-grey-late   small-grey's widths with the paper's strides (the last block of a stage)
 *   small-grey-paper  small-grey-late with gated blocks and skips into every block
 *   small-grey-ref    small-grey-late with the paper's code's conventions throughout: skips into
 *                     every block and referenceBlocks (571,426 parameters, as that code counts)
 *   small2-grey       small-grey with two blocks per stage
 *   tiny-grey         every code path with little compute, for tests
 *   biva-small-grey   BIVA with the HVAE's spatial z1 (14x14x8) and strides 2-2, the depth and
 *                     dense ladder of the BIVA authors' binarised-MNIST model (40-32-24-16-8),
 *                     32 channels (biva.md section 5.1)
 *   biva-small-grey-l3  biva-small-grey's first three stages with the HVAE's latent sizes
 *                     (14x14x8 / 16 / 8, each in both halves but the top): as much room above z1
 *                     as the HVAE leaves, where biva-small-grey's dense ladder let z1 go unused
 *   biva-tiny-grey    every BIVA code path with little compute, gated blocks included, for tests
 */
export const CONFIGS: Record<string, ModelConfig> = Object.fromEntries(
  (configsJson as unknown[]).map((raw) => {
    const c = validateConfig(raw);
    return [c.name, c];
  }),
);

export const TINY_GREY = configByName('tiny-grey') as HvaeConfig;

export function configByName(name: string): ModelConfig {
  const c = CONFIGS[name];
  if (!c) throw new Error(`Unknown config "${name}". Known: ${Object.keys(CONFIGS).join(', ')}`);
  return c;
}

/** Checks a config read from a file; returns it typed or throws with the first problem found. */
export function validateConfig(raw: unknown): ModelConfig {
  const fail = (why: string): never => {
    throw new Error(`Invalid model config: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) return fail('not an object');
  const c = raw as Partial<HvaeConfig> | Partial<BivaConfig>;
  if (typeof c.name !== 'string') fail('name missing');
  if (!Array.isArray(c.inputShape) || c.inputShape.length !== 3 || !c.inputShape.every((d) => Number.isInteger(d) && d > 0))
    fail('inputShape must be [height, width, channels]');
  if (c.likelihood !== 'bernoulli') fail(`unsupported likelihood ${String(c.likelihood)}`);
  if (!Array.isArray(c.stages) || c.stages.length < 1) fail('stages must be a non-empty list');
  for (const [i, s] of (c.stages ?? []).entries()) {
    if (!Array.isArray(s.blocks) || s.blocks.length < 1) fail(`stage ${i} has no blocks`);
    for (const b of s.blocks) {
      if (![b.channels, b.kernel, b.stride].every((v) => Number.isInteger(v) && v > 0)) fail(`stage ${i} has a bad block`);
    }
    const l = s.latent;
    if (!l || (l.kind !== 'conv' && l.kind !== 'dense')) fail(`stage ${i} latent kind`);
  }
  if (c.gated !== undefined && typeof c.gated !== 'boolean') fail('gated must be true or false');
  if (c.model === 'biva') {
    if ((c.stages ?? []).length < 2) fail('BIVA needs at least two stages');
    // BIVA's skips are part of the model: a switch that turns them off or drops some has no place.
    for (const flag of ['skip', 'skipEveryBlock', 'referenceBlocks']) if (flag in c) fail(`${flag} is an HVAE option; BIVA always takes every skip`);
    return c as BivaConfig;
  }
  if (c.model !== undefined && c.model !== 'hvae') fail(`unknown model kind ${String(c.model)}`);
  const h = c as Partial<HvaeConfig>;
  for (const flag of ['skipEveryBlock', 'referenceBlocks'] as const) if (h[flag] !== undefined && typeof h[flag] !== 'boolean') fail(`${flag} must be true or false`);
  return { ...h, skip: h.skip !== false } as HvaeConfig;
}
