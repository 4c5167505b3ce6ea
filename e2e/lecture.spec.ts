import { expect, test, type Page } from '@playwright/test';

const SLIDE_COUNT = 7;

/** Collects page errors and console errors from now on. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

async function openLecture(page: Page, hash = '#page=lecture'): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('lecture-status')).toContainText(/ on (webgpu|webgl|wasm|cpu)/, { timeout: 90_000 });
}

const slide = (page: Page, n: number) => page.locator(`section[data-slide="${n}"]`);

/** Draws a vertical stroke, a plausible "1", on the slide's drawing pad. */
async function drawOne(page: Page): Promise<void> {
  const pad = slide(page, SLIDE_COUNT).getByRole('img', { name: /drawing/i });
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let t = 0; t <= 12; t++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + t * 0.055));
  await page.mouse.up();
}

test('the keyboard steps through every slide; each has its own URL and renders its figure without console errors', async ({ page }) => {
  const errors = watchErrors(page);
  await openLecture(page);
  // The page header and navigation make way for the slide.
  await expect(page.getByRole('navigation', { name: 'Pages' })).toHaveCount(0);
  const keys = ['ArrowRight', 'PageDown', ' ', 'ArrowDown', 'ArrowRight', 'PageDown'];
  for (let n = 1; n <= SLIDE_COUNT; n++) {
    const current = slide(page, n);
    await expect(current).toBeVisible();
    await expect(page.locator('section.slide:visible')).toHaveCount(1);
    if (n > 1) expect(page.url()).toContain(`slide=${n}`);
    const figure = current.getByTestId('figure');
    await expect(figure).toBeVisible();
    await expect(figure.locator('svg, canvas').first()).toBeVisible({ timeout: 60_000 });
    if (n < SLIDE_COUNT) await page.keyboard.press(keys[n - 1]!);
  }

  // Slide 1's AUROC is called out as below 0.5 exactly when it is.
  await page.keyboard.press('Home');
  const callout = page.getByTestId('paradox-auroc');
  await expect(callout).toBeVisible();
  const auroc = Number((await callout.locator('.callout-number').textContent()) ?? 'NaN');
  expect(auroc).toBeGreaterThanOrEqual(0);
  expect(auroc).toBeLessThanOrEqual(1);
  await expect(callout).toContainText(auroc < 0.5 ? 'below 0.5' : 'above 0.5');

  // Slide 2: a node of the diagram tells its shape; the latent layers of the current image are drawn.
  await page.keyboard.press('ArrowRight');
  await slide(page, 2).locator('[data-node="q-z-1"]').hover();
  await expect(slide(page, 2).getByTestId('diagram-info')).toContainText(/q\(z₁ \| x\).*numbers/s);
  await expect(slide(page, 2).locator('.latent-map')).not.toHaveCount(0);

  // Slide 3: Figure 2 either shown or plainly missing.
  await page.keyboard.press('ArrowRight');
  await expect(slide(page, 3).getByTestId('figure2-missing').or(slide(page, 3).getByTestId('figure2'))).toBeVisible({ timeout: 60_000 });

  // Slide 4: the KL bars of the current image, and Figure 8 redrawn when a slider moves.
  await page.keyboard.press('ArrowRight');
  await expect(slide(page, 4).getByTestId('kl-share')).toContainText('%');
  const curve = slide(page, 4).getByTestId('volume-curve');
  const before = await curve.getAttribute('d');
  const sigma = slide(page, 4).getByRole('slider', { name: /σ/ });
  await sigma.focus();
  await page.keyboard.press('ArrowRight');
  // The slider took the arrow key: the slide did not change, the curve did.
  await expect(slide(page, 4)).toBeVisible();
  expect(await curve.getAttribute('d')).not.toBe(before);

  // End and PageUp reach the last slides; there a drawing gets a verdict in large type.
  await sigma.blur();
  await page.keyboard.press('End');
  await expect(slide(page, SLIDE_COUNT)).toBeVisible();
  await page.keyboard.press('PageUp');
  await expect(slide(page, SLIDE_COUNT - 1)).toBeVisible();
  await expect(slide(page, SLIDE_COUNT - 1).getByTestId('table2')).toContainText('this model');
  // The shipped model's files hold likelihood regret: measured here beside the paper's citation of it.
  await expect(slide(page, SLIDE_COUNT - 1).getByTestId('table2').locator('[data-score="LR"]')).toHaveText(/^0\.9\d\d$/);
  await page.keyboard.press('End');
  await drawOne(page);
  await expect(page.getByTestId('lecture-verdict')).toContainText(/(Out of|In) distribution/, { timeout: 60_000 });
  expect(errors).toEqual([]);
});

