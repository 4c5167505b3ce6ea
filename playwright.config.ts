import { defineConfig } from '@playwright/test';

/** Debian's Chromium: Playwright's own browser download is not possible offline. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BASE_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  workers: 1,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: 'http://127.0.0.1:4173',
    headless: true,
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
    command: 'npx vite build && npx vite preview --host 127.0.0.1 --port 4173 --strictPort',
    url: 'http://127.0.0.1:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
