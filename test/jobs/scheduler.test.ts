// Scheduled work: the right instants in each team's zone, across daylight-saving changes; a team
// added or changed while the bot runs is scheduled without a restart; one slot, one run, however
// many scheduler instances tick; a failed slot is retried.
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestKeys, scheduleRuns, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { clockJobs, PURGE_QUEUE, QUEUES, slotJobId, startScheduler, type Scheduler } from '../../src/jobs/scheduler.ts';
import { dueSlots, type SlotKind, type TeamSchedule } from '../../src/jobs/slots.ts';
import { createLogger } from '../../src/logger.ts';
import { resetDatabase, testDatabase, type TestDatabase } from '../support/db.ts';
import { loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';

const team = (over: Partial<TeamSchedule> = {}): TeamSchedule => ({
  timezone: 'UTC',
  workDays: [1, 2, 3, 4, 5],
  proposalWeekday: 5,
  proposalTime: '15:00',
  digestTime: '09:00',
  weeklyDigestWeekday: 1,
  ...over,
});

/**
 * Runs the scheduler's clock: a tick every quarter of an hour (the slots here fall on quarters; the
 * bot ticks every minute) from `from` to `to`; returns each slot of `kind` with the instant of the
 * first tick that found it due (a slot is claimed once, at that tick).
 */
function ticks(t: TeamSchedule, kind: SlotKind, from: string, to: string): Array<[string, string]> {
  const seen = new Map<string, string>();
  for (let ms = Date.parse(from); ms <= Date.parse(to); ms += 15 * 60_000) {
    for (const s of dueSlots(t, new Date(ms))) if (s.kind === kind && !seen.has(s.key)) seen.set(s.key, new Date(ms).toISOString());
  }
  return [...seen];
}

describe('when slots are due', () => {
  it('proposes Friday 15:00 in Shanghai: 07:00 UTC every week, for the week after', () => {
    expect(ticks(team({ timezone: 'Asia/Shanghai' }), 'proposal', '2026-11-23T00:00:00Z', '2026-12-12T00:00:00Z')).toEqual([
      ['2026-11-30', '2026-11-27T07:00:00.000Z'],
      ['2026-12-07', '2026-12-04T07:00:00.000Z'],
      ['2026-12-14', '2026-12-11T07:00:00.000Z'],
    ]);
  });

  it('keeps 15:00 local in New York across both daylight-saving changes', () => {
    // Clocks fall back on Sunday 1 Nov 2026 and spring forward on Sunday 14 Mar 2027.
    expect(ticks(team({ timezone: 'America/New_York' }), 'proposal', '2026-10-28T00:00:00Z', '2026-11-14T00:00:00Z').map(([, at]) => at)).toEqual([
      '2026-10-30T19:00:00.000Z',
      '2026-11-06T20:00:00.000Z',
      '2026-11-13T20:00:00.000Z',
    ]);
    expect(ticks(team({ timezone: 'America/New_York' }), 'proposal', '2027-03-10T00:00:00Z', '2027-03-20T00:00:00Z').map(([, at]) => at)).toEqual([
      '2027-03-12T20:00:00.000Z',
      '2027-03-19T19:00:00.000Z',
    ]);
  });

  it('makes a digest set at a local time the clocks skip or repeat once that day', () => {
    const everyDay = { timezone: 'America/New_York', workDays: [1, 2, 3, 4, 5, 6, 7] };
    // 02:30 does not exist on 14 Mar 2027 in New York: it comes an hour on, at 03:30 EDT.
    expect(ticks(team({ ...everyDay, digestTime: '02:30' }), 'daily-digest', '2027-03-13T12:00:00Z', '2027-03-15T12:00:00Z')).toEqual([
      ['2027-03-13', '2027-03-13T12:00:00.000Z'],
      ['2027-03-14', '2027-03-14T07:30:00.000Z'],
      ['2027-03-15', '2027-03-15T06:30:00.000Z'],
    ]);
    // 01:30 happens twice on 1 Nov 2026: one digest, at the first.
    expect(ticks(team({ ...everyDay, digestTime: '01:30' }), 'daily-digest', '2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z')).toEqual([
      ['2026-10-31', '2026-10-31T12:00:00.000Z'],
      ['2026-11-01', '2026-11-01T05:30:00.000Z'],
      ['2026-11-02', '2026-11-02T06:30:00.000Z'],
    ]);
  });

  it('sends daily digests on work days only, and the weekly one on its day', () => {
    const t = team({ timezone: 'Asia/Shanghai', workDays: [1, 3, 5], digestTime: '08:30', weeklyDigestWeekday: 7 });
    expect(ticks(t, 'daily-digest', '2026-11-23T00:00:00Z', '2026-11-29T23:59:00Z')).toEqual([
      ['2026-11-23', '2026-11-23T00:30:00.000Z'],
      ['2026-11-25', '2026-11-25T00:30:00.000Z'],
      ['2026-11-27', '2026-11-27T00:30:00.000Z'],
    ]);
    expect(ticks(t, 'weekly-digest', '2026-11-23T00:00:00Z', '2026-12-07T00:00:00Z')).toEqual([
      ['2026-11-29', '2026-11-29T00:30:00.000Z'],
      ['2026-12-06', '2026-12-06T00:30:00.000Z'],
    ]);
  });

  it('still makes a slot missed while no bot ran, until its period is over', () => {
    const t = team({ timezone: 'Asia/Shanghai' });
    // The bot was down from Friday morning to Sunday night: the proposal is still due; Friday's digest is not.
    expect(dueSlots(t, new Date('2026-11-29T12:00:00Z')).map((s) => [s.kind, s.key])).toEqual([['proposal', '2026-11-30']]);
    // From Monday 00:00 in Shanghai, the proposed week has begun: too late.
    expect(dueSlots(t, new Date('2026-11-29T16:00:00Z')).map((s) => s.kind)).not.toContain('proposal');
  });
});

describe('the scheduler', () => {
  let t: TestDatabase;
  let slack: SlackStandIn;
  let schedulers: Scheduler[] = [];
  const clock = { now: new Date('2026-11-27T06:59:00Z') };
  let logs: string[] = [];
  const start = (options: { schedule?: boolean; pollingIntervalSeconds?: number; tickEveryMs?: number } = {}) =>
    startScheduler({
      database: t,
      databaseUrl: t.url,
      client: slackClient(BOT_TOKEN, slack.url),
      logger: createLogger({ level: 'info', write: (l) => logs.push(l) }),
      now: () => clock.now,
      schedule: options.schedule ?? false,
      tickEveryMs: options.tickEveryMs,
      retry: { retryLimit: 3, retryDelay: 1, retryBackoff: false },
      // A job is taken within half a second, not pg-boss's two: the waits for a job, and the room
      // left below for a second run (a retry comes a second later), are a fraction of those.
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
    }).then((s) => (schedulers.push(s), s));
  const cartsPosted = () =>
    slack
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.channel).startsWith('D0AGENT'))
      .map((c) => String(c.args.channel))
      .sort();
  const until = async (check: () => boolean | Promise<boolean>, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // Nothing left for pg-boss to run: no job waiting, running or due for a retry. Every run a slot
  // could still make has happened once this is true, so a second post, were there one, is seen.
  const queueDone = async () => (await t.query<{ n: number }>(`select count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active')`))[0]!.n === 0;
  const errorLines = () => logs.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'error');

  beforeAll(async () => {
    t = await testDatabase();
    slack = await new SlackStandIn().start();
  });
  afterAll(async () => {
    await slack.stop();
    await t.close();
  });
  beforeEach(async () => {
    await resetDatabase(t);
    await t.exec('drop schema if exists pgboss cascade');
    slack.reset();
    logs = [];
    await loadCenter(t.db);
    // The teams exist since before the slots of these tests.
    await t.db.execute(sql`update teams set created_at = '2026-01-01T00:00:00Z'`);
  });
  afterEach(async () => {
    for (const s of schedulers) await s.stop(1000);
    schedulers = [];
  });

  it('schedules a team changed and a team added while it runs, at their new times, without a restart', async () => {
    const s = await start();
    // Friday 14:59 in Shanghai: the morning's digest is due, the 15:00 proposal is not yet.
    expect((await s.tick()).map((q) => [q.team, q.kind, q.key])).toEqual([['Shanghai Care', 'daily-digest', '2026-11-27']]);

    // The supervisor moves the proposal to 14:30: it is due now, and made.
    await t.db.execute(sql`update teams set proposal_time = '14:30', updated_at = now() where name = 'Shanghai Care'`);
    expect((await s.tick()).map((q) => [q.team, q.kind, q.key])).toEqual([['Shanghai Care', 'proposal', '2026-11-30']]);
    await until(() => cartsPosted().length === 2);
    expect(cartsPosted()).toEqual(['D0AGENT1', 'D0AGENT2']);

    // A team imported now, in New York: nothing before its proposal at 15:00 there (20:00 UTC).
    await importCsv(t.db, 'teams', 'team,timezone\nNew York Sales,America/New_York\n');
    await t.db.execute(sql`update teams set created_at = '2026-01-01T00:00:00Z'`);
    clock.now = new Date('2026-11-27T19:59:00Z');
    expect((await s.tick()).map((q) => [q.team, q.kind])).toEqual([['New York Sales', 'daily-digest']]);
    clock.now = new Date('2026-11-27T20:00:00Z');
    expect((await s.tick()).map((q) => [q.team, q.kind, q.key])).toEqual([['New York Sales', 'proposal', '2026-11-30']]);
    // Ticking on changes nothing: every slot is made once.
    clock.now = new Date('2026-11-27T20:05:00Z');
    expect(await s.tick()).toEqual([]);
    expect(errorLines()).toEqual([]);
  }, 60_000);

  it('does not make, for a team created after it, a slot that was due before', async () => {
    await t.db.execute(sql`update teams set created_at = '2026-11-27T07:30:00Z'`);
    clock.now = new Date('2026-11-27T08:00:00Z');
    const s = await start();
    expect(await s.tick()).toEqual([]);
  }, 60_000);

  it('two scheduler instances ticking at once queue each slot once, and each agent gets one cart', async () => {
    clock.now = new Date('2026-11-27T07:00:00Z');
    // A second bot process against the same PostgreSQL (on the embedded database: the same one).
    const [a, b] = [await start(), await start()];
    const [fromA, fromB] = await Promise.all([a.tick(), b.tick()]);
    const queued = [...fromA, ...fromB].map((q) => `${q.kind} ${q.key}`).sort();
    expect(queued).toEqual(['daily-digest 2026-11-27', 'proposal 2026-11-30']);
    await until(() => cartsPosted().length >= 2);
    await until(queueDone);
    expect(cartsPosted()).toEqual(['D0AGENT1', 'D0AGENT2']);
    const runs = await t.db.select().from(scheduleRuns);
    expect(runs.map((r) => r.kind).sort()).toEqual(['daily-digest', 'proposal']);
    const jobs = await t.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = $1 and id = $2`, [QUEUES.slot, slotJobId(1, 'proposal', '2026-11-30')]);
    expect(jobs[0]!.n).toBe(1);
    expect(errorLines()).toEqual([]);
  }, 60_000);

  it('retries a slot whose messages Slack refused, and logs each failure once, naming who and why', async () => {
    clock.now = new Date('2026-11-27T07:00:00Z');
    let refuse = true;
    // The agents' carts are refused; the daily digest due at the same tick, which may run while the
    // refusal is being lifted (a job follows another within a poll), goes through.
    slack.on('chat.postMessage', (args) => (refuse && String(args.channel).startsWith('D0AGENT') ? { body: { ok: false, error: 'internal_error' } } : undefined));
    const s = await start();
    await s.tick();
    await until(() => errorLines().some((l) => l.msg.includes('the cart of')));
    refuse = false;
    await until(() => cartsPosted().length >= 4); // two refused, then two sent
    await until(queueDone);
    const sent = slack.callsTo('chat.postMessage').filter((c) => String(c.args.channel).startsWith('D0AGENT') && (c.result as { ok: boolean }).ok);
    expect(sent.map((c) => c.args.channel).sort()).toEqual(['D0AGENT1', 'D0AGENT2']);
    const failures = errorLines().map((l) => l.msg);
    expect(failures).toHaveLength(1);
    const lines = failures[0]!.split('\n');
    expect(lines).toHaveLength(2);
    for (const agent of ['U0AGENT1', 'U0AGENT2']) expect(lines.some((l) => l.startsWith('Shanghai Care: the cart of ') && l.includes(`(${agent}) was not sent: Slack answered "internal_error"`))).toBe(true);
    expect(lines[1]).toMatch(/ \(retried later \(1 of 3\)\)$/);
  }, 60_000);

  it('a digest Slack refuses fails its slot, logged once with the reason and the fix, and the retry posts it once the bot is invited', async () => {
    await t.db.update(teams).set({ digestChannel: 'C0DIGEST' }).where(eq(teams.name, 'Shanghai Care'));
    // 09:00 in Shanghai: the daily digest is due.
    clock.now = new Date('2026-11-27T01:00:00Z');
    let refusals = 1;
    slack.on('chat.postMessage', () => (refusals-- > 0 ? { body: { ok: false, error: 'not_in_channel' } } : undefined));
    const s = await start();
    // (The agents' start-of-day reminders come due at 09:00 too: they have no tasks this week, so none is posted.)
    expect((await s.tick()).map((q) => [q.team, q.kind])).toEqual([['Shanghai Care', 'daily-digest'], ['Shanghai Care', 'reminder-start']]);
    await until(() => slack.messagesIn('C0DIGEST').length === 1);
    await until(queueDone);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(slack.messagesIn('C0DIGEST')).toHaveLength(1);
    expect(errorLines().map((l) => l.msg)).toEqual([
      'Shanghai Care: the daily digest could not be posted to C0DIGEST: the bot is not in that channel — invite @Task Cart with /invite, or set another channel with `npm run cli -- team set …` (retried later (1 of 3))',
    ]);
  }, 60_000);

  it('forgets the keys of Slack requests older than a day, every hour', async () => {
    clock.now = new Date('2026-11-27T07:00:00Z');
    const s = await start({ schedule: true });
    // The clock queues the purge at minute 17 of each hour, under that hour's id, and the tick every minute.
    const queues = (at: string) => clockJobs(new Date(at)).map((j) => j.queue);
    expect(queues('2026-11-27T07:17:00Z')).toEqual([QUEUES.tick, PURGE_QUEUE]);
    expect(queues('2026-11-27T07:17:59.999Z')).toEqual([QUEUES.tick, PURGE_QUEUE]);
    expect(queues('2026-11-27T07:18:00Z')).toEqual([QUEUES.tick]);
    expect(clockJobs(new Date('2026-11-27T07:17:00Z'))[1]!.id).not.toBe(clockJobs(new Date('2026-11-27T08:17:00Z'))[1]!.id);
    await t.db.insert(requestKeys).values([{ key: 'view:V1:h1', at: new Date(clock.now.getTime() - 25 * 3600_000) }, { key: 'view:V2:h2', at: new Date(clock.now.getTime() - 3600_000) }]);
    await s.boss.send(PURGE_QUEUE, {});
    await until(async () => (await t.db.select().from(requestKeys)).length === 1);
    expect((await t.db.select().from(requestKeys)).map((k) => k.key)).toEqual(['view:V2:h2']);
  }, 60_000);

  it('ticks by itself at start, then as each period begins, once however many processes keep time', async () => {
    clock.now = new Date('2026-11-27T07:00:00Z');
    // Its workers never poll again after their first look: the start's tick, the clock's, and the
    // slots they queue run because a process wakes its own workers for what it queues (POLL_SECONDS).
    // Two processes keeping time, a period of a second rather than a minute.
    const first = Date.now();
    for (let i = 0; i < 2; i++) await start({ schedule: true, pollingIntervalSeconds: 3600, tickEveryMs: 1000 });
    await until(async () => (await t.db.select().from(scheduleRuns)).some((r) => r.kind === 'proposal'), 45_000);
    await until(() => cartsPosted().length === 2);
    // Each second's tick was queued by both and ran once, once its second had begun.
    const ticked = async () =>
      t.query<{ id: string; state: string; created: number; started: number }>(
        `select id::text as id, state, extract(epoch from created_on) * 1000 as created, extract(epoch from started_on) * 1000 as started from pgboss.job where name = $1 and singleton_key is null`,
        [QUEUES.tick],
      );
    await until(async () => (await ticked()).filter((j) => j.state === 'completed').length >= 3, 20_000);
    const jobs = await ticked();
    const seconds = new Map(Array.from({ length: Math.ceil((Date.now() - first) / 1000) + 1 }, (_, i) => Math.floor(first / 1000) * 1000 + i * 1000).map((ms) => [clockJobs(new Date(ms), 1000)[0]!.id, ms]));
    for (const job of jobs.filter((j) => j.state === 'completed')) {
      const second = seconds.get(job.id);
      expect(second).toBeDefined();
      // Never queued before its second has begun (a tick then would find that second's slots not due yet).
      expect(Number(job.created)).toBeGreaterThanOrEqual(second!);
      expect(Number(job.started)).toBeGreaterThanOrEqual(second!);
    }
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    // pg-boss's cron is not kept: no schedule rows, from this version or an earlier one.
    expect(await t.query('select name from pgboss.schedule')).toEqual([]);
  }, 60_000);
});
