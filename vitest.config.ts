import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Most of a test file's time is spent waiting (for a child process, a job queue's poll, a socket),
// not computing: one more worker than the machine has cores keeps the cores busy. Vitest's own
// default (cores - 1) ran the whole suite one file at a time on a 2-core machine.
const workers = Math.min(availableParallelism() + 1, 8);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Prepares the database image and compiles the program once for the whole run (see the file).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: workers,
    // A developer's filled .env must never reach a test, nor a bot or command line a test starts.
    env: { TASKCART_ENV_FILE: 'none' },
  },
});
