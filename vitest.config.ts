import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn node; two cores are plenty for a few workers.
    testTimeout: 20_000,
  },
});
