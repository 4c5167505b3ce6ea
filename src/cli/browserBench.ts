/**
 * What the browser benchmarks share: build the app, serve it, and open it in headless Debian
 * Chromium once per backend (WebGPU through SwiftShader's adapter), closing everything after.
 */
import { chromium, type Page } from '@playwright/test';
import { build, preview } from 'vite';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'];

/** Builds into `outDir`, serves it on `port`, and calls `perBackend` with a fresh page for each backend in turn. */
export async function forEachBackendPage(
  outDir: string,
  port: number,
  backends: string[],
  perBackend: (page: Page, backend: string, origin: string) => Promise<void>,
): Promise<void> {
  await build({ logLevel: 'warn', build: { outDir } });
  const server = await preview({ build: { outDir }, preview: { port, strictPort: true, host: '127.0.0.1' }, logLevel: 'warn' });
  try {
    for (const backend of backends) {
      const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: backend === 'webgpu' ? [...FLAGS, ...WEBGPU_FLAGS] : FLAGS,
      });
      try {
        await perBackend(await browser.newPage(), backend, `http://127.0.0.1:${port}`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}
