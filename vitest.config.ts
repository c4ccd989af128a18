import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/temporary-folder.setup.ts'],
    // CLI tests spawn node and wait on it; two workers (vitest's default here is one, cores minus one)
    // keep both cores busy and halve the wall time.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
