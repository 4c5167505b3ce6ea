/**
 * npm run score -- --model models/<name>|<file>.hvae [--samples S] [--seed N | --deterministic]
 *                  [--conversion mnist|fashionmnist] [--always-convert] [--invert auto|true|false] a.png b.webp ...
 * Converts each image as the page converts uploads and prints one JSON object per file: every L>k
 * and LLR>k in nats and bits/dim. Pictures are converted as the model's training set was made
 * (src/data/conversions.ts; --conversion picks another); a picture that is already 28x28 is taken as
 * it is (--always-convert converts it too); then the fixed binarisation of toModelPixels. A file that
 * cannot be read gets an "error" entry; the others are still scored.
 */
import { initNodeBackend } from '../backend/node.ts';
import { bitsPerDim, imagesToTensor, scoreAll } from '../hvae/bounds.ts';
import { CONVERSION_NAMES, CONVERSIONS, conversionForModel, convertPicture, describeApplied, isConversionName, type ConversionName } from '../data/conversions.ts';
import { toModelPixels } from '../data/binarize.ts';
import { num, parseArgs, runMain, str, UsageError } from './args.ts';
import { loadModel } from './modelFiles.ts';
import { readImageFile } from './imageFiles.ts';

const SWITCHES = ['deterministic', 'always-convert'] as const;
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
  let scored = 0;
  for (const path of a.positional) {
    try {
      const input = convertPicture(await readImageFile(path), { conversion, invert, alwaysConvert });
      const x = imagesToTensor(toModelPixels(input.image), 1, model.config.inputShape);
      const s = await scoreAll(model, x, { samples, lowerLatents: 'mode', seed });
      x.dispose();
      const scores: Record<string, { nats: number; bitsPerDim: number }> = {};
      s.bounds.forEach((b, k) => (scores[`L>${k}`] = { nats: b[0]!, bitsPerDim: bitsPerDim(b[0]!, model.dims) }));
      s.ratios.forEach((r, k) => {
        if (k > 0) scores[`LLR>${k}`] = { nats: r[0]!, bitsPerDim: -bitsPerDim(r[0]!, model.dims) };
      });
      const seen = describeApplied(input.applied, input.inverted);
      console.log(JSON.stringify({ file: path, conversion: input.applied, inverted: input.inverted, empty: input.empty, seen, samples, deterministic: seed === null, scores }));
      scored++;
    } catch (e) {
      console.log(JSON.stringify({ file: path, error: (e as Error).message }));
    }
  }
  const secs = (performance.now() - t0) / 1000;
  console.error(`scored ${scored} of ${a.positional.length} files in ${secs.toFixed(2)} s (${(scored / secs).toFixed(1)} images/s)`);
  model.dispose();
}

runMain(main, ['WeightsError']);
