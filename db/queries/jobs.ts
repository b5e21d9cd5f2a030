// Queries of the scheduled work: rule inputs, generated tasks, deliveries.
import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import { lockSessionsOf, rowsOf, type Db, type DbOrTx } from '../client.ts';
import { customers, deliveries, people, segmentCadences, systemTasks, taskTypes, teams } from '../schema.ts';
import { openBefore } from './carts.ts';

export async function allTeams(db: DbOrTx) {
  return db.select().from(teams).orderBy(teams.name);
}

export async function teamByName(db: DbOrTx, name: string) {
  const [row] = await db.select().from(teams).where(eq(teams.name, name));
  return row ?? null;
}

export async function teamMembers(db: DbOrTx, teamId: number, role: 'agent' | 'supervisor') {
  return db.select().from(people).where(and(eq(people.teamId, teamId), eq(people.role, role))).orderBy(people.name);
}

export async function cadencesOf(db: DbOrTx, teamId: number): Promise<Map<string, number>> {
  const rows = await db.select().from(segmentCadences).where(eq(segmentCadences.teamId, teamId));
  return new Map(rows.map((r) => [r.segment.toLowerCase(), r.days]));
}

/** Customers owned by the team's agents: what the generation rules look at. */
export async function teamCustomers(db: DbOrTx, teamId: number) {
  return db
    .select({ id: customers.id, name: customers.name, ownerId: customers.ownerId, segment: customers.segment, lastContact: customers.lastContact, renewalDate: customers.renewalDate })
    .from(customers)
    .innerJoin(people, eq(people.slackUserId, customers.ownerId))
    .where(and(eq(people.teamId, teamId), eq(people.role, 'agent'), isNotNull(customers.ownerId)));
}

/** Inserts generated tasks; a key that exists is left alone. Returns how many were new. */
export async function insertGenerated(
  db: Db,
  rows: Array<{ externalId: string; agentId: string; typeKey: string; title: string; customerId: string; plannedDay: string; earliest: string; due: string }>,
): Promise<number> {
  if (!rows.length) return 0;
  const types = new Map((await db.select().from(taskTypes)).map((t) => [t.key, t]));
  let created = 0;
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000).map((r) => ({
        ...r,
        effortMinutes: types.get(r.typeKey)?.effortMinutes ?? 10,
        priority: types.get(r.typeKey)?.priority ?? 'normal',
        source: 'system' as const,
      }));
      const inserted = await tx.insert(systemTasks).values(batch).onConflictDoNothing({ target: systemTasks.externalId }).returning({ id: systemTasks.id });
      created += inserted.length;
    }
  });
  return created;
}

/** Registers deliveries to make; existing keys (sent or not) are kept as they are. */
export async function planDeliveries(db: DbOrTx, kind: DeliveryRow['kind'], items: Array<{ key: string; recipient: string }>) {
  for (let i = 0; i < items.length; i += 1000) {
    await db.insert(deliveries).values(items.slice(i, i + 1000).map((d) => ({ ...d, kind }))).onConflictDoNothing();
  }
}

export type DeliveryRow = typeof deliveries.$inferSelect;

export async function deliveriesByKey(db: DbOrTx, keys: string[]): Promise<Map<string, DeliveryRow>> {
  const rows: DeliveryRow[] = [];
  for (let i = 0; i < keys.length; i += 1000) rows.push(...(await db.select().from(deliveries).where(inArray(deliveries.key, keys.slice(i, i + 1000)))));
  return new Map(rows.map((r) => [r.key, r]));
}

/**
 * Claims a delivery to post it now (pending or failed → sending), committed before the post, so
 * that no other run posts it too. Returns false when it was not there to claim.
 */
export async function claimDelivery(db: DbOrTx, key: string, channelId: string): Promise<boolean> {
  const claimed = await db
    .update(deliveries)
    .set({ status: 'sending', channelId, claimedAt: sql`now()`, attempts: sql`${deliveries.attempts} + 1`, error: null })
    .where(and(eq(deliveries.key, key), inArray(deliveries.status, ['pending', 'failed'])))
    .returning({ key: deliveries.key });
  return claimed.length > 0;
}

