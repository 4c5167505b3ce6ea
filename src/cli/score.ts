/**
 * npm run score -- --model models/<name>|<file>.hvae [--samples S] [--seed N | --deterministic] a.png b.jpg ...
 * Converts each image as the app converts uploads (crop, scale to 20 px, centre of mass,
 * automatic inversion, then the fixed binarisation of toModelPixels) and prints one JSON
 * object per file: every L>k and LLR>k in nats and bits/dim. A file that cannot be read gets
 * an "error" entry; the others are still scored.
 */
import { initNodeBackend } from '../backend/node.ts';
import { bitsPerDim, imagesToTensor, scoreAll } from '../hvae/bounds.ts';
import { preprocessImage } from '../data/preprocess.ts';
import { toModelPixels } from '../data/binarize.ts';
import { bool, num, parseArgs, runMain, str, UsageError } from './args.ts';
import { loadModel } from './modelFiles.ts';
import { readImageFile } from './imageFiles.ts';

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const modelDir = str(a, 'model');
  const samples = num(a, 'samples', 1);
  // Deterministic: every latent at its posterior or prior mean, as the page's "deterministic" mode.
  const seed = bool(a, 'deterministic') ? null : num(a, 'seed', 1);
  const invertFlag = a.flags.get('invert');
  const invert = invertFlag === undefined || invertFlag === 'auto' ? 'auto' : invertFlag === true || invertFlag === 'true';
  if (a.positional.length === 0) throw new UsageError('give one or more image files');
  await initNodeBackend();
  const { model } = await loadModel(modelDir);
  const t0 = performance.now();
  let scored = 0;
  for (const path of a.positional) {
    try {
      const input = preprocessImage(await readImageFile(path), { invert });
      const x = imagesToTensor(toModelPixels(input.image), 1);
      const s = await scoreAll(model, x, { samples, lowerLatents: 'mode', seed });
      x.dispose();
      const scores: Record<string, { nats: number; bitsPerDim: number }> = {};
      s.bounds.forEach((b, k) => (scores[`L>${k}`] = { nats: b[0]!, bitsPerDim: bitsPerDim(b[0]!, model.dims) }));
      s.ratios.forEach((r, k) => {
        if (k > 0) scores[`LLR>${k}`] = { nats: r[0]!, bitsPerDim: -bitsPerDim(r[0]!, model.dims) };
      });
      console.log(JSON.stringify({ file: path, inverted: input.inverted, empty: input.empty, samples, deterministic: seed === null, scores }));
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
