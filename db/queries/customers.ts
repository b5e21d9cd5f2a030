import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { customers, people, recommendations, taskTypes, teams } from '../schema.ts';

/**
 * The customers an agent may plan tasks for: their own, and their teammates' where the team
 * allows it. Every lookup of a customer by an agent goes through this one condition, so a
 * customer that is not theirs and one that does not exist look the same.
 */
function plannableBy(agentId: string): SQL {
  // An uncorrelated IN: planned once, then a semi-join on the owner index.
  return sql`${customers.ownerId} in (
    select owner.slack_user_id from ${people} me
    join ${teams} tm on tm.id = me.team_id
    join ${people} owner on owner.team_id = me.team_id and (owner.slack_user_id = me.slack_user_id or tm.team_customers)
    where me.slack_user_id = ${agentId})`;
}

/** Customers the agent may plan for, matching a search, for the Add task customer menu. */
export async function searchCustomers(db: DbOrTx, agentId: string, query: string, limit = 20) {
  const like = `%${query.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  return db
    .select({ id: customers.id, name: customers.name })
    .from(customers)
    .where(and(plannableBy(agentId), or(ilike(customers.name, like), ilike(customers.id, like))))
    .orderBy(asc(customers.name))
    .limit(limit);
}

/** Of these customer ids, those the agent may plan for, with their names as stored. */
export async function plannableCustomers(db: DbOrTx, agentId: string, ids: readonly string[]) {
  if (!ids.length) return [];
  return db
    .select({ id: customers.id, name: customers.name })
    .from(customers)
    .where(and(inArray(customers.id, [...ids]), plannableBy(agentId)));
}

export async function allTaskTypes(db: DbOrTx) {
  return db.select().from(taskTypes).orderBy(asc(taskTypes.label));
}

export interface TargetFilters {
  segment: string | null;
  region: string | null;
  tags: string[];
  /** Only customers not contacted for at least this many days. */
  minDaysSinceContact: number | null;
  /** The agent asking: only customers they may plan for. */
  agentId: string;
  /** Only the agent's own customers (otherwise their teammates' too, where the team allows it). */
  onlyMine: boolean;
}

/** Customers matching the Pick customers filters, least recently contacted first. */
export async function targetCustomers(db: DbOrTx, f: TargetFilters, today: string, limit = 300) {
  const conditions = [
    f.segment ? eq(customers.segment, f.segment) : undefined,
    f.region ? eq(customers.region, f.region) : undefined,
    f.onlyMine ? eq(customers.ownerId, f.agentId) : plannableBy(f.agentId),
    f.tags.length ? sql`${customers.tags} && ${sql.param(f.tags)}::text[]` : undefined,
    f.minDaysSinceContact !== null
      ? sql`(${customers.lastContact} is null or ${customers.lastContact} <= (${today}::date - ${f.minDaysSinceContact}::int))`
      : undefined,
  ].filter(Boolean);
  return db
    .select({ id: customers.id, name: customers.name, segment: customers.segment, lastContact: customers.lastContact, renewalDate: customers.renewalDate })
    .from(customers)
    .where(and(...conditions))
    .orderBy(sql`${customers.lastContact} asc nulls first`, asc(customers.id))
    .limit(limit);
}

export async function recommendationsFor(db: DbOrTx, customerIds: string[]) {
  if (!customerIds.length) return [];
  return db.select().from(recommendations).where(inArray(recommendations.customerId, customerIds));
}

/** The segments and regions of the customers the agent may plan for, for the filter menus. */
export async function filterChoices(db: DbOrTx, agentId: string) {
  const [segs, regs] = await Promise.all([
    db.selectDistinct({ v: customers.segment }).from(customers).where(plannableBy(agentId)).orderBy(asc(customers.segment)).limit(100),
    db.selectDistinct({ v: customers.region }).from(customers).where(plannableBy(agentId)).orderBy(asc(customers.region)).limit(100),
  ]);
  return { segments: segs.map((r) => r.v).filter((v): v is string => !!v), regions: regs.map((r) => r.v).filter((v): v is string => !!v) };
}
