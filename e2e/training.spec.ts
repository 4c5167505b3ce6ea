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
  const select = page.getByLabel('Model');
  await expect(select.locator('option[value="local:tiny e2e"]')).toHaveCount(1);
  await select.selectOption('local:tiny e2e');
  await expect(page.getByTestId('backend')).toContainText(/Backend: (webgpu|webgl|wasm|cpu)/, { timeout: 60_000 });
  await page.getByRole('button', { name: /^fashionmnist test image/ }).first().click();
  await expect(page.getByTestId('scores')).toContainText('ELBO', { timeout: 60_000 });
  expect(errors).toEqual([]);
});
