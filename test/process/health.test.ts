// A database that hangs or goes away: /healthz answers 503 within a second, and the outage is
// logged once with its cause and once when it ends, however many queries fail meanwhile.
// PostgreSQL behind a proxy the test can cut or pause. The embedded database lives in the bot's own
// process and cannot go away; it hangs when one long transaction holds its only connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { createApp, type TaskCartApp } from '../../src/app.ts';
import { DatabaseHealth } from '../../src/health.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { startScheduler, type Scheduler } from '../../src/jobs/scheduler.ts';
import { createLogger } from '../../src/logger.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';
import { until } from '../support/spawn.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

const pg = process.env.DATABASE_URL;

describe.skipIf(!pg)('a database that hangs or goes away (PostgreSQL behind a proxy; DATABASE_URL runs only)', () => {
  let t: TestDatabase;
  let proxy: TcpProxy;
  let slack: SlackStandIn;
  let database: Database;
  let bot: TaskCartApp;
  let scheduler: Scheduler;
  let base = '';
  const logs: string[] = [];
  const parsed = () => logs.map((l) => JSON.parse(l) as Record<string, any>);

  beforeAll(async () => {
    t = await testDatabase();
    slack = await new SlackStandIn().start();
    const target = new URL(t.url!);
    proxy = await new TcpProxy(Number(target.port || 5432), target.hostname).start();
    database = await openDatabase({ databaseUrl: proxy.url(t.url!), migrate: false });
    const logger = createLogger({ level: 'info', write: (l) => logs.push(l) });
    const health = new DatabaseHealth(database, logger, { probeMs: 500 });
    bot = createApp({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, PORT: 0, DATA_DIR: 'memory://', LOG_LEVEL: 'info', MIGRATE_ON_START: true }, database, logger, () => new Date(), health);
    base = `http://127.0.0.1:${await bot.start()}`;
    health.start();
    // The job queue polls the database every two seconds: during an outage, every poll fails.
    scheduler = await startScheduler({ database, databaseUrl: proxy.url(t.url!), client: slackClient(BOT_TOKEN, slack.url), logger, health, schedule: false });
  });
  afterAll(async () => {
    await proxy.restore();
    await scheduler.stop(1000);
    await bot.stop(0);
    bot.health.stop();
    await database.close();
    await proxy.stop();
    await slack.stop();
    await t.close();
  });

  it('answers /healthz with 503 within a second while the database hangs, and 200 once it is back', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    proxy.pause();
    try {
      for (let i = 0; i < 3; i++) {
        // Answered within a second, or the fetch is aborted and the test fails.
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({ status: 'database unavailable' });
      }
    } finally {
      await proxy.restore();
    }
    await until(async () => (await fetch(`${base}/healthz`)).status === 200, 10_000, '/healthz to recover');
    const outage = parsed().filter((l) => l.outage);
    expect(outage.map((l) => [l.level, l.msg.replace(/\d+ s$/, 'N s')])).toEqual([
      ['error', 'database unavailable: no answer within 800 ms'],
      ['info', 'database available again after N s'],
    ]);
  }, 30_000);

  it('logs an outage once with its cause, and once when it ends, whatever fails meanwhile', async () => {
    logs.length = 0;
    let queueErrors = 0;
    scheduler.boss.on('error', () => (queueErrors += 1));
    proxy.cut();
    // Long enough for the job queue to fail several polls, and /healthz to be asked a few times.
    for (let i = 0; i < 4; i++) {
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      await new Promise((r) => setTimeout(r, 1500));
    }
    await proxy.restore();
    await until(() => parsed().some((l) => l.outage === 'end'), 15_000, 'the end of the outage');
    await new Promise((r) => setTimeout(r, 3000)); // the queue's next polls succeed, and log nothing
    const errors = parsed().filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    // The first failure names the cause: the open connections dropped, or new ones refused.
    expect(errors[0]!.msg).toMatch(/^database unavailable: (Connection terminated unexpectedly|connect ECONNREFUSED 127\.0\.0\.1:\d+|.*CONNECTION_CLOSED.*)$/);
    expect(queueErrors).toBeGreaterThan(1);
    expect(errors[0]!.err).toBeUndefined(); // a cause, not a stack trace
    const ends = parsed().filter((l) => l.outage === 'end');
    expect(ends.map((l) => l.msg)).toEqual([expect.stringMatching(/^database available again after \d+ s$/)]);
    expect(ends[0]!.seconds).toBeGreaterThanOrEqual(5);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  }, 40_000);
});

describe.skipIf(Boolean(pg))('the embedded database held by a long transaction (embedded runs only)', () => {
  it('answers /healthz with 503 within a second while it is held, logs it once each way, and 200 after', async () => {
    const t = await testDatabase();
    const slack = await new SlackStandIn().start();
    const logs: string[] = [];
    const logger = createLogger({ level: 'info', write: (l) => logs.push(l) });
    const bot = createApp({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, PORT: 0, DATA_DIR: 'memory://', LOG_LEVEL: 'info', MIGRATE_ON_START: true }, t, logger);
    const base = `http://127.0.0.1:${await bot.start()}`;
    let release = () => {};
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const held = t.db.transaction(() => new Promise<void>((r) => (release = r)));
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
        expect(res.status).toBe(503);
      }
      release();
      await held;
      await until(async () => (await fetch(`${base}/healthz`)).status === 200, 5_000, '/healthz to recover');
      const outage = logs.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.outage);
      expect(outage.map((l) => l.msg.replace(/\d+ s$/, 'N s'))).toEqual(['database unavailable: no answer within 800 ms', 'database available again after N s']);
    } finally {
      release();
      await bot.stop(0);
      await slack.stop();
      await t.close();
    }
  }, 30_000);
});
