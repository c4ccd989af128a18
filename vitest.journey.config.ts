import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/journey/**/*.journey.ts'],
    // npm pack, a real terminal and docker build: one file at a time on two cores.
    fileParallelism: false,
    testTimeout: 5 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
