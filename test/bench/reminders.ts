// The start-of-day reminder fan-out at scale: every agent of a large team with a committed list for
// today, reminded once, paced against a stand-in enforcing Slack's limits; then the same slot again
// (everything already sent), as a second process or a retried job would find it.
import { performance } from 'node:perf_hooks';
import { openDatabase, type Database } from '../../db/client.ts';
import { allTeams } from '../../db/queries/jobs.ts';
import { importCsv } from '../../src/import/run.ts';
import { dueReminders } from '../../src/engine/index.ts';
import { pacer } from '../../src/jobs/pace.ts';
import { reminderCourier } from '../../src/jobs/remind.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { remindTeam, type ReminderCourier } from '../../src/services/reminders.ts';
import { languages } from '../../src/slack/language.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';

const MONDAY = '2026-11-30';
/** Tuesday 1 Dec 2026, 09:00 in Shanghai. */
const AT = new Date('2026-12-01T01:00:00Z');

async function seed(db: Database, agents: number, tasksEach: number) {
  await db.exec('truncate request_keys, deliveries, segment_cadences, cart_events, tasks, cart_items, carts, system_tasks, recommendations, customers, time_off, people, teams restart identity cascade');
  await importCsv(db.db, 'teams', 'team,timezone\nFloor,Asia/Shanghai\n');
  const ids = Array.from({ length: agents }, (_, i) => `U0R${String(i).padStart(5, '0')}`);
  await importCsv(db.db, 'people', ['slack_user_id,name,team,role', 'U0RSUP,Boss,Floor,supervisor', ...ids.map((id) => `${id},Agent ${id},Floor,agent`)].join('\n'));
  // As after a week's proposal: each agent's language known, their committed cart posted in their DM, today's list on it.
  await db.exec(`update people set locale = case when right(slack_user_id, 1) in ('0','2','4','6','8') then 'zh-CN' else 'en-US' end, locale_checked_at = now() where role = 'agent'`);
  await db.exec(`insert into carts (agent_id, week_start, status, channel_id, message_ts, committed_at)
    select slack_user_id, '${MONDAY}', 'committed', 'D' || substr(slack_user_id, 2), '1700000000.000100', now() from people where role = 'agent'`);
  await db.exec(`insert into tasks (cart_id, agent_id, type_key, title, effort_minutes, priority, day, source, status)
    select c.id, c.agent_id, 'follow_up', 'Call back customer ' || n, 5 + n % 20, 'normal', d::date, 'system', case when d::date < '2026-12-01' and n % 3 = 0 then 'done' else 'open' end
    from carts c, generate_series(1, ${tasksEach}) n, generate_series('${MONDAY}'::date, '2026-12-04'::date, '1 day') d`);
  await db.exec('vacuum analyze');
}

export async function benchReminders(opts: { databaseUrl?: string; agents: number; tasksEach: number; perSecond: number }): Promise<void> {
  const targets: Array<[string, () => Promise<Database>]> = [['embedded (PGlite)', () => openDatabase({ dataDir: 'memory://' })]];
  if (opts.databaseUrl) targets.push(['PostgreSQL 15', () => openDatabase({ databaseUrl: opts.databaseUrl })]);
  console.log(
    `\n## Start-of-day reminders: ${opts.agents.toLocaleString('en')} agents × ${opts.tasksEach} tasks today, paced at ${opts.perSecond} messages/s against a stand-in enforcing ${opts.perSecond}/s workspace-wide and 1/s per channel`,
  );
  console.log('| database | total (s) | database work (s) | messages | messages/s | 429s answered, all retried | again, all already sent: total (s) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, open] of targets) {
    const database = await open();
    const slack = await new SlackStandIn().start();
    slack.rateLimit(opts.perSecond);
    try {
      await seed(database, opts.agents, opts.tasksEach);
      const [floor] = await allTeams(database.db);
      const [due] = dueReminders(AT, floor!.timezone, { workDays: floor!.workDays, start: floor!.reminderStart, end: floor!.reminderEnd });
      // Everything the run does but waiting on Slack (pacing, opening DMs, posting, looking) is database work.
      let slackTime = 0;
      const timed =
        <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
        async (...a: A): Promise<R> => {
          const t = performance.now();
          try {
            return await f(...a);
          } finally {
            slackTime += performance.now() - t;
          }
        };
      const base = reminderCourier(slackClient(BOT_TOKEN, slack.url), languages(database.db, () => AT));
      const courier: ReminderCourier = { dm: timed(base.dm), post: timed(base.post), find: timed(base.find) };
      const run = () => remindTeam(database.db, floor!, { kind: 'start', zone: floor!.timezone, day: due!.day, now: AT, until: due!.until, courier, pace: timed(pacer(opts.perSecond)) });
      const t0 = performance.now();
      const report = await run();
      const total = (performance.now() - t0) / 1000;
      if (report.sent !== opts.agents) throw new Error(`bench: ${report.sent} of ${opts.agents} sent (${report.problems[0] ?? ''})`);
      const posts = slack.callsTo('chat.postMessage');
      const ok = posts.length - slack.limited;
      const span = (posts.at(-1)!.at - posts[0]!.at) / 1000;
      const t1 = performance.now();
      const again = await run();
      const second = (performance.now() - t1) / 1000;
      if (again.alreadySent !== opts.agents || slack.callsTo('chat.postMessage').length !== posts.length) throw new Error('bench: the second run posted again');
      console.log(`| ${name} | ${total.toFixed(1)} | ${(total - slackTime / 1000).toFixed(1)} | ${ok} | ${(ok / span).toFixed(1)} | ${slack.limited} | ${second.toFixed(2)} |`);
    } finally {
      await slack.stop();
      await database.close();
    }
  }
}
