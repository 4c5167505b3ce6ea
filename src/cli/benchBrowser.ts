/**
 * npm run bench:browser [-- --n 20 --backends wasm,webgl,cpu,webgpu]
 * Builds the app, serves it, and in headless Debian Chromium prints per backend the p50/p95
 * latency of one full scoring (ELBO and every L>k, S = 1, through the page's worker) and of one
 * reconstruction grid (four images, every k). Figures only; nothing is asserted.
 */
import { num, parseArgs, runMain, str } from './args.ts';
import { forEachBackendPage } from './browserBench.ts';

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const n = num(a, 'n', 20);
  const backends = str(a, 'backends', 'wasm,webgl,cpu,webgpu').split(',');
  await forEachBackendPage('dist-bench', 4179, backends, async (page, backend, origin) => {
    await page.goto(`${origin}/?bench#backend=${backend}`);
    const line = page.getByTestId('backend');
    await line.filter({ hasText: /Backend: / }).waitFor({ timeout: 180_000 });
    const text = (await line.textContent()) ?? '';
    if (!text.includes(`Backend: ${backend}`)) {
      console.log(`${backend}: not available (${text})`);
      return;
    }
    await page.waitForFunction(() => 'hvaeBench' in window, undefined, { timeout: 180_000 });
    const runs = backend === 'cpu' || backend === 'webgpu' ? Math.max(3, Math.floor(n / 4)) : n;
    const r = await page.evaluate(async (count) => {
      const bench = (window as unknown as { hvaeBench: (n: number) => Promise<{ full: number[]; grid: number[] }> }).hvaeBench;
      await bench(2);
      return bench(count);
    }, runs);
    console.log(
      `${backend.padEnd(7)} full scoring p50 ${percentile(r.full, 0.5).toFixed(1)} ms, p95 ${percentile(r.full, 0.95).toFixed(1)} ms; ` +
        `reconstruction grid (4 images x all k) p50 ${percentile(r.grid, 0.5).toFixed(1)} ms, p95 ${percentile(r.grid, 0.95).toFixed(1)} ms (${runs} runs)`,
    );
  });
}

runMain(main);
