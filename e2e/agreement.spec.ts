import { execFileSync } from 'node:child_process';
import { galleryPng } from './galleryPng.ts';
import { expect, test } from '@playwright/test';

const MODEL = 'models/hvae-fashionmnist';

test.describe('forced to each backend, the page says so, agrees with the CLI on deterministic scores, and samples', () => {
  const file = galleryPng();
  const cli = JSON.parse(execFileSync('npx', ['tsx', 'src/cli/score.ts', '--deterministic', '--model', MODEL, file], { encoding: 'utf8' }).trim()) as {
    scores: Record<string, { nats: number }>;
    baselines: Record<string, { nats: number }>;
  };

  for (const backend of ['wasm', 'webgl', 'cpu', 'webgpu'] as const) {
    test(`on ${backend}${backend === 'webgpu' ? ' @webgpu' : ''}`, async ({ page }) => {
      await page.goto(`/#backend=${backend}&det=1`);
      await expect(page.getByTestId('backend')).toContainText(`Backend: ${backend}`, { timeout: 90_000 });
      await page.locator('input[type=file]').setInputFiles(file);
      const cells = page.locator('[data-testid=scores] [data-score]');
      await expect(cells.first()).toBeVisible({ timeout: 120_000 });
      const names = Object.keys(cli.scores);
      expect(await cells.count()).toBe(names.length);
      for (const name of names) {
        const nats = Number(await page.locator(`[data-testid=scores] [data-score="${name}"]`).getAttribute('data-nats'));
        expect(Math.abs(nats - cli.scores[name]!.nats), `${name} on ${backend}`).toBeLessThan(1e-3);
      }
      // Input complexity beside them: L>0 less the PNG length of the same binarised image.
      const ic = Number(await page.locator('[data-testid=baselines] [data-score="IC(png)"]').getAttribute('data-nats'));
      expect(Math.abs(ic - cli.baselines['IC(png)']!.nats), `IC(png) on ${backend}`).toBeLessThan(1e-3);
      // Sampled latents (the default) on the same backend: a finite ELBO that differs from the means'.
      const elbo = page.locator('[data-testid=scores] [data-score="L>0"]');
      await page.evaluate((b) => (location.hash = `#backend=${b}`), backend);
      await expect(async () => {
        const nats = Number(await elbo.getAttribute('data-nats'));
        expect(Number.isFinite(nats)).toBe(true);
        expect(Math.abs(nats - cli.scores["L>0"]!.nats)).toBeGreaterThan(1e-3);
      }).toPass({ timeout: 120_000 });
      await expect(page.getByTestId('backend')).toContainText(`Backend: ${backend}`);
    });
  }
});
