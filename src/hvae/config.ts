/**
 * Architectures as data. A bottom-up hierarchical VAE is a list of stages, bottom (next to x)
 * first; each stage is a deterministic transformation (residual blocks) followed by one
 * Gaussian latent layer. Generation runs the same stages top-down with the blocks reversed.
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

export interface HvaeConfig {
  name: string;
  /** Height, width, channels of x. */
  inputShape: [number, number, number];
  likelihood: 'bernoulli';
  stages: StageConfig[];
  /** Skip connections z_i -> z_{i+2} (via the deterministic features of the stage below/above). */
  skip: boolean;
  /**
   * Skip features enter every block of a stage, as in the paper's code: in inference the stage
   * below's output, in generation block j of the stage above's output of its block j. Otherwise
   * (and in models saved before this option) only a stage's first block takes them.
   */
  skipEveryBlock?: boolean;
  /** Gated residual blocks (see ResBlock), an option of the paper's code (off in its published runs). */
  gated?: boolean;
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
 * The paper strides in the last block of a stage (Appendix B.1); striding in the first block
 * runs the other blocks at the lower resolution, about four times cheaper per block.
 */
function stage(channels: number, kernel: number, stride: number, nBlocks: number, latent: LatentConfig, strideAt: 'first' | 'last' = 'last'): StageConfig {
  const strided = strideAt === 'last' ? nBlocks - 1 : 0;
  const blocks = Array.from({ length: nBlocks }, (_, i) => ({
    channels,
    kernel,
    stride: i === strided ? stride : 1,
  }));
  return { blocks, latent };
}

/** The paper's grey-scale HVAE: 64 channels, kernels 5-3-3, strides 2-2-1, latents 14x14x8 / 16 / 8. */
export const PAPER_GREY: HvaeConfig = {
  name: 'paper-grey',
  inputShape: [28, 28, 1],
  likelihood: 'bernoulli',
  skip: true,
  stages: [
    stage(64, 5, 2, 3, { kind: 'conv', channels: 8, kernel: 5 }),
    stage(64, 3, 2, 3, { kind: 'dense', units: 16 }),
    stage(64, 3, 1, 3, { kind: 'dense', units: 8 }),
  ],
};

/** The paper's hierarchy (latents 14x14x8 / 16 / 8) with 32 channels, 3x3 kernels and early strides: trainable on two CPU cores. */
export const SMALL_GREY: HvaeConfig = {
  name: 'small-grey',
  inputShape: [28, 28, 1],
  likelihood: 'bernoulli',
  skip: true,
  stages: [
    stage(32, 3, 2, 3, { kind: 'conv', channels: 8, kernel: 3 }, 'first'),
    stage(32, 3, 2, 3, { kind: 'dense', units: 16 }, 'first'),
    stage(32, 3, 1, 3, { kind: 'dense', units: 8 }),
  ],
};

/**
 * small-grey's widths and kernels in the paper's layout: strides in the last block of a stage, so
 * stage 1 runs at 28x28 and the decoder's last blocks model x at full resolution. The
 * configuration of the calibration run with the paper's own code.
 */
export const SMALL_GREY_LATE: HvaeConfig = {
  ...SMALL_GREY,
  name: 'small-grey-late',
  stages: [
    stage(32, 3, 2, 3, { kind: 'conv', channels: 8, kernel: 3 }),
    stage(32, 3, 2, 3, { kind: 'dense', units: 16 }),
    stage(32, 3, 1, 3, { kind: 'dense', units: 8 }),
  ],
};

/** small-grey-late with gated blocks and skips into every block (both options of the paper's code). */
export const SMALL_GREY_PAPER: HvaeConfig = {
  ...SMALL_GREY_LATE,
  name: 'small-grey-paper',
  skipEveryBlock: true,
  gated: true,
};

/**
 * The calibration run's model with the paper's code's conventions throughout: small-grey-late's
 * layout, skips into every block, the reference blocks, no gates (its published command).
 */
export const SMALL_GREY_REF: HvaeConfig = {
  ...SMALL_GREY_LATE,
  name: 'small-grey-ref',
  skipEveryBlock: true,
  referenceBlocks: true,
};

/** As small-grey with two blocks per stage: the cheapest of the CPU configurations. */
export const SMALL2_GREY: HvaeConfig = {
  ...SMALL_GREY,
  name: 'small2-grey',
  stages: [
    stage(32, 3, 2, 2, { kind: 'conv', channels: 8, kernel: 3 }, 'first'),
    stage(32, 3, 2, 2, { kind: 'dense', units: 16 }, 'first'),
    stage(32, 3, 1, 2, { kind: 'dense', units: 8 }),
  ],
};

/** A tiny model for tests: every code path, little compute. */
export const TINY_GREY: HvaeConfig = {
  name: 'tiny-grey',
  inputShape: [28, 28, 1],
  likelihood: 'bernoulli',
  skip: true,
  stages: [
    stage(8, 3, 2, 1, { kind: 'conv', channels: 2, kernel: 3 }),
    stage(8, 3, 2, 1, { kind: 'dense', units: 4 }),
    stage(8, 3, 1, 1, { kind: 'dense', units: 2 }),
  ],
};

export const CONFIGS: Record<string, HvaeConfig> = {
  [PAPER_GREY.name]: PAPER_GREY,
  [SMALL_GREY.name]: SMALL_GREY,
  [SMALL_GREY_LATE.name]: SMALL_GREY_LATE,
  [SMALL_GREY_PAPER.name]: SMALL_GREY_PAPER,
  [SMALL_GREY_REF.name]: SMALL_GREY_REF,
  [SMALL2_GREY.name]: SMALL2_GREY,
  [TINY_GREY.name]: TINY_GREY,
};

export function configByName(name: string): HvaeConfig {
  const c = CONFIGS[name];
  if (!c) throw new Error(`Unknown config "${name}". Known: ${Object.keys(CONFIGS).join(', ')}`);
  return c;
}

/** Checks a config read from a file; returns it typed or throws with the first problem found. */
export function validateConfig(raw: unknown): HvaeConfig {
  const fail = (why: string): never => {
    throw new Error(`Invalid model config: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) return fail('not an object');
  const c = raw as Partial<HvaeConfig>;
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
  for (const flag of ['skipEveryBlock', 'gated', 'referenceBlocks'] as const) if (c[flag] !== undefined && typeof c[flag] !== 'boolean') fail(`${flag} must be true or false`);
  return { ...c, skip: c.skip !== false } as HvaeConfig;
}