test('a slide URL opens that slide, and the presenter window follows and leads the audience window', async ({ page, context }) => {
  const errors = watchErrors(page);
  await openLecture(page, '#page=lecture&slide=2');
  await expect(slide(page, 2)).toBeVisible();
  const [presenter] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Presenter' }).click()]);
  const presenterErrors = watchErrors(presenter);
  await expect(presenter.getByTestId('presenter-current')).toHaveText('2 / 7: The model');
  await expect(presenter.getByTestId('presenter-notes')).toContainText('Bottom-up inference');
  await expect(presenter.getByTestId('presenter-next')).toContainText('Next: 3. Our two models agree most near the pixels');
  await expect(presenter.getByTestId('presenter-clock')).toHaveText(/^\d+:\d\d$/);

  // The audience moves: the presenter follows.
  await page.bringToFront();
  await page.keyboard.press('ArrowRight');
  await expect(presenter.getByTestId('presenter-current')).toHaveText('3 / 7: Our two models agree most near the pixels');
  // The presenter moves (keys and buttons): the audience follows, URL included.
  await presenter.bringToFront();
  await presenter.keyboard.press('PageDown');
  await expect(slide(page, 4)).toBeVisible();
  await presenter.getByRole('button', { name: 'Next →' }).click();
  await expect(slide(page, 5)).toBeVisible();
  expect(page.url()).toContain('slide=5');
  await presenter.keyboard.press('Home');
  await expect(slide(page, 1)).toBeVisible();
  expect(errors).toEqual([]);
  expect(presenterErrors).toEqual([]);
});

test('printing gives one page per slide', async ({ page }) => {
  await openLecture(page);
  await expect(page.getByTestId('paradox-auroc')).toBeVisible();
  const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
  expect(pdf.match(/\/Type\s*\/Page\b/g)?.length).toBe(SLIDE_COUNT);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('section.slide:visible')).toHaveCount(SLIDE_COUNT);
  await expect(page.getByRole('navigation', { name: 'Lecture controls' })).toBeHidden();
});

test.describe('the offline cache', () => {
  test.use({ serviceWorkers: 'allow' });

  test('with the network blocked, a reload still loads the app and the model and scores a drawing', async ({ page, context }) => {
    const errors = watchErrors(page);
    await openLecture(page, '#page=lecture&slide=7');
    // The worker takes control only after installing, i.e. after every file of the build is cached.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    });
    const cached = await page.evaluate(async () => {
      const keys = await caches.keys();
      return (await caches.open(keys[0]!)).keys().then((r) => r.map((q) => new URL(q.url).pathname));
    });
    expect(cached).toEqual(expect.arrayContaining(['/models/index.json', '/models/hvae-fashionmnist/weights.bin', '/gallery/index.json', '/data/mnist-test-images.idx.gz']));

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByTestId('lecture-status')).toContainText(/ on (webgpu|webgl|wasm|cpu)/, { timeout: 90_000 });
    await expect(slide(page, SLIDE_COUNT)).toBeVisible();
    await drawOne(page);
    await expect(page.getByTestId('lecture-verdict')).toContainText(/(Out of|In) distribution/, { timeout: 60_000 });
    // The evaluation files and the gallery came from the cache too.
    await page.keyboard.press('Home');
    await expect(page.getByTestId('paradox-auroc')).toBeVisible();
    expect(errors).toEqual([]);
    await context.setOffline(false);
  });
});

