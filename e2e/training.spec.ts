import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { galleryPng } from './galleryPng.ts';
import { expect, test, type Page } from '@playwright/test';

/** A small, fast run: a new tiny-grey model, 64 FashionMNIST images, one epoch of 8 batches. */
async function setUpTinyRun(page: Page, name: string, opts: { learningRate?: string; epochs?: string } = {}): Promise<void> {
  await page.getByLabel('Start from').selectOption('new:tiny-grey');
  await page.getByRole('combobox', { name: /^Data/ }).selectOption('fashionmnist');
  await page.getByRole('combobox', { name: /^Images/ }).selectOption('64');
  await expect(page.getByTestId('data-summary')).toContainText('64 training images');
  await page.getByRole('spinbutton', { name: 'Epochs', exact: true }).fill(opts.epochs ?? '1');
  await page.getByLabel('Batch size').fill('8');
  await page.getByLabel('Learning rate').fill(opts.learningRate ?? '0.003');
  await page.getByLabel('Save as').fill(name);
}

async function openTrain(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/#page=train');
  await expect(page.getByTestId('data-summary')).toBeVisible({ timeout: 30_000 });
  return errors;
}

test('one epoch on a tiny set: the loss falls, the model is kept across a reload and listed in the playground', async ({ page }) => {
  const errors = await openTrain(page);
  await setUpTinyRun(page, 'tiny e2e');
  // The data is shown before training: its count and its images.
  await expect(page.getByRole('list', { name: /The first 40 training images/ }).getByRole('img')).toHaveCount(40);
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-outcome')).toHaveText('Training finished.', { timeout: 90_000 });
  const summary = page.getByTestId('loss-summary');
  const first = Number(await summary.getAttribute('data-first-loss'));
  const last = Number(await summary.getAttribute('data-last-loss'));
  expect(last).toBeLessThan(first - 30);
  await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(1);
  const auroc = Number(await page.getByTestId('epoch-table').locator('[data-auroc="LLR>1"]').textContent());
  expect(auroc).toBeGreaterThanOrEqual(0);
  expect(auroc).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('train-result')).toContainText('Saved in this browser as “tiny e2e”');

  await page.reload();
  await expect(page.getByTestId('saved-models')).toContainText('tiny e2e');
  await page.getByRole('link', { name: 'Playground' }).click();
  const select = page.getByRole('combobox', { name: 'Model', exact: true });
  await expect(select.locator('option[value="local:tiny e2e"]')).toHaveCount(1);
  await select.selectOption('local:tiny e2e');
  await expect(select).toHaveValue('local:tiny e2e');
  // The line says "Backend: …" again only once the chosen model has loaded in its new worker.
  await expect(page.getByTestId('backend')).not.toContainText('Loading', { timeout: 60_000 });
  await expect(page.getByTestId('backend')).toContainText(/Backend: (webgpu|webgl|wasm|cpu)/, { timeout: 60_000 });
  await expect(select).toHaveValue('local:tiny e2e');
  await page.getByRole('button', { name: /^fashionmnist test image/ }).first().click();
  await expect(page.getByTestId('scores')).toContainText('ELBO', { timeout: 60_000 });
  expect(errors).toEqual([]);
});


/** Deterministic scores of an image file in the playground with a given model, by score name. */
async function playgroundScores(page: Page, modelKey: string, imagePath: string): Promise<Record<string, number>> {
  await page.goto(`/#det=1&model=${encodeURIComponent(modelKey)}`);
  await expect(page.getByTestId('backend')).toContainText(/Backend: /, { timeout: 60_000 });
  await page.locator('input[type=file]').setInputFiles(imagePath);
  const cells = page.locator('[data-testid=scores] [data-score]');
  await expect(cells.first()).toBeVisible({ timeout: 60_000 });
  const out: Record<string, number> = {};
  for (const cell of await cells.all()) out[(await cell.getAttribute('data-score'))!] = Number(await cell.getAttribute('data-nats'));
  return out;
}

test('export then import gives the same scores, npm run score reads the export, and a file that is not a model is refused', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'train-e2e-'));
  await openTrain(page);
  await setUpTinyRun(page, 'exported e2e');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-result')).toContainText('Saved in this browser', { timeout: 90_000 });

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export the trained model' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('exported_e2e.hvae');
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);

  // Refused: a text file and a model.json, each with its reason; the list is unchanged.
  const rows = page.getByTestId('saved-models').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  const importer = page.getByTestId('import-model');
  await importer.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a model') });
  await expect(page.getByRole('alert')).toContainText('notes.txt is not a model file: it does not start with "HVAE-OOD"');
  await importer.setInputFiles({ name: 'model.json', mimeType: 'application/json', buffer: readFileSync('models/hvae-fashionmnist/model.json') });
  await expect(page.getByRole('alert')).toContainText('model.json is a JSON file, not a model file');
  await importer.setInputFiles({ name: 'cut.hvae', mimeType: 'application/octet-stream', buffer: readFileSync(file).subarray(0, 2000) });
  await expect(page.getByRole('alert')).toContainText(/cut\.hvae.*truncated/);
  await expect(rows).toHaveCount(1);

  await importer.setInputFiles(file);
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toContainText('Imported exported_e2e.hvae as "exported_e2e"');
  await expect(rows).toHaveCount(2);

  const png = galleryPng(dir);
  const original = await playgroundScores(page, 'local:exported e2e', png);
  const imported = await playgroundScores(page, 'local:exported_e2e', png);
  expect(Object.keys(original)).toEqual(['L>0', 'L>1', 'LLR>1', 'L>2', 'LLR>2', 'L>3', 'LLR>3']);
  expect(imported).toEqual(original);

  const cli = JSON.parse(execFileSync('npx', ['tsx', 'src/cli/score.ts', '--deterministic', '--model', file, png], { encoding: 'utf8' }).trim()) as {
    scores: Record<string, { nats: number }>;
  };
  for (const [name, nats] of Object.entries(original)) expect(Math.abs(nats - cli.scores[name]!.nats), name).toBeLessThan(1e-3);
});

