import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

/** The AUROC of a score in REPORT.md's table for `heading` (a "### ..." line), as printed there. */
function reportAuroc(heading: RegExp, score: string): string {
  const report = readFileSync('models/hvae-fashionmnist/eval/REPORT.md', 'utf8');
  const sections = report.split(/^### /m);
  const section = sections.find((s) => heading.test(s.split('\n')[0]!));
  if (!section) throw new Error(`REPORT.md has no section matching ${heading}`);
  const row = section.split('\n').find((l) => l.startsWith(`| ${score} |`));
  if (!row) throw new Error(`REPORT.md's section lacks a row for ${score}`);
  return row.split('|')[2]!.trim();
}

async function openEvaluation(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto('/#page=eval&model=hvae-fashionmnist');
  await expect(page.getByTestId('roc')).toContainText('LLR>1 (AUROC', { timeout: 60_000 });
  return errors;
}

test('the ROC of LLR>1 shows the AUROC that REPORT.md states', async ({ page }) => {
  const errors = await openEvaluation(page);
  const expected = reportAuroc(/^fashionmnist test vs OOD: mnist test/, 'LLR>1');
  expect(expected).toMatch(/^0\.\d{3}$/);
  await expect(page.getByTestId('roc')).toContainText(`LLR>1 (AUROC ${expected})`);
  const cell = page.getByTestId('metrics-mnist test').locator('td[data-metric="auroc"][data-score="LLR>1"]');
  await expect(cell).toHaveText(expected);
  // The no-overfitting check is there too, from the train split's file.
  const trainCell = page.getByTestId('metrics-fashionmnist train').locator('td[data-metric="auroc"][data-score="L>0"]');
  await expect(trainCell).toHaveText(reportAuroc(/^fashionmnist test vs fashionmnist train/, 'L>0'));
  // The ROC has a drawn path per shown score.
  expect(await page.getByTestId('roc').locator('svg[role="img"] path[stroke-width]').count()).toBeGreaterThanOrEqual(5);
  expect(errors).toEqual([]);
});

test('a chart exports as SVG and PNG, and the scores as CSV', async ({ page }) => {
  const errors = await openEvaluation(page);
  const roc = page.getByTestId('roc');
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), roc.getByRole('button', { name: 'Save SVG' }).click()]);
  expect(svgDownload.suggestedFilename()).toMatch(/^hvae-fashionmnist-mnist-test-S1-roc\.svg$/);
  const svg = readFileSync(await svgDownload.path(), 'utf8');
  expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('LLR&gt;1 (AUROC');
  expect(svg.length).toBeGreaterThan(5000);

  const [pngDownload] = await Promise.all([page.waitForEvent('download'), roc.getByRole('button', { name: 'Save PNG' }).click()]);
  const png = readFileSync(await pngDownload.path());
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect(png.length).toBeGreaterThan(10_000);

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /as CSV/ }).click()]);
  const lines = readFileSync(await csvDownload.path(), 'utf8').trim().split('\r\n');
  expect(lines[0]).toMatch(/^dataset,split,index,L>0 \(nats\)/);
  expect(lines.length).toBe(1 + 20000);
  expect(errors).toEqual([]);
});

test('clicking a region of a density lists the images whose scores fall there', async ({ page }) => {
  const errors = await openEvaluation(page);
  const overlay = page.getByTestId('select-LLR>1');
  const box = (await overlay.boundingBox())!;
  await overlay.click({ position: { x: box.width * 0.25, y: box.height / 2 } });
  const panel = page.getByTestId('images-in-range');
  await expect(panel).toContainText(/fashionmnist test: [\d,]+ of 10,000 images/);
  await expect(panel).toContainText(/mnist test: [\d,]+ of 10,000 images/);
  await expect(panel.locator('canvas').first()).toBeVisible({ timeout: 30_000 });
  expect(errors).toEqual([]);
});

test('live recompute scores a sample in the page and redraws the figures from it', async ({ page }) => {
  const errors = await openEvaluation(page);
  await page.getByRole('button', { name: 'Score 200 images now' }).click();
  await expect(page.getByTestId('live-status')).toContainText('Scored 200 images', { timeout: 120_000 });
  await expect(page.getByTestId('source')).toContainText('live: 100 images per test set');
  await expect(page.getByTestId('metrics-mnist test')).toContainText('100 + 100 examples');
  await expect(page.getByTestId('roc')).toContainText('LLR>1 (AUROC');
  // Cancelling a second run keeps the live figures.
  await page.getByRole('button', { name: 'Score 200 images now' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('live-status')).toContainText('Cancelled');
  await expect(page.getByTestId('source')).toContainText('live: 100 images per test set');
  expect(errors).toEqual([]);
});
