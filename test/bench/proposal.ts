// Weekly proposal at scale and a digest for a large team.
import { performance } from 'node:perf_hooks';
import { openDatabase, type Database } from '../../db/client.ts';
import { allTeams } from '../../db/queries/jobs.ts';
import { importCsv } from '../../src/import/run.ts';
import { addDays, nextWeekStart } from '../../src/engine/index.ts';
import { pacer } from '../../src/jobs/pace.ts';
import { cartCourier } from '../../src/jobs/propose.ts';
import { proposeWeek } from '../../src/services/propose.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { teamPicture, teamWeeks } from '../../src/services/team.ts';
import { teamBlocks } from '../../views/digest.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { generatedTitle } from '../../views/words.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';

async function seed(db: Database, agents: number, tasksEach: number, monday: string) {
  await db.exec('truncate request_keys, deliveries, segment_cadences, cart_events, tasks, cart_items, carts, system_tasks, recommendations, customers, time_off, people, teams restart identity cascade');
  await importCsv(db.db, 'teams', 'team,timezone\nFloor,Asia/Shanghai\n');
  const ids = Array.from({ length: agents }, (_, i) => `U0P${String(i).padStart(5, '0')}`);
  await importCsv(db.db, 'people', ['slack_user_id,name,team,role', 'U0PSUP,Boss,Floor,supervisor', ...ids.map((id) => `${id},Agent ${id},Floor,agent`)].join('\n'));
  const rows = ['external_id,agent,type,title,date,effort_minutes'];
  let x = 11;
  const rnd = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (const id of ids) for (let n = 0; n < tasksEach; n++) rows.push(`${id}-${n},${id},follow_up,Call ${n},${addDays(monday, Math.floor(rnd() * 5))},${3 + Math.floor(rnd() * 4)}`);
  const r = await importCsv(db.db, 'tasks', rows.join('\n'));
  if (r.errors.length) throw new Error(JSON.stringify(r.errors[0]));
}

export async function benchProposal(opts: { databaseUrl?: string; agents: number; tasksEach: number; perSecond: number }): Promise<void> {
  const now = new Date();
  const monday = nextWeekStart(now, 'Asia/Shanghai');
  const targets: Array<[string, () => Promise<Database>]> = [['embedded (PGlite)', () => openDatabase({ dataDir: 'memory://' })]];
  if (opts.databaseUrl) targets.push(['PostgreSQL 15', () => openDatabase({ databaseUrl: opts.databaseUrl })]);
  console.log(`\n## Weekly proposal: ${opts.agents.toLocaleString('en')} agents × ${opts.tasksEach} system tasks, paced at ${opts.perSecond} messages/s against a stand-in enforcing ${opts.perSecond}/s workspace-wide and 1/s per channel`);
  console.log('| database | total (s) | database work (s) | messages | messages/s | 429s answered, all retried |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const digests: string[] = [];
  for (const [name, open] of targets) {
    const database = await open();
    const slack = await new SlackStandIn().start();
    slack.rateLimit(opts.perSecond);
    try {
      await seed(database, opts.agents, opts.tasksEach, monday);
      // Everything the proposal does but waiting on Slack (pacing and posting) is database work.
      let slackTime = 0;
      const client = slackClient(BOT_TOKEN, slack.url);
      const pace = pacer(opts.perSecond);
      const [floor] = await allTeams(database.db);
      const t0 = performance.now();
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
      const courier = cartCourier(client, () => 'en');
      const report = await proposeWeek(database.db, floor!, {
        weekStart: monday,
        now,
        pace: timed(pace),
        courier: { ...courier, dm: timed(courier.dm), post: timed(courier.post) },
        titleOf: (task) => generatedTitle(textsFor('en'), task.about),
      });
      const total = (performance.now() - t0) / 1000;
      const posts = slack.callsTo('chat.postMessage');
      const ok = posts.length - slack.limited;
      const span = (posts.at(-1)!.at - posts[0]!.at) / 1000;
      if (report.sent !== opts.agents) throw new Error(`bench: ${report.sent} of ${opts.agents} sent`);
      console.log(`| ${name} | ${total.toFixed(1)} | ${(total - slackTime / 1000).toFixed(1)} | ${ok} | ${(ok / span).toFixed(1)} | ${slack.limited} |`);

      for (const size of [opts.agents, 500].filter((n, i, all) => n <= opts.agents && all.indexOf(n) === i)) {
        // Keep the first `size` agents in the team; the others move to another team.
        await database.exec(`insert into teams (name) values ('Elsewhere') on conflict do nothing`);
        await database.exec(`update people set team_id = (select id from teams where name = 'Elsewhere') where role = 'agent' and slack_user_id >= 'U0P${String(size).padStart(5, '0')}'`);
        const t1 = performance.now();
        const picture = await teamPicture(database.db, floor!, { ...teamWeeks(floor!, now), planning: monday });
        const message = teamBlocks(textsFor('en'), picture, 'daily');
        digests.push(`| ${name} | ${picture.agents.length.toLocaleString('en')} | ${(performance.now() - t1).toFixed(0)} | ${message.blocks.length} | ${JSON.stringify(message.blocks).length.toLocaleString('en')} |`);
      }
    } finally {
      await slack.stop();
      await database.close();
    }
  }
  console.log(`\n## Digest of a team whose carts were just proposed: database and view`);
  console.log('| database | agents | ms | blocks | JSON characters |');
  console.log('|---|---:|---:|---:|---:|');
  for (const d of digests) console.log(d);
}
