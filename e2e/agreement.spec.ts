import { execFileSync } from 'node:child_process';
import { galleryPng } from './galleryPng.ts';
import { expect, test } from '@playwright/test';

const MODEL = 'models/hvae-fashionmnist';

test.describe('page and CLI agree on deterministic scores', () => {
  const file = galleryPng();
  const cli = JSON.parse(execFileSync('npx', ['tsx', 'src/cli/score.ts', '--deterministic', '--model', MODEL, file], { encoding: 'utf8' }).trim()) as {
    scores: Record<string, { nats: number }>;
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
    });
  }
});
