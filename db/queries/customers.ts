import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { customers, recommendations, taskTypes } from '../schema.ts';

/** The agent's customers matching a search, for the Add task customer menu. */
export async function searchCustomers(db: DbOrTx, ownerId: string, query: string, limit = 20) {
  const like = `%${query.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  return db
    .select({ id: customers.id, name: customers.name })
    .from(customers)
    .where(and(eq(customers.ownerId, ownerId), or(ilike(customers.name, like), ilike(customers.id, like))))
    .orderBy(asc(customers.name))
    .limit(limit);
}

export async function customerExists(db: DbOrTx, id: string): Promise<boolean> {
  return (await db.select({ id: customers.id }).from(customers).where(eq(customers.id, id)).limit(1)).length > 0;
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
  ownerId: string | null;
}

/** Customers matching the Pick customers filters, least recently contacted first. */
export async function targetCustomers(db: DbOrTx, f: TargetFilters, today: string, limit = 300) {
  const conditions = [
    f.segment ? eq(customers.segment, f.segment) : undefined,
    f.region ? eq(customers.region, f.region) : undefined,
    f.ownerId ? eq(customers.ownerId, f.ownerId) : undefined,
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

/** The segments and regions there are, for the filter menus. */
export async function filterChoices(db: DbOrTx) {
  const segs = await db.selectDistinct({ v: customers.segment }).from(customers).orderBy(asc(customers.segment)).limit(100);
  const regs = await db.selectDistinct({ v: customers.region }).from(customers).orderBy(asc(customers.region)).limit(100);
  return { segments: segs.map((r) => r.v).filter((v): v is string => !!v), regions: regs.map((r) => r.v).filter((v): v is string => !!v) };
}
