import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // A fresh empty HOME for the whole run; the run fails if a test leaves anything there.
    globalSetup: ['test/global-home.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
