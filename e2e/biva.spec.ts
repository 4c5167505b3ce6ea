import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { galleryPng } from './galleryPng.ts';
import { expect, test, type Page } from '@playwright/test';


async function drawStroke(page: Page): Promise<void> {
  const pad = page.getByRole('img', { name: /drawing/i });
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let t = 0; t <= 10; t++) await page.mouse.move(box.x + box.width * (0.45 + t * 0.01), box.y + box.height * (0.2 + t * 0.06));
  await page.mouse.up();
}

/** The deterministic scores the page shows, by score name. */
async function shownScores(page: Page): Promise<Record<string, number>> {
  const cells = page.locator('[data-testid=scores] [data-score]');
  await expect(cells.first()).toBeVisible({ timeout: 120_000 });
  const out: Record<string, number> = {};
  for (const cell of await cells.all()) out[(await cell.getAttribute('data-score'))!] = Number(await cell.getAttribute('data-nats'));
  return out;
}

// Tagged @webgpu: it runs in the project whose Chromium offers a WebGPU adapter, and uses wasm there too.
test('a BIVA trained in the Train page scores a drawing on wasm and on WebGPU, and page and CLI agree @webgpu', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const dir = mkdtempSync(join(tmpdir(), 'biva-e2e-'));

  await page.goto('/#page=train&backend=wasm');
  await expect(page.getByTestId('data-summary')).toBeVisible({ timeout: 30_000 });
  await page.getByLabel('Start from').selectOption('new:biva-tiny-grey');
  await page.getByRole('combobox', { name: /^Data/ }).selectOption('fashionmnist');
  await page.getByRole('combobox', { name: /^Images/ }).selectOption('64');
  await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill('1');
  await page.getByLabel('Batch size').fill('8');
  await page.getByLabel('Learning rate').fill('0.003');
  await page.getByLabel('Save as').fill('biva e2e');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-outcome')).toHaveText('Training finished.', { timeout: 180_000 });
  // Five latents, named by stage and half, in the per-epoch table.
  await expect(page.getByTestId('epoch-table')).toContainText('KL z1 BU / z1 TD / z2 BU / z2 TD / z3');
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export the trained model' }).click();
  const file = join(dir, 'biva.hvae');
  await (await downloadPromise).saveAs(file);

  const png = galleryPng(dir);
  const cli = JSON.parse(execFileSync('npx', ['tsx', 'src/cli/score.ts', '--deterministic', '--model', file, png], { encoding: 'utf8' }).trim()) as {
    scores: Record<string, { nats: number }>;
  };
  expect(Object.keys(cli.scores)).toEqual(['L>0', 'L>1', 'L>2', 'L>3', 'LLR>1', 'LLR>2', 'LLR>3']);

  for (const backend of ['wasm', 'webgpu'] as const) {
    await page.goto(`/#backend=${backend}&det=1&model=${encodeURIComponent('local:biva e2e')}`);
    await expect(page.getByTestId('backend')).toContainText(`Backend: ${backend}`, { timeout: 90_000 });
    await drawStroke(page);
    const drawn = await shownScores(page);
    expect(Object.keys(drawn).sort(), backend).toEqual(Object.keys(cli.scores).sort());
    // KL per latent, one bar per half: z1 BU .. z3.
    await expect(page.getByRole('img', { name: /KL divergence per latent layer in nats: z1 BU .*, z1 TD .*, z3 / })).toBeVisible();

    await page.locator('input[type=file]').setInputFiles(png);
    await expect(page.getByText(/What the model sees: mnist-0\.png/)).toBeVisible({ timeout: 120_000 });
    // Scores of the last strokes may still arrive on a slow backend: wait for those of the upload.
    const largestDifference = async () => {
      const shown = await shownScores(page);
      return Math.max(...Object.entries(cli.scores).map(([name, { nats }]) => Math.abs((shown[name] ?? Infinity) - nats)));
    };
    await expect.poll(largestDifference, { message: `page against CLI on ${backend}`, timeout: 120_000 }).toBeLessThan(1e-3);
  }
  expect(errors).toEqual([]);
});

test('the shipped BIVA, picked in the model picker, scores an upload as the CLI does, with a reconstruction per k', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const png = galleryPng(mkdtempSync(join(tmpdir(), 'biva-shipped-')));
  const cli = JSON.parse(execFileSync('npx', ['tsx', 'src/cli/score.ts', '--deterministic', '--model', 'models/biva-fashionmnist', png], { encoding: 'utf8' }).trim()) as {
    scores: Record<string, { nats: number }>;
  };
  await page.goto('/#backend=wasm&det=1');
  await expect(page.getByTestId('backend')).toContainText('Backend: wasm', { timeout: 90_000 });
  await page.getByRole('combobox', { name: /^Model/ }).selectOption('biva-fashionmnist');
  await page.locator('input[type=file]').setInputFiles(png);
  await expect(page.getByText(/What the model sees: mnist-0\.png/)).toBeVisible({ timeout: 120_000 });
  const largestDifference = async () => {
    const shown = await shownScores(page);
    return Math.max(...Object.entries(cli.scores).map(([name, { nats }]) => Math.abs((shown[name] ?? Infinity) - nats)));
  };
  await expect.poll(largestDifference, { message: 'page against CLI', timeout: 120_000 }).toBeLessThan(1e-3);
  // Three stages: reconstructions for k = 0 to 3.
  await expect(page.getByRole('region', { name: 'Reconstructions of this image across k' })).toContainText('k = 3');
  expect(errors).toEqual([]);
});
