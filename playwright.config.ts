import { defineConfig } from '@playwright/test';

/** Debian's Chromium: Playwright's own browser download is not possible offline. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** E2E_PORT and E2E_OUT_DIR let two suites run side by side on one machine. */
const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  workers: 1,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    // The offline cache's install fetches the whole build (models, data, gallery: tens of MB) in every
    // fresh context; its own test (lecture.spec.ts) allows it, the others do not need it.
    serviceWorkers: 'block',
    launchOptions: { executablePath: CHROMIUM, args: BASE_FLAGS },
  },
  projects: [
    { name: 'chromium', grepInvert: /@webgpu/, use: {} },
    {
      // Chromium with SwiftShader's WebGPU adapter: only the tests that need WebGPU.
      name: 'chromium-webgpu',
      grep: /@webgpu/,
      // SwiftShader emulates the GPU on the CPU: one scoring takes seconds, shader compilation more.
      timeout: 300_000,
      use: { launchOptions: { executablePath: CHROMIUM, args: [...BASE_FLAGS, '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'] } },
    },
  ],
  webServer: {
    command: `npx vite build --outDir ${process.env.E2E_OUT_DIR ?? 'dist'} && npx vite preview --outDir ${process.env.E2E_OUT_DIR ?? 'dist'} --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
