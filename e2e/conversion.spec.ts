/**
 * Uploads in the page converted as the command line converts them: one file of each format the page
 * reads, a sample of dataset test images at 28x28 and upscaled to 280x280, the conversion shown and
 * chosen in the URL, and one message per upload. (The 1,000-image exactness check of every test image
 * runs at the command-line level, in src/cli/scoreUploads.test.ts: through the page it would take
 * too long.)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { encode as encodeBmp } from 'bmp-ts';
import { photoRgb, PHOTO, pngOf, upscaledPngOf } from '../src/cli/uploadFixtures.ts';
import { loadDataset } from '../src/data/nodeFiles.ts';

const dir = mkdtempSync(join(tmpdir(), 'conversion-e2e-'));
const MODEL = 'models/hvae-fashionmnist';

interface CliLine {
  file: string;
  conversion: string;
  scores: Record<string, { nats: number }>;
}

function cliScores(files: string[], model = MODEL): CliLine[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/score.ts', '--deterministic', '--model', model, ...files], { encoding: 'utf8' });
  return out.trim().split('\n').map((l) => JSON.parse(l) as CliLine);
}

async function openReady(page: Page, hash: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('backend')).toContainText('Backend: wasm', { timeout: 90_000 });
  return errors;
}

/** Uploads a file and waits for its scores; returns them and the conversion the page says it applied. */
async function uploadAndRead(page: Page, file: string): Promise<{ nats: Record<string, number>; conversion: string }> {
  const name = file.split('/').pop()!;
  await page.locator('input[type=file]').setInputFiles(file);
  const caption = page.locator('.seen figcaption');
  await expect(caption).toHaveText(`What the model sees: ${name}`, { timeout: 60_000 });
  // The scores of this upload, not of the one before: the table names the input its scores belong to.
  await expect(page.locator(`[data-testid=scores][data-source="${name}"]`)).toBeVisible({ timeout: 60_000 });
  const cells = page.locator('[data-testid=scores] [data-score]');
  const nats: Record<string, number> = {};
  for (const cell of await cells.all()) nats[(await cell.getAttribute('data-score'))!] = Number(await cell.getAttribute('data-nats'));
  return { nats, conversion: (await page.getByTestId('conversion-applied').textContent()) ?? '' };
}

test('one file of each format: the page converts and scores it as npm run score does', async ({ page }) => {
  test.setTimeout(300_000);
  const rgb = photoRgb();
  const raw = () => sharp(rgb, { raw: { width: PHOTO.width, height: PHOTO.height, channels: 3 } });
  const abgr = Buffer.alloc(PHOTO.width * PHOTO.height * 4);
  for (let i = 0; i < PHOTO.width * PHOTO.height; i++) abgr.set([0, rgb[i * 3 + 2]!, rgb[i * 3 + 1]!, rgb[i * 3]!], i * 4);
  const formats: [string, Buffer, boolean][] = [
    ['png', await raw().png().toBuffer(), true],
    ['webp', await raw().webp({ lossless: true }).toBuffer(), true],
    ['bmp', encodeBmp({ width: PHOTO.width, height: PHOTO.height, data: abgr, bitPP: 24 }).data, true],
    ['gif', await raw().gif().toBuffer(), true],
    ['jpg', await raw().jpeg({ quality: 90 }).toBuffer(), false],
    ['lossy.webp', await raw().webp({ quality: 80 }).toBuffer(), false],
  ];
  const files = formats.map(([ext, bytes]) => {
    const path = join(dir, `garment.${ext}`);
    writeFileSync(path, bytes);
    return path;
  });
  const cli = cliScores(files);
  const errors = await openReady(page, '#backend=wasm&det=1');
  for (const [i, [ext, , lossless]] of formats.entries()) {
    const seen = await uploadAndRead(page, files[i]!);
    expect(seen.conversion).toBe("Converted as Fashion-MNIST was made, inverted (the model's own)");
    expect(cli[i]!.conversion).toBe('fashionmnist');
    const worst = Math.max(...Object.entries(cli[i]!.scores).map(([name, s]) => Math.abs(s.nats - seen.nats[name]!)));
    console.log(`${ext}: largest difference between page and CLI scores ${worst} nats`);
    if (lossless) expect(worst, ext).toBe(0);
    else expect(worst, ext).toBeLessThan(1e-3);
  }
  expect(errors).toEqual([]);
});

