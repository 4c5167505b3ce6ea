/**
 * WCAG 2 A and AA (contrast included) on the four pages with axe-core, in the light theme, and the
 * playground in the dark theme too (the same tokens colour every page): one axe pass per page and theme.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  // The target and axe's reason (e.g. the measured contrast ratio) of every failing node.
  return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}: ${n.failureSummary ?? ''}`));
}

const PAGES: { hash: string; ready: (page: Page) => Promise<void>; dark?: boolean }[] = [
  {
    hash: '#backend=wasm',
    dark: true,
    ready: async (page) => {
      await expect(page.getByTestId('backend')).toContainText('Backend: wasm', { timeout: 90_000 });
      await page.getByRole('button', { name: /^mnist test image/ }).first().click();
      await expect(page.getByTestId('verdict')).toContainText(/(In|Out of) distribution/, { timeout: 60_000 });
    },
  },
  { hash: '#page=eval', ready: async (page) => void (await expect(page.getByTestId('roc')).toBeVisible({ timeout: 60_000 })) },
  { hash: '#page=lecture&slide=7', ready: async (page) => void (await expect(page.getByTestId('lecture-verdict')).toBeVisible({ timeout: 60_000 })) },
  { hash: '#page=train', ready: async (page) => void (await expect(page.getByRole('button', { name: 'Start training' })).toBeVisible({ timeout: 60_000 })) },
];

test.use({ viewport: { width: 1280, height: 720 } });

for (const p of PAGES) {
  for (const scheme of p.dark ? (['light', 'dark'] as const) : (['light'] as const)) {
    test(`${p.hash}: no WCAG A/AA violations in the ${scheme} theme`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`/${p.hash}`);
      await p.ready(page);
      expect(await violations(page)).toEqual([]);
    });
  }
}