/** Claims again a delivery left `sending` whose message is not in the channel: it is posted anew. */
export async function reclaimDelivery(db: DbOrTx, key: string, channelId: string): Promise<boolean> {
  const claimed = await db
    .update(deliveries)
    .set({ channelId, claimedAt: sql`now()`, attempts: sql`${deliveries.attempts} + 1`, error: null })
    .where(and(eq(deliveries.key, key), eq(deliveries.status, 'sending')))
    .returning({ key: deliveries.key });
  return claimed.length > 0;
}

/**
 * Marks a delivery sent, with its message when one was posted (none when the recipient had it
 * already), at `at` when the caller decides by its own clock when the next may go (nudges), else
 * at the database's now.
 */
export async function markDelivered(db: DbOrTx, key: string, message: { channelId: string; ts: string } | null, at?: Date): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'sent', sentAt: at ?? sql`now()`, error: null, ...(message ? { channelId: message.channelId, messageTs: message.ts } : {}) })
    .where(and(eq(deliveries.key, key), ne(deliveries.status, 'sent')));
}

/** Slack refused it, so nothing was posted: the next run tries again. A claimed one is released. */
export async function markUndelivered(db: DbOrTx, key: string, error: string): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'failed', error: error.slice(0, 500) })
    .where(and(eq(deliveries.key, key), ne(deliveries.status, 'sent')));
}

/**
 * A DM that could not be opened: nothing was posted. Counted as a try, stamped as one, so that a
 * person Slack will never let the bot reach (deactivated, gone) is not tried for ever. One that
 * another run claimed meanwhile (a slow open, a retry's tick) is left to that run.
 */
export async function markUnopened(db: DbOrTx, key: string, error: string): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'failed', error: error.slice(0, 500), attempts: sql`${deliveries.attempts} + 1`, claimedAt: sql`now()` })
    .where(and(eq(deliveries.key, key), inArray(deliveries.status, ['pending', 'failed'])));
}

/** Why a delivery stays `sending` (Slack did not answer its post, or its channel's history could not be read). */
export async function noteUnconfirmed(db: DbOrTx, key: string, error: string): Promise<void> {
  await db.update(deliveries).set({ error: error.slice(0, 500) }).where(and(eq(deliveries.key, key), eq(deliveries.status, 'sending')));
}

/**
 * Sends one delivery at most once, for messages that need no follow-up (nudges). The row is
 * claimed (pending or failed → sending) and that claim is committed before `send` runs, so no
 * other worker and no restart sends it again; it is marked sent after (at `now`, the caller's
 * clock, which decides when the next may go), or failed (to be retried) when `send` threw. A
 * process that dies between the claim and the mark leaves it `sending`.
 */
export async function deliverOnce(db: Db, key: string, now: Date, send: () => Promise<void>): Promise<'sent' | 'skipped' | 'failed'> {
  const claimed = await db
    .update(deliveries)
    .set({ status: 'sending', claimedAt: sql`now()`, attempts: sql`${deliveries.attempts} + 1` })
    .where(and(eq(deliveries.key, key), inArray(deliveries.status, ['pending', 'failed'])))
    .returning({ key: deliveries.key });
  if (!claimed.length) return 'skipped';
  try {
    await send();
  } catch (e) {
    await markUndelivered(db, key, String((e as Error).message));
    return 'failed';
  }
  await markDelivered(db, key, null, now);
  return 'sent';
}

const inProcess = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Runs `fn` while no other run holding the same `name` runs, in any process sharing the database:
 * on PostgreSQL a session advisory lock on a connection of its own, which the server releases if
 * the process dies — one of the lock connections (db/client.ts LOCK_CONNECTIONS), never one of the
 * pool `fn`'s queries need; the embedded database serves one process only, so there a lock in memory.
 * A fan-out holds it so that a `sending` delivery it finds is one a stopped run left, never one
 * another run is posting at that moment.
 */
