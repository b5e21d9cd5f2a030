// Scheduled work on pg-boss, a PostgreSQL-backed queue (the embedded database too, through an
// adapter). One cron job ticks every minute (pg-boss runs a cron slot once across all processes);
// each tick reads every team, works out in the team's zone which slots are due (slots.ts), claims
// each one once in `schedule_runs`, and queues its work: a team added or changed is picked up at the
// next tick, without a restart. A slot's job is retried with back-off when it fails, and the
// deliveries table makes every message once even when a job runs twice. Reminders have a slot per
// team, zone and local day: a team's agents may live in several zones, each reminded at its own
// local time (src/engine/reminders.ts). When approval DMs Slack did not take have waited long
// enough, a tick queues a job that sends them again (src/slack/approval-message.ts retryApprovals).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { sql } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import type { webApi } from '@slack/bolt';
import { QUEUE_CONNECTIONS, rowsOf, type Database } from '../../db/client.ts';
import { allTeams } from '../../db/queries/jobs.ts';
import { purgeRequestKeys } from '../../db/queries/requests.ts';
import { reminderZones } from '../../db/queries/reminders.ts';
import { claimSlot, slotClaimed } from '../../db/queries/schedule.ts';
import { dueReminders } from '../engine/index.ts';
import { DatabaseHealth } from '../health.ts';
import { approvalsDue } from '../services/approvals.ts';
import { retryApprovals } from '../slack/approval-message.ts';
import { languages } from '../slack/language.ts';
import type { JsonLogger } from '../logger.ts';
import { runDigests } from './digest.ts';
import { runProposals } from './propose.ts';
import { runReminders } from './remind.ts';
import { dueSlots, type Slot, type SlotKind } from './slots.ts';

export const QUEUES = { tick: 'schedule-tick', slot: 'team-slot' } as const;

interface SlotJob {
  teamId: number;
  kind: SlotKind;
  key: string;
  dueAt: string;
  /** A reminder slot's zone. */
  zone?: string;
}

/**
 * Hourly upkeep: keys of Slack requests (replays change nothing, db/queries/requests.ts) are kept
 * a day, far beyond the five minutes a signed request is accepted.
 */
export const PURGE_QUEUE = 'purge-request-keys';
/**
 * Approval DMs to send again: a job of their own, at most one waiting and one running (pg-boss's
 * `stately` policy), so that a Slack that hangs holds up neither the minute's tick nor a pile of them.
 */
export const APPROVALS_QUEUE = 'approval-retries';
const KEEP_REQUEST_KEYS_MS = 24 * 60 * 60 * 1000;

/** What a slot's run could not deliver, one line each (who or where, why, what to do): logged once, then retried. */
class Undelivered extends Error {
  override name = 'Undelivered';
}

/** Retries of a slot's work: 1, 2, 4, 8 and 16 minutes after a failure (each taken at a worker's next poll, POLL_SECONDS). */
export const SLOT_RETRY = { retryLimit: 5, retryDelay: 60, retryBackoff: true } as const;

/**
 * How often an idle worker of this process asks its queue for a job. Every job a process queues
 * itself wakes its own worker at once (pg-boss's notifyWorker), so a poll finds only what arrived
 * from elsewhere: the minute's tick and the hourly purge are queued by every process's own clock
 * (startClock), slots and approval retries by a tick of this process; a poll finds a retry whose
 * delay (a minute and more) ran out, or a job of a process that stopped before running it. At 2 s on
 * all four queues, an idle bot made two queries a second: half of its main thread's time at rest,
 * and nearly all the database's CPU (issue 13, two workers at rest, measured in docs/performance.md).
 */
export const POLL_SECONDS = 30;

/**
 * The clock's period: a tick a minute (tests may tick faster). Each process queues the tick of each
 * minute as it begins, under that minute's own job id, and wakes its own worker: the tick runs once,
 * in whichever process takes it first, within a second or so of the minute. pg-boss's cron did the
 * same from the database, checked every 30 s by one process and handed on through a queue every
 * process asked every 5 s, and the tick's queue was asked every 2 s: up to 37 s late, and some 50
 * queries a minute from each idle worker.
 */
