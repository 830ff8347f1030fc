import { defineConfig } from 'vitest/config';

// Long checks that take minutes of wall-clock time (npm run test:long); npm test excludes them.
export default defineConfig({
  test: {
    include: ['test/long/**/*.test.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default'],
    setupFiles: ['test/support/quiet-logs.ts'],
    silent: 'passed-only',
  },
});
