import { expect, test } from '@playwright/test';

test('the app boots and names the backend it runs on', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('backend')).toHaveText(/Backend: (webgpu|webgl|wasm|cpu)/, { timeout: 60_000 });
  expect(errors).toEqual([]);
});