export const TICK_MS = 60_000;
/** The purge of old request keys: at this minute of every hour (UTC). */
const PURGE_MINUTE = 17;

/**
 * How long the job queue keeps a connection nobody uses. pg's pool closes one after 10 s by default,
 * and the queues asked together every 30 s (POLL_SECONDS) take more than the one the tick keeps busy:
 * a connection was opened and closed again every half minute in every process, a PostgreSQL backend
 * started each time (and, with password authentication, a SCRAM exchange). Past a round of polls, so
 * the pool keeps what it needs (at most QUEUE_CONNECTIONS, counted in each process's connections).
 */
export const QUEUE_IDLE_MS = 5 * 60_000;

/** A job id (a UUID, as pg-boss takes) made from a name: the same name always gets the same id, so queueing it twice makes one job. */
function jobId(name: string): string {
  const h = createHash('sha1').update(`task-cart:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The job id of a slot: the same slot always gets the same id, so queueing it twice makes one job. */
export function slotJobId(teamId: number, kind: SlotKind, key: string, zone = ''): string {
  return jobId(`${teamId}:${kind}:${key}${zone ? `:${zone}` : ''}`);
}

/**
 * What the clock queues as a period begins at `at`: the tick, and at minute 17 of each hour the
 * purge; each under its period's own id, so that every process may queue it and it runs once.
 */
export function clockJobs(at: Date, periodMs = TICK_MS): Array<{ queue: string; id: string }> {
  const start = Math.floor(at.getTime() / periodMs) * periodMs;
  const jobs: Array<{ queue: string; id: string }> = [{ queue: QUEUES.tick, id: jobId(`tick:${periodMs}:${start}`) }];
  const begun = new Date(start);
  if (begun.getUTCMinutes() === PURGE_MINUTE && begun.getUTCSeconds() === 0) jobs.push({ queue: PURGE_QUEUE, id: jobId(`purge:${start}`) });
  return jobs;
}

/**
 * pg-boss on the embedded database: parameterless scripts (its migrations, its maintenance) go
 * through PGlite's `exec`, answering the rows of every statement as pg-boss requires.
 */
export function pgliteAdapter(database: Database): PgBoss.Db {
  return {
    executeSql: async (text, values) => ({ rows: values && values.length ? await database.query(text, values) : await database.script(text) }),
  };
}

export interface Scheduler {
  boss: PgBoss;
  /** Claims and queues the slots due now; the cron tick calls it every minute. Returns what it queued. */
  tick(): Promise<Array<{ team: string; kind: SlotKind; key: string; zone?: string }>>;
  /** Stops taking jobs, waits up to `timeoutMs` for those running, closes the queue's connections. */
  stop(timeoutMs?: number): Promise<void>;
}

export async function startScheduler(options: {
  database: Database;
  databaseUrl?: string | undefined;
  client: webApi.WebClient;
  logger: JsonLogger;
  /** Where database outages are reported (logged once); the bot passes its own. */
  health?: DatabaseHealth;
  now?: () => Date;
  /** Tests start the queue without the clock, and tick themselves. */
  schedule?: boolean;
  /** The clock's period (TICK_MS unless said): tests tick faster. */
  tickEveryMs?: number;
  /** How a failed slot is retried (tests wait seconds, not minutes). */
  retry?: { retryLimit: number; retryDelay: number; retryBackoff: boolean };
  /** How often an idle worker asks its queue for a job, every queue, POLL_SECONDS unless said (at least 0.5): tests wait less, or more. */
  pollingIntervalSeconds?: number;
}): Promise<Scheduler> {
  const { database, client } = options;
  const logger = options.logger.child({ component: 'scheduler' });
  const now = options.now ?? (() => new Date());
  const ownHealth = options.health ? null : new DatabaseHealth(database, logger).start();
  const health = options.health ?? ownHealth!;
  const url = options.databaseUrl ?? database.url;
  const retry = options.retry ?? SLOT_RETRY;
  const polling = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? POLL_SECONDS };

  await dropNewerQueueSchema(database, logger);
  const boss = new PgBoss({
    ...(url ? { connectionString: url, max: QUEUE_CONNECTIONS, connectionTimeoutMillis: 10_000, idleTimeoutMillis: QUEUE_IDLE_MS } : { db: pgliteAdapter(database) }),
    schema: 'pgboss',
    // pg-boss's cron is not used: each process keeps time (startClock).
    schedule: false,
  } as PgBoss.ConstructorOptions);

  // A database outage makes every poll fail: logged once by health, not once per poll. Any other
  // error is logged, at most once a minute for the same message.
  const lastLogged = new Map<string, number>();
  const report = (e: unknown) => {
    if (health.report(e)) return;
    const key = String((e as { message?: unknown }).message);
    if (Date.now() - (lastLogged.get(key) ?? -Infinity) < 60_000) return;
    lastLogged.set(key, Date.now());
    logger.error('job queue error', e);
  };
  boss.on('error', report);
  // pg-boss 10 makes a table per queue, and its start writes to its tables: processes starting at
  // once (three bots on a new database) deadlocked, in the start as in creating the same queues, so
  // they take turns (the embedded database has one process, and one connection to wait on).
  await oneAtATime(database, async () => {
    await boss.start();
    await boss.createQueue(QUEUES.tick, { name: QUEUES.tick, retryLimit: 0, expireInSeconds: 120 });
    await boss.createQueue(QUEUES.slot, { name: QUEUES.slot, ...retry, expireInSeconds: 60 * 60 });
    await boss.createQueue(PURGE_QUEUE, { name: PURGE_QUEUE, retryLimit: 0 });
    await boss.createQueue(APPROVALS_QUEUE, { name: APPROVALS_QUEUE, policy: 'stately', retryLimit: 0, expireInSeconds: 30 * 60 });
  });

  const approvalDeps = { db: database.db, languages: languages(database.db, now), logger };

  /** The ids of this process's workers, each woken when the process queues a job for it (set once they work). */
  const workers = { slot: '', tick: '', approvals: '', purge: '' };

  const tick = async () => {
    const at = now();
    const queued: Array<{ team: string; kind: SlotKind; key: string; zone?: string }> = [];
    const queue = async (team: Awaited<ReturnType<typeof allTeams>>[number], slot: Slot, zone = '') => {
      // A team created after a slot's time does not get that slot late.
      if (slot.at < team.createdAt) return;
      if (await slotClaimed(database.db, team.id, slot.kind, slot.key, zone)) return;
      // Queued before the claim is written, under the slot's own id: a tick that stops between the
      // two is redone by the next one without a second job.
      const data: SlotJob = { teamId: team.id, kind: slot.kind, key: slot.key, dueAt: slot.at.toISOString(), ...(zone && { zone }) };
      await boss.send(QUEUES.slot, data, { id: slotJobId(team.id, slot.kind, slot.key, zone), ...retry, expireInSeconds: 60 * 60 });
      if (await claimSlot(database.db, { teamId: team.id, kind: slot.kind, slot: slot.key, zone, dueAt: slot.at })) {
        const what = zone ? `${slot.kind} of ${team.name} (${zone})` : `${slot.kind} of ${team.name}`;
        logger.info(`${what} for ${slot.key} queued`, { team: team.name, kind: slot.kind, slot: slot.key, dueAt: slot.at.toISOString(), ...(zone && { zone }) });
        queued.push({ team: team.name, kind: slot.kind, key: slot.key, ...(zone && { zone }) });
      }
    };
    const zones = await reminderZones(database.db);
    for (const team of await allTeams(database.db)) {
      for (const slot of dueSlots(team, at)) await queue(team, slot);
      if (!team.reminders) continue;
      for (const zone of zones.get(team.id) ?? []) {
        for (const r of dueReminders(at, zone, { workDays: team.workDays, start: team.reminderStart, end: team.reminderEnd })) {
          await queue(team, { kind: r.kind === 'start' ? 'reminder-start' : 'reminder-end', key: r.day, at: r.at, until: r.until }, zone);
        }
      }
    }
    // Started at once by this process rather than at the worker's next poll, up to half a minute later (POLL_SECONDS).
    if (queued.length && workers.slot) boss.notifyWorker(workers.slot);
    // Approval DMs Slack did not take when the agent committed, once one has waited long enough.
    if ((await approvalsDue(database.db)).length) {
      await boss.send(APPROVALS_QUEUE, {});
      if (workers.approvals) boss.notifyWorker(workers.approvals);
    }
    return queued;
  };

  const runSlot = async (job: PgBoss.JobWithMetadata<SlotJob>) => {
    const { teamId, kind, key, dueAt, zone } = job.data;
    const team = (await allTeams(database.db)).find((t) => t.id === teamId);
    if (!team) return; // removed since
    const fields = { team: team.name, kind, slot: key, attempt: job.retryCount + 1 };
    const started = Date.now();
    const problems: string[] = [];
    if (kind === 'proposal') {
      for (const r of await runProposals(database.db, client, { team: team.name, weekStart: key, now: now() })) {
        logger.info(`proposal of ${r.team} for the week of ${r.weekStart}: ${r.sent} sent, ${r.recovered} found posted, ${r.alreadySent} already sent, ${r.failed} failed, ${r.unconfirmed.length} unconfirmed`, { ...fields, ...r, ms: Date.now() - started });
        problems.push(...r.problems);
      }
    } else if (kind === 'reminder-start' || kind === 'reminder-end') {
      // The slot's own time says which reminder; now says whether it is still worth sending (a retry may come late).
      const run = await runReminders(database.db, client, { team: team.name, zone, kind: kind === 'reminder-start' ? 'start' : 'end', at: new Date(dueAt), now: now() });
      for (const r of run.reports) {
        logger.info(
          `${kind} of ${r.team} (${r.zone}) for ${r.day}: ${r.late ? 'too late to send, nothing posted; ' : ''}${r.sent} sent, ${r.recovered} found posted, ${r.alreadySent} already sent, ${r.quiet} with nothing to remind, ${r.failed} failed, ${r.unconfirmed.length} unconfirmed`,
          // The slot's kind (reminder-start) rather than the report's (start).
          { ...r, ...fields, zone: r.zone, ms: Date.now() - started },
        );
        problems.push(...r.problems);
      }
    } else {
      // The slot's own time, so that a retry after midnight still names the slot's day.
      // A chart not shared is logged here, once; the digest stands without it and the job does not fail for it.
      const onChartProblem = (line: string) => logger.warn(line, fields);
      for (const r of await runDigests(database.db, client, { team: team.name, weekly: kind === 'weekly-digest', now: new Date(dueAt), onChartProblem })) {
        logger.info(`${kind} of ${r.team}: sent to ${r.sent} of ${r.recipients}`, { ...fields, ...r, ms: Date.now() - started });
        problems.push(...r.problems);
      }
    }
    // What was not delivered is recorded; the job fails so that the queue retries it (only what is not sent goes out again).
    if (problems.length) throw new Undelivered(problems.join('\n'));
  };

  workers.slot = await boss.work<SlotJob>(QUEUES.slot, { batchSize: 1, includeMetadata: true, ...polling }, async ([job]) => {
    if (!job) return;
    try {
      await runSlot(job);
    } catch (e) {
      const last = job.retryCount >= job.retryLimit;
      const retried = last ? 'not retried again' : `retried later (${job.retryCount + 1} of ${job.retryLimit})`;
      if (e instanceof Undelivered) logger.error(`${e.message} (${retried})`, { teamId: job.data.teamId, kind: job.data.kind, slot: job.data.key });
      else if (!health.report(e)) {
        logger.error(`${job.data.kind} for ${job.data.key} failed; ${retried}`, e, { teamId: job.data.teamId, kind: job.data.kind, slot: job.data.key });
      }
      throw e;
    } finally {
      // A tick often queues several slots (a digest and reminders): the next one now, not a poll later.
      if (workers.slot) boss.notifyWorker(workers.slot);
    }
  });
  workers.tick = await boss.work(QUEUES.tick, { batchSize: 1, ...polling }, async () => {
    await tick();
  });
  workers.approvals = await boss.work(APPROVALS_QUEUE, { batchSize: 1, ...polling }, async () => {
    const retried = await retryApprovals(approvalDeps, client, now());
    if (retried) logger.info(`approval DMs of ${retried} exception(s) tried again`, { exceptions: retried });
  });
  workers.purge = await boss.work(PURGE_QUEUE, { batchSize: 1, ...polling }, async () => {
    const purged = await purgeRequestKeys(database.db, new Date(now().getTime() - KEEP_REQUEST_KEYS_MS));
    if (purged) logger.debug(`forgot ${purged} request keys older than a day`);
  });
  let clock: { stop(): void } | null = null;
  if (options.schedule ?? true) {
    // The cron slots of an earlier version, which pg-boss no longer reads here: gone, so that an older
    // process still running during an upgrade does not tick from them too (its ticks would be harmless).
    for (const name of [QUEUES.tick, PURGE_QUEUE]) await boss.unschedule(name);
    // A tick now, rather than at the next minute: slots missed while no bot ran are made at start.
    await boss.send(QUEUES.tick, {}, { singletonKey: 'start', singletonSeconds: 30 });
    boss.notifyWorker(workers.tick);
    const period = options.tickEveryMs ?? TICK_MS;
    clock = startClock(period, async (at) => {
      for (const job of clockJobs(at, period)) {
        // Retries and expiry as its queue was made with.
        await boss.send(job.queue, {}, { id: job.id });
        boss.notifyWorker(job.queue === PURGE_QUEUE ? workers.purge : workers.tick);
      }
    }, report);
  }

  return {
    boss,
    tick,
    async stop(timeoutMs = 8_000) {
      clock?.stop();
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true, wait: true });
      ownHealth?.stop();
    },
  };
}

/**
 * Calls `at` as each period of `everyMs` begins (on the wall clock: a period's work that takes long,
 * or an event loop busy past its start, never shifts the next one), until stopped. A failure is
 * reported, and the next period comes as usual.
 */
function startClock(everyMs: number, at: (start: Date) => Promise<void>, report: (e: unknown) => void): { stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = (next = (Math.floor(Date.now() / everyMs) + 1) * everyMs) => {
    timer = setTimeout(() => {
      if (stopped) return;
      // Node counts a timer from the event loop's time, which may lag the wall clock by the work done
      // since it was read: a timer can come a few milliseconds early, and a tick then would find the
      // slots of that minute not due yet. It waits out the rest.
      if (Date.now() < next) return arm(next);
      arm();
      at(new Date(next)).catch((e: unknown) => stopped || report(e));
    }, Math.max(1, next - Date.now()));
    // The bot's server keeps the process alive; the clock alone does not.
    timer.unref();
  };
  arm();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

async function oneAtATime(database: Database, work: () => Promise<void>): Promise<void> {
  if (database.kind !== 'postgres') return work();
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7461003)`);
    await work();
  });
}

/**
 * pg-boss's tables made by a newer pg-boss (this project used 12 until Node 20 had to be served)
 * cannot be used by this one: they hold only queued jobs and schedules, which the next tick makes
 * again from `schedule_runs`, so they are dropped and made anew. Under a lock: one process does it.
 */
async function dropNewerQueueSchema(database: Database, logger: JsonLogger): Promise<void> {
  const ours = (createRequire(import.meta.url)('pg-boss/version.json') as { schema: number }).schema;
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7461002)`);
    const [exists] = await rowsOf<{ name: string | null }>(tx, sql`select to_regclass('pgboss.version')::text as name`);
    if (!exists?.name) return;
    const [row] = await rowsOf<{ version: number }>(tx, sql`select version from pgboss.version`);
    if (row && Number(row.version) > ours) {
      await tx.execute(sql`drop schema pgboss cascade`);
      logger.warn(`the job queue's tables were made by a newer pg-boss (schema ${row.version}, this one uses ${ours}): made anew; scheduled slots are kept`);
    }
  });
}
