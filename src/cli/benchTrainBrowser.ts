/**
 * npm run bench:train-browser [-- --config tiny-grey --batch 32 --steps 10 --warmup 2 --backends wasm,webgl,cpu,webgpu]
 * Builds the app, serves it, and in headless Debian Chromium trains a new model of the given
 * configuration in the Train page's worker on each backend; prints training images/s (batch size
 * over the median step time, after warm-up steps that compile kernels). Figures only; nothing is
 * asserted. The cpu and webgpu backends time a quarter of the steps (at least 2): they are slow here.
 */
import { num, parseArgs, runMain, str } from './args.ts';
import { forEachBackendPage } from './browserBench.ts';
const OUT_DIR = 'dist-bench-train';
const PORT = 4185;

interface BenchResult {
  backend: string;
  tried: string[];
  numParams: number;
  stepMs: number[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const config = str(a, 'config', 'tiny-grey');
  const batch = num(a, 'batch', 32);
  const steps = num(a, 'steps', 10);
  const warmup = num(a, 'warmup', 2);
  const backends = str(a, 'backends', 'wasm,webgl,cpu,webgpu').split(',');
  console.log(`training ${config}, batch ${batch}, in the Train page's worker (headless Chromium)`);
  await forEachBackendPage(OUT_DIR, PORT, backends, async (page, backend, origin) => {
    page.setDefaultTimeout(0);
    await page.goto(`${origin}/?bench#page=train`);
    await page.waitForFunction(() => 'hvaeTrainBench' in window, undefined, { timeout: 60_000 });
    const timed = backend === 'cpu' || backend === 'webgpu' ? Math.max(2, Math.floor(steps / 4)) : steps;
    const r = await page.evaluate(
      (o) => (window as unknown as { hvaeTrainBench: (o: unknown) => Promise<BenchResult> }).hvaeTrainBench(o),
      { backend, config, batch, steps: timed, warmup },
    );
    if (r.backend !== backend) {
      console.log(`${backend.padEnd(7)} not available (ran on ${r.backend}; ${r.tried.join('; ')})`);
      return;
    }
    const ms = median(r.stepMs);
    console.log(
      `${backend.padEnd(7)} ${((batch * 1000) / ms).toFixed(1)} images/s (median ${ms.toFixed(0)} ms per step of ${batch} images; ` +
        `${r.stepMs.length} steps timed after ${warmup} warm-up; ${r.numParams.toLocaleString('en')} parameters)`,
    );
  });
}

runMain(main);
