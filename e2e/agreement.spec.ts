import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';

const MODEL = 'models/hvae-fashionmnist';

/** The first MNIST gallery image as a PNG file: both the page and the CLI read it the same way. */
function galleryPng(): string {
  const bytes = readFileSync('public/gallery/mnist-test.bin').subarray(0, 784);
  const png = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < 784; i++) {
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = bytes[i]!;
    png.data[i * 4 + 3] = 255;
  }
  const path = join(mkdtempSync(join(tmpdir(), 'agree-')), 'gallery-mnist-0.png');
  writeFileSync(path, PNG.sync.write(png));
  return path;
}

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
