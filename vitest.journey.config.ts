import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/journey/**/*.journey.ts'],
    globalSetup: ['test/temporary-folder.setup.ts'],
    // npm pack, a real terminal and docker build: one file at a time on two cores. On a fresh
    // machine the first build also assembles its stand-in base images, which takes minutes.
    fileParallelism: false,
    testTimeout: 15 * 60_000,
    hookTimeout: 15 * 60_000,
  },
});
