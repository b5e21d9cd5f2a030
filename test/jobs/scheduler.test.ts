// Scheduled work: the right instants in each team's zone, across daylight-saving changes, and
// one delivery per slot however many scheduler instances take the job.
import { PgBoss } from 'pg-boss';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestKeys, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { PURGE_QUEUE, QUEUES, cronsFor, startScheduler, type Scheduler } from '../../src/jobs/scheduler.ts';
import { createLogger } from '../../src/logger.ts';
import { eventually } from '../support/app.ts';
import { resetDatabase, testDatabase, type TestDatabase } from '../support/db.ts';
import { loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';

const team = (over: Partial<typeof teams.$inferSelect>) =>
  ({ id: 1, name: 'T', timezone: 'UTC', workDays: [1, 2, 3, 4, 5], dayCapacityMinutes: 390, upperPercent: 100, lowerPercent: 60, proposalWeekday: 5, proposalTime: '15:00', digestTime: '09:00', weeklyDigestWeekday: 1, digestChannel: null, allowFlaggedCommit: false, createdAt: new Date(), updatedAt: new Date(), ...over }) as typeof teams.$inferSelect;

describe('schedule instants', () => {
  const boss = new PgBoss({ connectionString: 'postgres://unused/unused' });
  const next = (cron: string, tz: string, from: string, n = 3) => boss.previewSchedule(cron, { tz, from: new Date(from) }).slice(0, n).map((d) => d.toISOString());

  it('proposes Friday 15:00 in Shanghai: 07:00 UTC every week', () => {
    const c = cronsFor(team({ timezone: 'Asia/Shanghai' }));
    expect(c[QUEUES.proposal]).toBe('0 15 * * 5');
    expect(next(c[QUEUES.proposal], 'Asia/Shanghai', '2026-11-23T00:00:00Z')).toEqual(['2026-11-27T07:00:00.000Z', '2026-12-04T07:00:00.000Z', '2026-12-11T07:00:00.000Z']);
  });

  it('keeps 15:00 local in New York across both daylight-saving changes', () => {
    const c = cronsFor(team({ timezone: 'America/New_York' }));
    // Clocks fall back on Sunday 1 Nov 2026 and spring forward on Sunday 14 Mar 2027.
    expect(next(c[QUEUES.proposal], 'America/New_York', '2026-10-28T00:00:00Z')).toEqual(['2026-10-30T19:00:00.000Z', '2026-11-06T20:00:00.000Z', '2026-11-13T20:00:00.000Z']);
    expect(next(c[QUEUES.proposal], 'America/New_York', '2027-03-10T00:00:00Z', 2)).toEqual(['2027-03-12T20:00:00.000Z', '2027-03-19T19:00:00.000Z']);
  });

  it('sends daily digests on work days only, and the weekly one on its day', () => {
    const c = cronsFor(team({ timezone: 'Asia/Shanghai', workDays: [1, 3, 5], digestTime: '08:30', weeklyDigestWeekday: 7 }));
    expect(c[QUEUES.daily]).toBe('30 8 * * 1,3,5');
    expect(next(c[QUEUES.daily], 'Asia/Shanghai', '2026-11-23T00:00:00Z')).toEqual(['2026-11-23T00:30:00.000Z', '2026-11-25T00:30:00.000Z', '2026-11-27T00:30:00.000Z']);
    expect(c[QUEUES.weekly]).toBe('30 8 * * 0');
  });
});

describe('the scheduler', () => {
  let t: TestDatabase;
  let slack: SlackStandIn;
  const schedulers: Scheduler[] = [];
  beforeAll(async () => {
    t = await testDatabase();
    slack = await new SlackStandIn().start();
  });
  afterAll(async () => {
    for (const s of schedulers) await s.stop();
    await slack.stop();
    await t.close();
  });
  beforeEach(async () => {
    await resetDatabase(t);
    await loadCenter(t.db);
    await importCsv(t.db, 'teams', 'team,timezone\nNew York Sales,America/New_York\n');
  });

  it('writes each team’s schedules in its zone, and a slot taken by two instances sends each agent one cart', async () => {
    const errors: string[] = [];
    const start = () =>
      startScheduler({ database: t, databaseUrl: t.url, client: slackClient(BOT_TOKEN, slack.url), logger: createLogger({ level: 'error', write: (l) => errors.push(l) }), now: () => new Date('2026-11-27T07:00:00Z'), schedule: false });
    const a = await start();
    schedulers.push(a);
    const all = await a.boss.getSchedules();
    expect(all.filter((s) => s.name === QUEUES.proposal).map((s) => [s.key, s.cron, s.timezone ?? (s.options as { tz?: string })?.tz]).sort()).toEqual([
      ['1', '0 15 * * 5', 'Asia/Shanghai'],
      ['2', '0 15 * * 5', 'America/New_York'],
    ]);
    await a.sync(); // idempotent
    expect(await a.boss.getSchedules()).toHaveLength(all.length);

    // A second bot process against the same PostgreSQL (on the embedded database: the same one).
    const b = await start();
    schedulers.push(b);
    await Promise.all([a.boss.send(QUEUES.proposal, { teamId: 1 }), b.boss.send(QUEUES.proposal, { teamId: 1 })]);
    const deadline = Date.now() + 20_000;
    while (slack.callsTo('chat.postMessage').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2500)); // let the second job run too
    const channels = slack.callsTo('chat.postMessage').map((c) => c.args.channel).sort();
    expect(channels).toEqual(['D0AGENT1', 'D0AGENT2']);
    // The queue's own upkeep ran meanwhile without a complaint (on PGlite: through the adapter).
    expect(errors).toEqual([]);
  }, 40_000);

  it('a digest Slack refuses fails the job, logged once with the reason, and the retry posts it once the bot is invited', async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    slack.reset();
    await t.db.update(teams).set({ digestChannel: 'C0DIGEST' }).where(eq(teams.name, 'Shanghai Care'));
    let refusals = 1;
    slack.on('chat.postMessage', () => (refusals-- > 0 ? { body: { ok: false, error: 'not_in_channel' } } : undefined));
    const logs: Array<{ level: string; msg: string }> = [];
    const scheduler = await startScheduler({
      database: t,
      databaseUrl: t.url,
      client: slackClient(BOT_TOKEN, slack.url),
      logger: createLogger({ level: 'info', write: (l) => logs.push(JSON.parse(l)) }),
      now: () => new Date('2026-11-27T01:00:00Z'),
      schedule: false,
    });
    schedulers.push(scheduler);
    const id = await scheduler.boss.send(QUEUES.daily, { teamId: 1 }, { retryLimit: 2, retryDelay: 1 });
    await eventually(async () => expect(await scheduler.boss.getJobById(QUEUES.daily, id!)).toMatchObject({ state: 'completed', retryCount: 1 }), 30_000);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(slack.messagesIn('C0DIGEST')).toHaveLength(1);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      'Shanghai Care: the daily digest could not be posted to C0DIGEST: the bot is not in that channel — invite @Task Cart with /invite, or set another channel with `npm run cli -- team set …`',
    ]);
  }, 40_000);

  it('forgets the keys of Slack requests older than a day, every hour', async () => {
    // A scheduler of an earlier test, with another clock, would take the job.
    for (const s of schedulers.splice(0)) await s.stop();
    const now = new Date('2026-11-27T07:00:00Z');
    const s = await startScheduler({ database: t, databaseUrl: t.url, client: slackClient(BOT_TOKEN, slack.url), logger: createLogger({ level: 'error', write: () => {} }), now: () => now, schedule: false });
    schedulers.push(s);
    expect((await s.boss.getSchedules()).filter((x) => x.name === PURGE_QUEUE).map((x) => x.cron)).toEqual(['17 * * * *']);
    await t.db.insert(requestKeys).values([{ key: 'view:V1:h1', at: new Date(now.getTime() - 25 * 3600_000) }, { key: 'view:V2:h2', at: new Date(now.getTime() - 3600_000) }]);
    await s.boss.send(PURGE_QUEUE, {});
    const deadline = Date.now() + 20_000;
    while ((await t.db.select().from(requestKeys)).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await t.db.select().from(requestKeys)).map((k) => k.key)).toEqual(['view:V2:h2']);
  }, 40_000);
});
