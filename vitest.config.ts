import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One fork at a time: the wasm backend is process-wide state, and the machine has two cores.
    pool: 'forks',
    fileParallelism: false,
  },
});
