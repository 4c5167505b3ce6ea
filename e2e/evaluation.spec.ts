import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { DATASET_NAMES } from '../src/data/datasets.ts';
import { pairedOodSet } from '../src/ood/protocol.ts';

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

async function openEvaluation(page: Page, model = 'hvae-fashionmnist'): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`/#page=eval&model=${model}`);
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
  // Input complexity comes with every live sample: one PNG per image beyond L>0.
  await expect(page.getByTestId('metrics-mnist test')).toContainText('IC(png)');
  await expect(page.getByTestId('roc')).toContainText('LLR>1 (AUROC');
  // Cancelling a second run keeps the live figures.
  await page.getByRole('button', { name: 'Score 200 images now' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('live-status')).toContainText('Cancelled');
  await expect(page.getByTestId('source')).toContainText('live: 100 images per test set');
  expect(errors).toEqual([]);
});

/** Every row of REPORT.md's table for `heading` in its part for S importance samples: score name and AUROC as printed. */
function reportAurocs(model: string, heading: RegExp, samples = 1): [string, string][] {
  const part = readFileSync(`models/${model}/eval/REPORT.md`, 'utf8')
    .split(/^## /m)
    .find((p) => new RegExp(`^S = ${samples} importance`).test(p));
  if (!part) throw new Error(`${model}'s REPORT.md has no part for S = ${samples}`);
  const section = part
    .split(/^### /m)
    .find((s) => heading.test(s.split('\n')[0]!));
  if (!section) throw new Error(`${model}'s REPORT.md has no section matching ${heading}`);
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| score'))
    .map((l) => l.split('|').map((c) => c.trim()))
    .map((cells) => [cells[1]!, cells[2]!]);
}

for (const [model, trainedOn] of [
  ['hvae-fashionmnist', 'fashionmnist'],
  ['hvae-mnist', 'mnist'],
  ['biva-fashionmnist', 'fashionmnist'],
  ['biva-mnist', 'mnist'],
] as const) {
  test(`${model}: every registered dataset is an OOD comparison with every score of REPORT.md`, async ({ page }) => {
    const errors = await openEvaluation(page, model);
    const paired = pairedOodSet(trainedOn);
    const oodSets = DATASET_NAMES.filter((d) => d !== trainedOn);
    const options = await page.getByTestId('against').locator('option').allTextContents();
    // The paper's pair first, then the other OOD sets, then the training split.
    expect(options[0]).toBe(`${paired} test (OOD)`);
    expect(options.toSorted()).toEqual([...oodSets.map((d) => `${d} test (OOD)`), `${trainedOn} train (training split)`].toSorted());
    for (const d of oodSets) {
      const rows = reportAurocs(model, new RegExp(`^${trainedOn} test vs OOD: ${d} test`));
      // Every OOD set carries the Appendix E bounds, the per-example k and input complexity.
      expect(rows.map(([name]) => name)).toEqual(expect.arrayContaining(['L<1', 'LLR>1<2', 'LLR>k*', 'IC(png)']));
      const table = page.getByTestId(`metrics-${d} test`);
      for (const [name, auroc] of rows) await expect(table.locator(`td[data-metric="auroc"][data-score="${name}"]`)).toHaveText(auroc);
    }
    // The paper has no letters; its notMNIST row stands beside them, named as what it is.
    await expect(page.getByTestId('metrics-letters test')).toContainText(`Table ${trainedOn === 'mnist' ? 8 : 7}: the paper's notMNIST, not these letters`);
    // At the largest S shipped (at least 100) every OOD set is there too, with REPORT.md's figures.
    const choice = page.getByLabel('Importance samples S');
    const largest = Math.max(...(await choice.locator('option').allTextContents()).map(Number));
    expect(largest).toBeGreaterThanOrEqual(100);
    await choice.selectOption(String(largest));
    await expect
      .poll(async () => (await page.getByTestId('against').locator('option').allTextContents()).toSorted())
      .toEqual(oodSets.map((d) => `${d} test (OOD)`).toSorted());
    for (const d of oodSets) {
      const rows = reportAurocs(model, new RegExp(`^${trainedOn} test vs OOD: ${d} test`), largest);
      expect(rows.map(([name]) => name)).toEqual(expect.arrayContaining(['L>0', 'L>1', 'LLR>1']));
      const table = page.getByTestId(`metrics-${d} test`);
      for (const [name, auroc] of rows) await expect(table.locator(`td[data-metric="auroc"][data-score="${name}"]`)).toHaveText(auroc);
    }
    expect(errors).toEqual([]);
  });
}

test('the per-example choice of k is drawn as a percentile and input complexity in nats or bits/dim', async ({ page }) => {
  const errors = await openEvaluation(page);
  await page.getByTestId('against').selectOption('letters test');
  await expect(page.getByTestId('density-LLR>k*')).toContainText('LLR>k* (percentile)');
  await expect(page.getByTestId('density-IC(png)')).toContainText('IC(png) (nats)');
  await page.getByLabel('Unit').selectOption('bits/dim');
  await expect(page.getByTestId('density-IC(png)')).toContainText('IC(png) (bits/dim)');
  await expect(page.getByTestId('density-LLR>k*')).toContainText('LLR>k* (percentile)');
  await expect(page.getByTestId('bits-per-dim').locator('thead')).toContainText('L<1 ours');
  expect(errors).toEqual([]);
});
