import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file in its own process (the wasm backend is process-wide state), two at a time: one per
    // core, as tfjs runs wasm on one thread in Node.
    pool: 'forks',
    maxWorkers: 2,
  },
});
