/**
 * npm run score -- --model models/<name>|<file>.hvae [--samples S] [--seed N | --deterministic]
 *                  [--conversion mnist|fashionmnist] [--always-convert] [--invert auto|true|false] [--regret] a.png b.webp ...
 * Converts each image as the page converts uploads and prints one JSON object per file: every L>k
 * and LLR>k in nats and bits/dim, and the baselines the page shows beside them: input complexity
 * always, likelihood regret with --regret (the page's refit, seconds per image). Pictures are
 * converted as the model's training set was made (src/data/conversions.ts; --conversion picks
 * another); a picture that is already 28x28 is taken as it is (--always-convert converts it too);
 * then the fixed binarisation of toModelPixels. A file that cannot be read gets an "error" entry;
 * the others are still scored.
 */
import { initNodeBackend } from '../backend/node.ts';
import { bitsPerDim, imagesToTensor, scoreAll, scoreImages, type ScoreOptions, type Scores } from '../hvae/bounds.ts';
import type { HierarchicalVae } from '../hvae/hierarchicalVae.ts';
import { CONVERSION_NAMES, CONVERSIONS, conversionForModel, convertPicture, describeApplied, isConversionName, type ConversionName } from '../data/conversions.ts';
import { toModelPixels } from '../data/binarize.ts';
import { likelihoodRegret, SINGLE_IMAGE_REGRET } from '../hvae/likelihoodRegret.ts';
import { inputComplexity, pngCodeLengthBits } from '../ood/inputComplexity.ts';
import { INPUT_COMPLEXITY, LIKELIHOOD_REGRET } from '../ood/protocol.ts';
import { num, parseArgs, runMain, str, UsageError } from './args.ts';
import { loadModel } from './modelFiles.ts';
import { readImageFile } from './imageFiles.ts';

const SWITCHES = ['deterministic', 'always-convert', 'regret'] as const;
/** Images per pass when scoring deterministically. */
const BATCH = 100;
type Switch = (typeof SWITCHES)[number];

/**
 * Takes the on/off flags out of argv before parsing, so that a file named after one
 * (`--deterministic a.png`) stays a file; `--name false` or `--name=false` turns one off.
 */
function takeSwitches(argv: string[]): { rest: string[]; on: Set<Switch> } {
  const rest: string[] = [];
  const on = new Set<Switch>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = argv[i]!.split('=', 2) as [string, string | undefined];
    const name = SWITCHES.find((s) => flag === `--${s}`);
    if (!name) {
      rest.push(argv[i]!);
      continue;
    }
    const next = value ?? (argv[i + 1] === 'true' || argv[i + 1] === 'false' ? argv[++i] : 'true');
    if (next !== 'false') on.add(name);
  }
  return { rest, on };
}

