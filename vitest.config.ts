import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // A fresh empty HOME for the whole run; the run fails if a test leaves anything there.
    globalSetup: ['test/global-home.ts'],
    // Most end-to-end files wait on child processes (servers, bridges, CLIs) rather than compute, so three
    // files at a time fit two cores: the whole suite took 603 s with Vitest's default here (one worker on
    // two cores) and 250 s with three, with no test slower than its timeout.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