/** The values of one panel of Figure 2, per set of test images, read from its accessible summary. */
async function figure2Values(page: Page, measure: 'correlation' | 'cka'): Promise<number[][]> {
  const summary = (await slide(page, 3).locator(`svg[data-measure="${measure}"]`).getAttribute('aria-label')) ?? '';
  return summary
    .split('; ')
    .map((part) => [...part.matchAll(/[bz]\d(?:\.\d)? (\d\.\d\d|n\/a)/g)].map((m) => Number(m[1])));
}

test('Figure 2 shows every layer of the two shipped models from the committed file, and recomputes it live', async ({ page }) => {
  const errors = watchErrors(page);
  await openLecture(page, '#page=lecture&slide=3');
  const figure = slide(page, 3).getByTestId('figure2');
  await expect(figure).toHaveAttribute('data-source', 'file', { timeout: 60_000 });
  await expect(slide(page, 3)).toContainText('hvae-fashionmnist vs hvae-mnist');
  await expect(slide(page, 3)).toContainText('1000 test images of each dataset (npm run figure2)');
  for (const measure of ['correlation', 'cka'] as const) {
    const series = await figure2Values(page, measure);
    // FashionMNIST and MNIST images against the trained and the untrained model; twelve layers, bottom to top.
    expect(series).toHaveLength(4);
    for (const values of series) {
      expect(values).toHaveLength(12);
      for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
    }
  }
  // The slide reads its own numbers: the first sentence quotes the CKA of the bottom and top layers.
  const cka = (await figure2Values(page, 'cka'))[0]!;
  await expect(slide(page, 3).getByTestId('figure2-reading')).toContainText(`${cka[0]!.toFixed(2)} to ${cka[11]!.toFixed(2)} on FashionMNIST images`);

  await slide(page, 3).getByTestId('figure2-live').click();
  await expect(slide(page, 3).getByRole('status')).toBeVisible();
  await expect(figure).toHaveAttribute('data-source', 'live', { timeout: 110_000 });
  await expect(slide(page, 3)).toContainText(/200 test images of each dataset, computed live in this browser in \d+ s/);
  for (const measure of ['correlation', 'cka'] as const) {
    const series = await figure2Values(page, measure);
    // Live: both datasets against the trained model only.
    expect(series).toHaveLength(2);
    for (const values of series) {
      expect(values).toHaveLength(12);
      for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
      // Two models trained on different data are no copies of each other.
      expect(Math.min(...values)).toBeLessThan(0.99);
    }
  }
  expect(errors).toEqual([]);
});

test.describe('with a second model trained on other data', () => {
  test('Figure 2 of a model against its own copy gives 1 in every layer and both measures', async ({ page }) => {
    const errors = watchErrors(page);
    // The FashionMNIST model listed a second time as if trained on MNIST, in place of the shipped MNIST model:
    // the same weights under another name.
    await page.route('**/models/index.json', async (route) => {
      const index = (await (await route.fetch()).json()) as { models: { name: string; dataset: string }[] };
      const fashion = index.models.find((m) => m.name === 'hvae-fashionmnist')!;
      await route.fulfill({ json: { models: [fashion, { ...fashion, name: 'copy-as-mnist', dataset: 'mnist' }] } });
    });
    await page.route('**/models/copy-as-mnist/**', (route) => route.continue({ url: route.request().url().replace('copy-as-mnist', 'hvae-fashionmnist') }));
    await openLecture(page, '#page=lecture&slide=3');
    // The committed figure compares other models, so the page computes this pair's at once.
    await expect(slide(page, 3).getByTestId('figure2')).toHaveAttribute('data-source', 'live', { timeout: 110_000 });
    for (const measure of ['correlation', 'cka'] as const) {
      const series = await figure2Values(page, measure);
      // Two datasets fed to both models, twelve layers each.
      expect(series).toHaveLength(2);
      for (const values of series) expect(values).toEqual(Array.from({ length: 12 }, () => 1));
    }
    expect(errors).toEqual([]);
  });
});