test('dataset test images at 28x28 and upscaled to 280x280: the page gives the command line\'s scores', async ({ page }) => {
  test.setTimeout(300_000);
  const files: string[] = [];
  for (const d of ['fashionmnist', 'mnist'] as const) {
    const set = await loadDataset(d, 'test');
    for (let i = 0; i < 3; i++) {
      const image = set.images.subarray(i * 784, (i + 1) * 784);
      files.push(join(dir, `${d}-${i}.png`));
      writeFileSync(files.at(-1)!, await pngOf(image));
      files.push(join(dir, `${d}-${i}-x10.png`));
      writeFileSync(files.at(-1)!, await upscaledPngOf(image, 10));
    }
  }
  const cli = cliScores(files);
  await openReady(page, '#backend=wasm&det=1');
  for (const [i, file] of files.entries()) {
    const seen = await uploadAndRead(page, file);
    expect(seen.conversion).toBe(file.endsWith('x10.png') ? "Converted as Fashion-MNIST was made (the model's own)" : 'Taken as it is (already 28×28)');
    for (const [name, s] of Object.entries(cli[i]!.scores)) expect(seen.nats[name], `${file} ${name}`).toBe(s.nats);
  }
});

test('the conversion is the model\'s own by default, can be chosen, and lives in the URL', async ({ page }) => {
  await openReady(page, '#backend=wasm');
  await expect(page.getByTestId('pad-conversion')).toContainText("Drawings are converted as Fashion-MNIST was made, this model's own conversion");
  await expect(page.getByTestId('upload-conversion')).toContainText('Uploads are converted as Fashion-MNIST was made');
  await page.getByLabel('Convert pictures as').selectOption('mnist');
  await expect(page).toHaveURL(/conv=mnist/);
  await expect(page.getByTestId('pad-conversion')).toContainText("Drawings are converted as MNIST was made, as chosen in the settings (this model's own conversion is Fashion-MNIST's)");
  const photo = join(dir, 'garment-for-mnist.png');
  writeFileSync(photo, await sharp(photoRgb(), { raw: { width: PHOTO.width, height: PHOTO.height, channels: 3 } }).png().toBuffer());
  await page.locator('input[type=file]').setInputFiles(photo);
  await expect(page.getByTestId('conversion-applied')).toHaveText('Converted as MNIST was made, inverted', { timeout: 60_000 });
  // Back to the model's own: the same upload is converted again.
  await page.getByLabel('Convert pictures as').selectOption('model');
  await expect(page.getByTestId('conversion-applied')).toHaveText("Converted as Fashion-MNIST was made, inverted (the model's own)");
  await page.getByLabel(/Convert 28×28 pictures/).check();
  await expect(page).toHaveURL(/convert28=1/);

  await openReady(page, '#backend=wasm&model=hvae-mnist');
  await expect(page.getByTestId('pad-conversion')).toContainText("Drawings are converted as MNIST was made, this model's own conversion");
});

test('each upload replaces the message of the one before', async ({ page }) => {
  await openReady(page, '#backend=wasm');
  const file = page.locator('input[type=file]');
  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image at all') });
  await expect(page.getByRole('alert')).toContainText('notes.txt');
  const blank = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
  await file.setInputFiles({ name: 'blank.png', mimeType: 'image/png', buffer: blank });
  await expect(page.getByRole('alert')).toHaveText('blank.png: nothing stands out from the background, so there is nothing to score.');
  const set = await loadDataset('fashionmnist', 'test');
  await file.setInputFiles({ name: 'shirt.png', mimeType: 'image/png', buffer: await pngOf(set.images.subarray(0, 784)) });
  await expect(page.getByText('What the model sees: shirt.png')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
});
