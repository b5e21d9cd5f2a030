// Scheduled work on pg-boss, a Postgres-backed queue: each team's weekly proposal, daily and
// weekly digests, at the team's local times (DST included: pg-boss evaluates cron in the zone).
// However many bot processes run against one PostgreSQL, a slot's job is taken by one of them,
// and the deliveries table makes every message once even if a job is retried.
import { PgBoss, type Db as BossDb } from 'pg-boss';
import type { webApi } from '@slack/bolt';
import type { Database } from '../../db/client.ts';
import { allTeams } from '../../db/queries/jobs.ts';
import { purgeRequestKeys } from '../../db/queries/requests.ts';
import type { teams } from '../../db/schema.ts';
import type { JsonLogger } from '../logger.ts';
import { runDigests } from './digest.ts';
import { runProposals } from './propose.ts';

type Team = typeof teams.$inferSelect;

export const QUEUES = { proposal: 'weekly-proposal', daily: 'daily-digest', weekly: 'weekly-digest' } as const;
type Queue = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Hourly upkeep: keys of Slack requests (replays change nothing, db/queries/requests.ts) are kept
 * a day, far beyond the five minutes a signed request is accepted.
 */
export const PURGE_QUEUE = 'purge-request-keys';
const KEEP_REQUEST_KEYS_MS = 24 * 60 * 60 * 1000;

/** Cron day of week (0 = Sunday) of an ISO weekday (7 = Sunday). */
const cronDay = (iso: number) => iso % 7;
const hm = (time: string) => time.split(':').map(Number) as [number, number];

/** The cron expressions of a team's schedules, read in the team's time zone. */
export function cronsFor(team: Team): Record<Queue, string> {
  const [ph, pm] = hm(team.proposalTime);
  const [dh, dm] = hm(team.digestTime);
  return {
    [QUEUES.proposal]: `${pm} ${ph} * * ${cronDay(team.proposalWeekday)}`,
    [QUEUES.daily]: `${dm} ${dh} * * ${[...team.workDays].map(cronDay).sort((a, b) => a - b).join(',')}`,
    [QUEUES.weekly]: `${dm} ${dh} * * ${cronDay(team.weeklyDigestWeekday)}`,
  };
}

/**
 * pg-boss on the embedded database: parameterless scripts (its migrations, its maintenance) go
 * through PGlite's `exec`, answering the rows of every statement as pg-boss requires.
 */
export function pgliteAdapter(database: Database): BossDb {
  return {
    executeSql: async (text, values) => ({ rows: values && values.length ? await database.query(text, values) : await database.script(text) }),
  };
}

export interface Scheduler {
  boss: PgBoss;
  /** Re-reads the teams and (re)writes their schedules: after an import of teams. */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

export async function startScheduler(options: {
  database: Database;
  databaseUrl?: string;
  client: webApi.WebClient;
  logger: JsonLogger;
  now?: () => Date;
  /** Tests start the queue without cron polling, and send slots themselves. */
  schedule?: boolean;
}): Promise<Scheduler> {
  const { database, client, logger } = options;
  const now = options.now ?? (() => new Date());
  const boss = new PgBoss({
    ...(options.databaseUrl ? { connectionString: options.databaseUrl, max: 3 } : { db: pgliteAdapter(database) }),
    schema: 'pgboss',
    schedule: options.schedule ?? true,
  });
  boss.on('error', (e) => logger.error('job queue error', e));
  await boss.start();
  for (const q of Object.values(QUEUES)) await boss.createQueue(q);

  const forTeam = async (queue: Queue, teamId: number) => {
    const team = (await allTeams(database.db)).find((t) => t.id === teamId);
    if (!team) return;
    const problems: string[] = [];
    if (queue === QUEUES.proposal) {
      for (const r of await runProposals(database.db, client, { team: team.name, now: now() })) {
        logger.info(`proposal ${r.team} week of ${r.weekStart}: ${r.generated} generated, ${r.sent} sent, ${r.recovered} found posted, ${r.alreadySent} already sent, ${r.failed} failed, ${r.unconfirmed.length} unconfirmed`);
        problems.push(...r.problems);
      }
    } else {
      for (const r of await runDigests(database.db, client, { team: team.name, weekly: queue === QUEUES.weekly, now: now() })) {
        logger.info(`${queue} ${r.team}: sent to ${r.sent} of ${r.recipients}`);
        problems.push(...r.problems);
      }
    }
    // What was not delivered is recorded; the job fails so that the queue retries it (only what is not sent goes out again).
    if (problems.length) {
      logger.error(problems.join('\n'));
      throw new Error(problems.join('\n'));
    }
  };
  for (const queue of Object.values(QUEUES)) {
    await boss.work<{ teamId: number }>(queue, async ([job]) => {
      if (job) await forTeam(queue, job.data.teamId);
    });
  }

  await boss.createQueue(PURGE_QUEUE);
  await boss.work(PURGE_QUEUE, async () => {
    const purged = await purgeRequestKeys(database.db, new Date(now().getTime() - KEEP_REQUEST_KEYS_MS));
    if (purged) logger.debug(`forgot ${purged} request keys older than a day`);
  });
  await boss.schedule(PURGE_QUEUE, '17 * * * *', {}, { key: 'all' });

  const sync = async () => {
    for (const team of await allTeams(database.db)) {
      const crons = cronsFor(team);
      for (const queue of Object.values(QUEUES)) {
        await boss.schedule(queue, crons[queue], { teamId: team.id }, { tz: team.timezone, key: String(team.id) });
      }
    }
  };
  await sync();
  return { boss, sync, stop: () => boss.stop({ graceful: true, timeout: 10_000 }) };
}
