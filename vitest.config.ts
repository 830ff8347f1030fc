import { configDefaults, defineConfig } from 'vitest/config';

// Worker-thread and socket tests share two cores: keep file parallelism low so timing-sensitive
// supervision tests (heartbeats, backoff) are not starved by each other.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // minutes-long checks run with npm run test:long (vitest.long.config.ts)
    exclude: [...configDefaults.exclude, 'test/long/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
    // Quiet output: log lines of actor workers are kept and printed only for a failing test
    // (test/support/quiet-logs.ts), and tests' own console output only for failing tests too.
    setupFiles: ['test/support/quiet-logs.ts'],
    silent: 'passed-only',
  },
});
