import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { galleryPng } from './galleryPng.ts';

function digitPng(): Buffer {
  // A white vertical bar on black: a plausible "1".
  const p = new PNG({ width: 64, height: 64 });
  for (let y = 0; y < 64; y++)
    for (let x = 0; x < 64; x++) {
      const i = (y * 64 + x) * 4;
      const ink = x > 28 && x < 36 && y > 8 && y < 56;
      p.data[i] = p.data[i + 1] = p.data[i + 2] = ink ? 255 : 0;
      p.data[i + 3] = 255;
    }
  return PNG.sync.write(p);
}

async function openReady(page: Page, hash = ''): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('backend')).toContainText(/Backend: (webgpu|webgl|wasm|cpu)/, { timeout: 90_000 });
  return errors;
}

test('drawing a stroke with the mouse scores it live', async ({ page }) => {
  const errors = await openReady(page);
  const pad = page.getByRole('img', { name: /drawing/i });
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let t = 0; t <= 10; t++) await page.mouse.move(box.x + box.width * (0.5 + t * 0.01), box.y + box.height * (0.2 + t * 0.06));
  await page.mouse.up();
  const table = page.getByTestId('scores');
  await expect(table).toContainText('ELBO', { timeout: 60_000 });
  await expect(page.getByTestId('verdict')).toContainText(/distribution/);
  // Beside the paper's any-k verdict: the per-example choice of k and LLR>1 alone, each with its decision.
  const rules = page.getByTestId('verdict-rules');
  await expect(rules).toContainText(/Per-example k: LLR>[1-3] at percentile [\d.]+, threshold [\d.]+ for FPR 5% over all k: (in|out)\./);
  await expect(rules).toContainText(/Fixed k = 1: LLR>1 at percentile [\d.]+: (in|out)\./);
  expect(errors).toEqual([]);
});

test('an uploaded PNG is scored; a non-image file shows an error and the page still scores', async ({ page }) => {
  const errors = await openReady(page);
  const file = page.locator('input[type=file]');
  await file.setInputFiles({ name: 'one.png', mimeType: 'image/png', buffer: digitPng() });
  await expect(page.getByText(/What the model sees: one\.png/)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('scores')).toContainText('ELBO');
  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image at all') });
  await expect(page.getByRole('alert')).toContainText(/notes\.txt/);
  await file.setInputFiles({ name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) });
  await expect(page.getByRole('alert')).toContainText(/empty\.png: the file is empty/);
  await file.setInputFiles({ name: 'cut.png', mimeType: 'image/png', buffer: digitPng().subarray(0, 60) });
  await expect(page.getByRole('alert')).toContainText(/cut\.png/);
  // The previous input is kept, and the page goes on scoring new input.
  await expect(page.getByText(/What the model sees: one\.png/)).toBeVisible();
  await page.getByRole('button', { name: /^mnist test image/ }).first().click();
  await expect(page.getByText(/What the model sees: mnist test image/)).toBeVisible({ timeout: 60_000 });
  expect(errors).toEqual([]);
});

test('the Appendix E bounds L<l, asked for in the link, are shown for every l beside the ELBO', async ({ page }) => {
  const errors = await openReady(page, '#det=1&below=1');
  await page.locator('input[type=file]').setInputFiles({ name: 'one.png', mimeType: 'image/png', buffer: digitPng() });
  const below = page.getByTestId('bounds-below');
  await expect(below.locator('[data-score^="L<"]')).toHaveCount(3, { timeout: 60_000 });
  const elbo = Number(await page.locator('[data-testid=scores] [data-score="L>0"]').getAttribute('data-nats'));
  for (let l = 1; l <= 3; l++) {
    const bound = Number(await below.locator(`[data-score="L<${l}"]`).getAttribute('data-nats'));
    const ratio = Number(await below.locator(`[data-score="LLR>0<${l}"]`).getAttribute('data-nats'));
    expect(Number.isFinite(bound)).toBe(true);
    expect(ratio).toBeCloseTo(bound - elbo, 9);
  }
  // Turned off, the table goes and the extra passes with it.
  const toggle = page.getByRole('checkbox', { name: /Appendix E/ });
  // A link with advanced settings opens them folded out.
  await expect(toggle).toBeVisible();
  await toggle.uncheck();
  await expect(below).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('likelihood regret, asked for, refits the encoder with a progress line and equals the CLI on the same image', async ({ page }) => {
  test.setTimeout(300_000);
  const file = galleryPng();
  const cli = JSON.parse(execFileSync('npx', ['tsx', 'src/cli/score.ts', '--regret', '--model', 'models/hvae-fashionmnist', file], { encoding: 'utf8' }).trim()) as {
    baselines: Record<string, { nats: number }>;
  };
  const errors = await openReady(page, '#backend=wasm');
  await page.locator('input[type=file]').setInputFiles(file);
  const baselines = page.getByTestId('baselines');
  await expect(baselines.locator('[data-score="IC(png)"]')).toBeVisible({ timeout: 60_000 });
  await baselines.getByRole('button', { name: 'Refit the encoder' }).click();
  await expect(baselines.getByRole('status')).toContainText(/refitting: step \d+ of 100/, { timeout: 60_000 });
  const lr = baselines.locator('[data-score="LR"]');
  await expect(lr).toBeVisible({ timeout: 240_000 });
  const nats = Number(await lr.getAttribute('data-nats'));
  expect(Math.abs(nats - cli.baselines['LR']!.nats), `page ${nats}, CLI ${cli.baselines['LR']!.nats}`).toBeLessThan(0.05);
  // The model's FashionMNIST test file holds every test image's regret: this MNIST digit lies above nearly all of them.
  const percentile = lr.locator('xpath=following-sibling::td[1]');
  await expect(percentile).toHaveText(/^\d+\.\d%$/);
  expect(Number((await percentile.textContent())!.slice(0, -1))).toBeGreaterThan(95);
  // Another image shows the button again: a regret belongs to the image it was computed for.
  await page.getByRole('button', { name: /^mnist test image/ }).nth(1).click();
  await expect(baselines.getByRole('button', { name: 'Refit the encoder' })).toBeVisible({ timeout: 60_000 });
  expect(errors).toEqual([]);
});
