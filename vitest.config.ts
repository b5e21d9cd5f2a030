import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A developer's filled .env must never reach a test, nor a bot or command line a test starts.
    env: { TASKCART_ENV_FILE: 'none' },
  },
});
