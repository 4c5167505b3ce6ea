/**
 * npm run bench:browser [-- --n 20 --strokes 20 --backends wasm,webgl,cpu,webgpu]
 * Builds the app, serves it (cross-origin isolated, as vite.config.ts serves it), and in headless
 * Debian Chromium prints per backend the p50/p95 latency of:
 *   - one full scoring (ELBO and every L>k, S = 1, through the page's worker),
 *   - the current image's scoring with its reconstruction row (every k), the request a drawing makes,
 *   - a reconstruction grid (four images, every k),
 *   - stroke end to read-out change: a mouse stroke drawn on the pad, timed in the page from its
 *     pointerup to the moment the score table shows the finished drawing's new scores.
 * Figures only; nothing is asserted.
 */
import type { Page } from '@playwright/test';
import { num, parseArgs, runMain, str } from './args.ts';
import { forEachBackendPage } from './browserBench.ts';

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

const summary = (values: number[]) => `p50 ${percentile(values, 0.5).toFixed(1)} ms, p95 ${percentile(values, 0.95).toFixed(1)} ms`;

/**
 * Draws `count` strokes with the mouse (a fresh pad every five, so each stroke changes the image) and
 * returns, per stroke, the milliseconds from its pointerup to the score table's change, measured in the page.
 */
async function strokeToReadout(page: Page, count: number): Promise<number[]> {
  await page.evaluate(() => {
    const w = window as unknown as { strokeTimes: number[]; strokeEnd: number | null };
    w.strokeTimes = [];
    w.strokeEnd = null;
    let last: string | null = null;
    window.addEventListener('pointerup', () => (w.strokeEnd = performance.now()), true);
    new MutationObserver(() => {
      const table = document.querySelector('[data-testid="scores"]');
      const elbo = table?.querySelector('[data-score="L>0"]')?.getAttribute('data-nats') ?? null;
      if (table?.getAttribute('data-source') !== 'your drawing' || elbo === last) return;
      last = elbo;
      if (w.strokeEnd !== null) w.strokeTimes.push(performance.now() - w.strokeEnd);
      w.strokeEnd = null;
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const pad = page.getByRole('img', { name: /drawing pad/i });
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  for (let i = 0; i < count; i++) {
    const clear = page.getByRole('button', { name: 'Clear', exact: true });
    if (i % 5 === 0 && (await clear.isEnabled())) await clear.click();
    const x0 = box.x + box.width * (0.3 + 0.1 * (i % 5));
    await page.mouse.move(x0, box.y + box.height * 0.2);
    await page.mouse.down();
    // About 40 ms between moves: live scorings are asked for while the stroke is drawn, as by a hand.
    for (let t = 1; t <= 12; t++) {
      await page.mouse.move(x0 + box.width * 0.01 * t, box.y + box.height * (0.2 + t * 0.05));
      await page.waitForTimeout(40);
    }
    const before = await page.evaluate(() => (window as unknown as { strokeTimes: number[] }).strokeTimes.length);
    await page.mouse.up();
    await page.waitForFunction((n) => (window as unknown as { strokeTimes: number[] }).strokeTimes.length > n, before, { timeout: 60_000 });
  }
  return page.evaluate(() => (window as unknown as { strokeTimes: number[] }).strokeTimes);
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const n = num(a, 'n', 20);
  const strokes = num(a, 'strokes', 20);
  const backends = str(a, 'backends', 'wasm,webgl,cpu,webgpu').split(',');
  await forEachBackendPage('dist-bench', 4179, backends, async (page, backend, origin) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${origin}/?bench#backend=${backend}`);
    const line = page.getByTestId('backend');
    await line.filter({ hasText: /Backend: / }).waitFor({ timeout: 180_000 });
    const text = (await line.textContent()) ?? '';
    if (!text.includes(`Backend: ${backend}`)) {
      console.log(`${backend}: not available (${text})`);
      return;
    }
    const isolated = await page.evaluate(() => crossOriginIsolated);
    console.log(`${backend.padEnd(7)} ${text.replace(/\s+/g, ' ').trim()}; cross-origin isolated: ${isolated}; ${await page.evaluate(() => navigator.hardwareConcurrency)} logical cores`);
    await page.waitForFunction(() => 'hvaeBench' in window, undefined, { timeout: 180_000 });
    const runs = backend === 'cpu' || backend === 'webgpu' ? Math.max(3, Math.floor(n / 4)) : n;
    const r = await page.evaluate(async (count) => {
      const bench = (window as unknown as { hvaeBench: (n: number) => Promise<{ full: number[]; row?: number[]; grid: number[] }> }).hvaeBench;
      await bench(2);
      return bench(count);
    }, runs);
    console.log(`${backend.padEnd(7)} full scoring ${summary(r.full)} (${runs} runs)`);
    if (r.row) console.log(`${backend.padEnd(7)} current image with its reconstruction row (all k) ${summary(r.row)}`);
    console.log(`${backend.padEnd(7)} reconstruction grid (4 images x all k) ${summary(r.grid)}`);
    const s = await strokeToReadout(page, backend === 'cpu' || backend === 'webgpu' ? Math.max(3, Math.floor(strokes / 4)) : strokes);
    console.log(`${backend.padEnd(7)} stroke end to read-out change ${summary(s)}, max ${Math.max(...s).toFixed(0)} ms (${s.length} strokes)`);
  });
}

runMain(main);
