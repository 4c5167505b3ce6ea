/**
 * The playground as one screen: at 1280x720 the loop (pad, verdict, every score, the reconstruction
 * row at 112 px or more, KL per latent) is in view without scrolling, the advanced settings folded; on
 * a 390x844 touch phone the pad comes first at full width, the verdict under it, then the
 * reconstructions, the settings in a drawer, and a finger stroke is scored.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

// 'fastest available' is wasm here (no GPU); naming a backend in the link would unfold the advanced settings.
async function openScored(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('backend')).toContainText('Backend: wasm', { timeout: 90_000 });
}

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error(`${locator} has no box`);
  return b;
}

test.describe('desktop, 1280x720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('pad, verdict, scores, reconstructions and KL fit the first screen; advanced settings are one click away', async ({ page }) => {
    await openScored(page);
    // The cross-origin-isolated page runs tfjs's threaded wasm.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.getByRole('button', { name: /^mnist test image/ }).first().click();
    await expect(page.getByTestId('verdict')).toContainText(/(In|Out of) distribution/, { timeout: 60_000 });
    // The gallery is below; the first screen is what a visitor sees before scrolling.
    await page.evaluate(() => scrollTo(0, 0));
    const inView = [
      page.getByRole('img', { name: /drawing pad/i }),
      page.getByTestId('verdict'),
      page.getByTestId('scores'),
      page.getByRole('img', { name: /KL divergence per latent layer/ }),
      page.getByRole('region', { name: 'Reconstructions of this image across k' }).locator('figure.image-strip'),
    ];
    for (const l of inView) {
      const b = await box(l);
      expect(b.y, `${l} starts inside the first screen`).toBeGreaterThanOrEqual(0);
      expect(b.y + b.height, `${l} ends inside the first screen`).toBeLessThanOrEqual(720);
      expect(b.x + b.width).toBeLessThanOrEqual(1280);
    }
    // input + k = 0..L, each at least 112 px wide.
    const images = page.getByRole('region', { name: 'Reconstructions of this image across k' }).locator('canvas, img');
    expect(await images.count()).toBeGreaterThanOrEqual(3);
    for (const b of await Promise.all((await images.all()).map(box))) expect(b.width).toBeGreaterThanOrEqual(112);
    // Every LLR>k with its percentile.
    await expect(page.getByTestId('scores').locator('td[data-score^="LLR>"]')).not.toHaveCount(0);
    await expect(page.getByTestId('scores')).toContainText('%');

    const lower = page.getByLabel('Lower latents');
    await expect(lower).toBeHidden();
    await page.getByText('More settings').click();
    await lower.selectOption('sample');
    await expect(page).toHaveURL(/lower=sample/);
  });
});

test.describe('phone, 390x844 touch', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the pad comes first at full width, then the verdict and the reconstructions; settings in a drawer; a finger stroke is scored', async ({ page }) => {
    await openScored(page);
    const canvas = page.getByRole('img', { name: /drawing pad/i });
    const pad = await box(canvas);
    expect(pad.width).toBeGreaterThanOrEqual(340);
    expect(pad.y + pad.height).toBeLessThanOrEqual(844);

    // A stroke drawn with touch events, through Chromium's input pipeline.
    const cdp = await page.context().newCDPSession(page);
    const at = (t: number) => [{ x: pad.x + pad.width * (0.5 + 0.02 * t), y: pad.y + pad.height * (0.2 + 0.06 * t) }];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
    for (let t = 1; t <= 10; t++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(t) });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await expect(page.locator('[data-testid=scores][data-source="your drawing"]')).toBeVisible({ timeout: 60_000 });
    await expect(canvas).toHaveAccessibleName(/1 stroke/);

    const verdict = await box(page.getByTestId('verdict'));
    const recon = await box(page.getByRole('region', { name: 'Reconstructions of this image across k' }));
    expect(verdict.y).toBeGreaterThan(pad.y + pad.height);
    expect(recon.y).toBeGreaterThan(verdict.y);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    const model = page.getByRole('combobox', { name: 'Model', exact: true });
    await expect(model).toBeHidden();
    const settings = page.getByRole('button', { name: 'Settings' });
    await expect(settings).toHaveAttribute('aria-expanded', 'false');
    // A tap that lands while the scores re-render can be lost; tap again only while the drawer is still closed.
    await expect(async () => {
      if ((await settings.getAttribute('aria-expanded')) === 'false') await settings.tap();
      await expect(model).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 15_000 });
    await expect(settings).toHaveAttribute('aria-expanded', 'true');
  });
});