test('a learning rate so large that the loss turns NaN: training stops, says why and what to change, and keeps the last good weights', async ({ page }) => {
  const errors = await openTrain(page);
  await setUpTinyRun(page, 'diverged e2e', { learningRate: '1' });
  await page.getByRole('button', { name: 'Start training' }).click();
  const outcome = page.getByTestId('train-outcome');
  await expect(outcome).toContainText('the loss became non-finite', { timeout: 90_000 });
  await expect(outcome).toContainText('the weights from before this training are restored');
  await expect(outcome).toContainText('try a lower learning rate (e.g. 0.1 instead of 1) or gradient clipping');
  await expect(outcome).toHaveAttribute('role', 'alert');
  await expect(page.getByTestId('train-result')).toContainText('Saved in this browser as “diverged e2e”');
  expect(errors).toEqual([]);
});

test('storage full when saving: a clear message, the model stays exportable, and saving again works once there is room', async ({ page, baseURL }) => {
  await openTrain(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 1024 });
  await setUpTinyRun(page, 'quota e2e');
  await page.getByRole('button', { name: 'Start training' }).click();
  const result = page.getByTestId('train-result');
  await expect(result.getByRole('alert')).toContainText("the browser's storage for this site is full", { timeout: 90_000 });
  await expect(result.getByRole('alert')).toContainText('Nothing is lost: the model stays on this page');
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export the trained model' }).click();
  expect((await downloadPromise).suggestedFilename()).toBe('quota_e2e.hvae');

  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin });
  await page.getByRole('button', { name: 'Save again' }).click();
  await expect(result).toContainText('Saved in this browser as “quota e2e”');
  await expect(page.getByTestId('saved-models')).toContainText('quota e2e');
});

test('pause holds training between batches, resume continues, stop ends it and keeps the model', async ({ page }) => {
  await openTrain(page);
  await setUpTinyRun(page, 'stopped e2e', { epochs: '20' });
  await page.getByRole('button', { name: 'Start training' }).click();
  const progress = page.getByTestId('train-progress');
  await expect(progress).toContainText(/batch [2-8] of 8/, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('train-status')).toContainText('Paused.');
  const held = await progress.textContent();
  await page.waitForTimeout(1500);
  await expect(progress).toHaveText(held!);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(progress).not.toHaveText(held!, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('train-outcome')).toContainText('Training stopped', { timeout: 60_000 });
  await expect(page.getByTestId('train-result')).toContainText('Saved in this browser as “stopped e2e”');
  await expect(progress).toContainText(/Epoch ([1-9]|1[0-9]) of 20/);
});

test('collect mode: drawn and uploaded examples in a grid, deleted one by one, kept across a reload', async ({ page }) => {
  await openTrain(page);
  await page.getByRole('combobox', { name: /^Data/ }).selectOption('custom');
  const count = page.getByTestId('example-count');
  await expect(count).toHaveText('0 examples');
  const pad = page.getByRole('img', { name: /^Drawing pad/ });
  for (const dx of [0, 0.2]) {
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + box.width * (0.3 + dx), box.y + box.height * 0.2);
    await page.mouse.down();
    for (let t = 0; t <= 10; t++) await page.mouse.move(box.x + box.width * (0.3 + dx + t * 0.01), box.y + box.height * (0.2 + t * 0.06));
    await page.mouse.up();
    await page.getByRole('button', { name: 'Add drawing to examples' }).click();
  }
  await expect(count).toContainText('2 examples');
  await page.locator('.collector input[type=file]').setInputFiles(galleryPng(mkdtempSync(join(tmpdir(), 'collect-'))));
  await expect(count).toContainText('3 examples');
  const grid = page.getByRole('list', { name: 'Your examples' });
  await expect(grid.getByRole('img')).toHaveCount(3);
  await expect(page.getByTestId('data-summary')).toContainText('3 training images');
  await page.getByRole('button', { name: 'Delete example 2 (drawing)' }).click();
  await expect(count).toContainText('2 examples');
  // Too few to train: the page says so instead of starting.
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByRole('alert')).toContainText('Training needs at least 4 examples; there are 2');
  await page.reload();
  await page.getByRole('combobox', { name: /^Data/ }).selectOption('custom');
  await expect(count).toContainText('2 examples');
  await expect(grid.getByRole('img', { name: /mnist-0\.png/ })).toHaveCount(1);
});
