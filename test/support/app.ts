// Runs the real app on a free port against the Web API stand-in, as Slack would drive it.
import type { Database } from '../../db/client.ts';
import { createApp, type TaskCartApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { GuardTiming } from '../../src/slack/deps.ts';
import { seedOnce, testDatabase, type TestDatabase } from './db.ts';
import { BOT_TOKEN, SIGNING_SECRET } from './signed.ts';
import { SlackStandIn } from './slack-api.ts';

const DEFAULT_NOW = new Date('2026-11-27T07:00:00Z');

export interface TestApp {
  bot: TaskCartApp;
  slack: SlackStandIn;
  baseUrl: string;
  logs: string[];
  /** The clock the app reads; tests move it. */
  clock: { now: Date };
  /** How many requests' listeners are still running. */
  busy: { requests: number };
  stop(): Promise<void>;
}

export async function startTestApp(
  database: Database,
  options: { now?: Date; logLevel?: 'debug' | 'info' | 'error'; /** guard.ts's waits, when not the bot's own. */ timing?: GuardTiming } = {},
): Promise<TestApp> {
  const slack = await new SlackStandIn().start();
  const logs: string[] = [];
  const config: Config = {
    WORKERS: 1,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    PORT: 0,
    DATA_DIR: 'memory://',
    SLACK_API_URL: slack.url,
    LOG_LEVEL: 'debug',
    MIGRATE_ON_START: true,
  };
  const clock = { now: options.now ?? DEFAULT_NOW };
  const logger = createLogger({ level: options.logLevel ?? 'info', secrets: [BOT_TOKEN, SIGNING_SECRET], write: (l) => logs.push(l) });
  const bot = createApp(config, database, logger, () => clock.now, undefined, options.timing);
  // Requests still at work (Bolt answers Slack before its listeners finish): tests wait for none.
  // Counted from the moment the receiver hands a request to Bolt, before the ack and before any of
  // the app's own middleware, until its last listener is done: once a test's post has its answer,
  // the request is counted until everything it started has finished.
  const busy = { requests: 0 };
  const processEvent = bot.app.processEvent.bind(bot.app);
  bot.app.processEvent = async (event) => {
    busy.requests += 1;
    try {
      return await processEvent(event);
    } finally {
      busy.requests -= 1;
    }
  };
  const port = await bot.start();
  return {
    bot,
    slack,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    clock,
    busy,
    async stop() {
      await bot.stop();
      await slack.stop();
    },
  };
}

/**
 * One database and one running app for a test file, put back before each test as a fresh install
 * with `seed`'s data (seeded once, then restored from a copy): read `ctx.t` and `ctx.app` inside tests.
 */
export function useTestApp(hooks: { beforeAll: typeof import('vitest').beforeAll; afterAll: typeof import('vitest').afterAll; beforeEach: typeof import('vitest').beforeEach }, options: { now?: Date; logLevel?: 'debug' | 'info' | 'error'; seed?: (db: TestDatabase) => Promise<void> } = {}) {
  const ctx = {} as { t: TestDatabase; app: TestApp };
  // The seed runs once, before the first test; the tests after it start from a copy of what it made.
  const reset = seedOnce(async (t) => options.seed?.(t));
  hooks.beforeAll(async () => {
    ctx.t = await testDatabase();
    ctx.app = await startTestApp(ctx.t, options);
  });
  hooks.afterAll(async () => {
    await ctx.app.stop();
    await ctx.t.close();
  });
  hooks.beforeEach(async () => {
    ctx.app.slack.reset();
    ctx.app.clock.now = options.now ?? DEFAULT_NOW;
    await reset(ctx.t);
  });
  return ctx;
}

/** Waits until `check` stops throwing: Slack work happens after the ack. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() - start > timeoutMs) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
