// `npm start` as an admin runs it: the real process, its configuration, its database, its signals.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/logger.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';
import { freePort, runEntry, until } from '../support/spawn.ts';
import { tempDir } from '../support/temp.ts';

let slack: SlackStandIn;
/** The bot's own database on a PostgreSQL server run; an embedded run gives it a data folder instead. */
let t: TestDatabase | undefined;
beforeAll(async () => {
  slack = await new SlackStandIn().start();
  if (process.env.DATABASE_URL) t = await testDatabase();
});
afterAll(async () => {
  await slack.stop();
  await t?.close();
});

function run(env: Record<string, string>) {
  return runEntry('src/main.ts', [], env);
}

describe('npm start', () => {
  it('stops at once with one clear line when the configuration is wrong', async () => {
    const p = run({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
    expect((await p.exited).code).toBe(1);
    expect(p.err.join('').trim()).toMatch(/^Task Cart cannot start: SLACK_BOT_TOKEN is missing: .*README\.md"?$/);
  });

  it('starts, migrates, logs JSON lines, answers /healthz and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const p = run({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      PORT: String(port),
      ...(t?.url ? { DATABASE_URL: t.url } : { DATA_DIR: join(tempDir('taskcart-'), 'data') }),
    });
    await until(() => p.out.some((l) => l.includes('listening on')), 40_000);
    const lines = p.out.map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/^database: .*migrations applied$/), 'connected to Slack as @taskcart in Demo Center']));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(slack.callsTo('auth.test')).toHaveLength(1);
    await until(() => p.out.some((l) => l.includes('scheduler started')), 40_000);
    await new Promise((r) => setTimeout(r, 3000)); // the job queue's first upkeep
    expect(p.out.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'error')).toEqual([]);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    expect(p.out.join('\n')).not.toContain(BOT_TOKEN);
  }, 60_000);

  it('answers /healthz with 503 when the database does not answer', async () => {
    // A database of its own (migrated, as the bot would find it), closed under the running bot.
    const database = await testDatabase();
    const bot = createApp(
      { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, PORT: 0, DATA_DIR: 'memory://', LOG_LEVEL: 'error', MIGRATE_ON_START: true },
      database,
      createLogger({ level: 'error', write: () => {} }),
    );
    const port = await bot.start();
    try {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      await database.close();
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'database unavailable' });
    } finally {
      await bot.stop();
    }
  }, 60_000);
});