export async function oneAtATime<T>(db: Db, name: string, fn: () => Promise<T>, onWait?: () => void): Promise<T> {
  const sessions = lockSessionsOf(db);
  if (sessions) {
    const conn = await sessions.reserve();
    try {
      const [got] = await conn`select pg_try_advisory_lock(hashtextextended(${name}, 0)) as ok`;
      if (!got?.ok) {
        onWait?.();
        await conn`select pg_advisory_lock(hashtextextended(${name}, 0))`;
      }
      try {
        return await fn();
      } finally {
        await conn`select pg_advisory_unlock(hashtextextended(${name}, 0))`.catch(() => undefined);
      }
    } finally {
      conn.release();
    }
  }
  const client = (db as unknown as { $client: object }).$client;
  const locks = inProcess.get(client) ?? new Map<string, Promise<unknown>>();
  inProcess.set(client, locks);
  const before = locks.get(name);
  if (before) onWait?.();
  const run = (before ?? Promise.resolve()).catch(() => undefined).then(fn);
  const held = run.catch(() => undefined);
  locks.set(name, held);
  try {
    return await run;
  } finally {
    if (locks.get(name) === held) locks.delete(name);
  }
}

export async function lastDelivery(db: DbOrTx, kind: 'nudge', recipient: string) {
  const [row] = await db
    .select({ sentAt: deliveries.sentAt })
    .from(deliveries)
    .where(and(eq(deliveries.kind, kind), eq(deliveries.recipient, recipient), eq(deliveries.status, 'sent')))
    .orderBy(sql`${deliveries.sentAt} desc`)
    .limit(1);
  return row?.sentAt ?? null;
}

/** Each cart of the team's agents for a week, with its items' day and minutes only (digests of large teams). */
export async function teamCartLoads(db: DbOrTx, teamId: number, weekStart: string) {
  return rowsOf<{ agent_id: string; status: string; exception_reason: string | null; planned_day: string | null; minutes: number | null; n: number | null }>(db, sql`
    select c.agent_id, c.status, c.exception_reason, i.planned_day::text as planned_day, sum(i.effort_minutes)::int as minutes, count(i.id)::int as n
    from carts c
    join people p on p.slack_user_id = c.agent_id and p.team_id = ${teamId}
    left join cart_items i on i.cart_id = c.id
    where c.week_start = ${weekStart}
    group by c.agent_id, c.status, c.exception_reason, i.planned_day`);
}

/** Tasks per agent of the team, day and status, between two days (the working week, last week). */
export async function teamTaskCounts(db: DbOrTx, teamId: number, from: string, to: string) {
  return rowsOf<{ agent_id: string; day: string; status: string; n: number }>(db, sql`
    select t.agent_id, t.day::text as day, t.status, count(*)::int as n
    from tasks t join people p on p.slack_user_id = t.agent_id and p.team_id = ${teamId}
    where t.day between ${from} and ${to}
    group by t.agent_id, t.day, t.status`);
}

/** Per agent of the team, how many tasks of days before `before` are still open: left, and no cart has carried them yet (openBefore). */
export async function teamOpenBefore(db: DbOrTx, teamId: number, before: string) {
  return rowsOf<{ agent_id: string; n: number }>(db, sql`
    select t.agent_id, count(*)::int as n
    from tasks t join people p on p.slack_user_id = t.agent_id and p.team_id = ${teamId}
    where ${openBefore(sql`p.slack_user_id`, sql`${before}::date`)}
    group by t.agent_id`);
}

export async function teamTimeOff(db: DbOrTx, teamId: number, from: string, to: string) {
  return rowsOf<{ slack_user_id: string | null; from_day: string; to_day: string; reason: string }>(db, sql`
    select o.slack_user_id, o.from_day::text as from_day, o.to_day::text as to_day, o.reason
    from time_off o left join people p on p.slack_user_id = o.slack_user_id
    where (o.team_id = ${teamId} or p.team_id = ${teamId}) and o.from_day <= ${to} and o.to_day >= ${from}`);
}