async function main(): Promise<void> {
  const { rest, on } = takeSwitches(process.argv.slice(2));
  const a = parseArgs(rest);
  const modelDir = str(a, 'model');
  const samples = num(a, 'samples', 1);
  // Deterministic: every latent at its posterior or prior mean, as the page's "deterministic" mode.
  const seed = on.has('deterministic') ? null : num(a, 'seed', 1);
  const alwaysConvert = on.has('always-convert');
  const invertFlag = a.flags.get('invert');
  const invert = invertFlag === undefined || invertFlag === 'auto' ? 'auto' : invertFlag === true || invertFlag === 'true';
  const chosen = a.flags.get('conversion');
  if (chosen !== undefined && !isConversionName(chosen)) throw new UsageError(`--conversion must be one of ${CONVERSION_NAMES.join(', ')}, got ${String(chosen)}`);
  if (a.positional.length === 0) throw new UsageError('give one or more image files');
  await initNodeBackend();
  const { model, json } = await loadModel(modelDir);
  const own = conversionForModel(typeof json.meta.dataset === 'string' ? json.meta.dataset : null);
  const conversion: ConversionName = chosen ?? own.conversion;
  console.error(
    `pictures are converted as ${CONVERSIONS[conversion].dataset} was made (${chosen ? 'chosen with --conversion' : own.reason}); ` +
      (alwaysConvert ? '28x28 pictures too' : '28x28 pictures are taken as they are (--always-convert converts them too)'),
  );
  const t0 = performance.now();
  const inputs: ({ path: string; input: ReturnType<typeof convertPicture> } | { path: string; error: string })[] = [];
  for (const path of a.positional) {
    try {
      inputs.push({ path, input: convertPicture(await readImageFile(path), { conversion, invert, alwaysConvert }) });
    } catch (e) {
      inputs.push({ path, error: (e as Error).message });
    }
  }
  // Deterministic scores do not depend on the batch, so those images are scored together; with a
  // seed each image is scored alone, so its noise (and score) is the same whatever else is given.
  const good = inputs.filter((i): i is { path: string; input: ReturnType<typeof convertPicture> } => 'input' in i);
  const pixels = new Float32Array(good.length * model.dims);
  good.forEach((g, n) => pixels.set(toModelPixels(g.input.image), n * model.dims));
  const opts = { samples, lowerLatents: 'mode' as const, seed };
  const scores = seed === null ? await scoreImages(model, pixels, good.length, opts, BATCH) : await scoreOneByOne(model, pixels, good.length, opts);
  let scored = 0;
  for (const item of inputs) {
    if (!('input' in item)) {
      console.log(JSON.stringify({ file: item.path, error: item.error }));
      continue;
    }
    const n = scored++;
    const out: Record<string, { nats: number; bitsPerDim: number }> = {};
    scores.bounds.forEach((b, k) => (out[`L>${k}`] = { nats: b[n]!, bitsPerDim: bitsPerDim(b[n]!, model.dims) }));
    scores.ratios.forEach((r, k) => {
      if (k > 0) out[`LLR>${k}`] = { nats: r[n]!, bitsPerDim: -bitsPerDim(r[n]!, model.dims) };
    });
    const { input } = item;
    const seen = describeApplied(input.applied, input.inverted);
    const [height, width] = model.config.inputShape;
    const image = pixels.subarray(n * model.dims, (n + 1) * model.dims);
    const baselines: Record<string, { nats: number }> = { [INPUT_COMPLEXITY]: { nats: inputComplexity(scores.bounds[0]![n]!, pngCodeLengthBits(image, width, height)) } };
    if (on.has('regret')) {
      const x = imagesToTensor(image, 1, model.config.inputShape);
      baselines[LIKELIHOOD_REGRET] = { nats: (await likelihoodRegret(model, x, SINGLE_IMAGE_REGRET)).regret[0]! };
      x.dispose();
    }
    console.log(JSON.stringify({ file: item.path, conversion: input.applied, inverted: input.inverted, empty: input.empty, seen, samples, deterministic: seed === null, scores: out, baselines }));
  }
  const secs = (performance.now() - t0) / 1000;
  console.error(`scored ${scored} of ${a.positional.length} files in ${secs.toFixed(2)} s (${(scored / secs).toFixed(1)} images/s)`);
  model.dispose();
}

/** Each image alone with the run's seed, so its score does not depend on the other files given. */
async function scoreOneByOne(model: HierarchicalVae, pixels: Float32Array, count: number, opts: ScoreOptions): Promise<Scores> {
  const L = model.numStages;
  const bounds = Array.from({ length: L + 1 }, () => new Float64Array(count));
  const ratios = Array.from({ length: L + 1 }, () => new Float64Array(count));
  const klPerLayer = model.latentNames.map(() => new Float64Array(count));
  const logPxGivenZ = new Float64Array(count);
  const boundsBelow = Array.from({ length: L + 1 }, (_, l) => (opts.ls?.includes(l) ? new Float64Array(count) : null));
  for (let n = 0; n < count; n++) {
    const x = imagesToTensor(pixels.subarray(n * model.dims, (n + 1) * model.dims), 1, model.config.inputShape);
    const s = await scoreAll(model, x, opts);
    x.dispose();
    s.bounds.forEach((b, k) => (bounds[k]![n] = b[0]!));
    s.ratios.forEach((r, k) => (ratios[k]![n] = r[0]!));
    s.boundsBelow.forEach((b, l) => b && (boundsBelow[l]![n] = b[0]!));
    s.klPerLayer.forEach((v, j) => (klPerLayer[j]![n] = v[0]!));
    logPxGivenZ[n] = s.logPxGivenZ[0]!;
  }
  return { count, samples: opts.samples, bounds, ratios, boundsBelow, klPerLayer, logPxGivenZ };
}

runMain(main, ['WeightsError']);
