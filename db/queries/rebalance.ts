// Team rebalancing: the team's carts of a week, who owns which customer, and the one transaction
// that moves tasks between carts (src/services/rebalance.ts).
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../client.ts';
import { cartEvents, cartItems, carts, customers, people, tasks } from '../schema.ts';

/** The carts of the team's agents for a week, with their status and version. */
export async function teamWeekCarts(db: DbOrTx, teamId: number, weekStart: string) {
  return db
    .select({ id: carts.id, agentId: carts.agentId, status: carts.status, version: carts.version })
    .from(carts)
    .innerJoin(people, eq(people.slackUserId, carts.agentId))
    .where(and(eq(people.teamId, teamId), eq(people.role, 'agent'), eq(carts.weekStart, weekStart)))
    .orderBy(carts.id);
}

/** Everyone in the team, any role: the people whose customers a team shares where it allows it. */
export async function teamPeople(db: DbOrTx, teamId: number): Promise<string[]> {
  const rows = await db.select({ id: people.slackUserId }).from(people).where(eq(people.teamId, teamId));
  return rows.map((r) => r.id);
}

/** The owner of each of these customers (null: nobody owns it). */
export async function customerOwners(db: DbOrTx, ids: readonly string[]): Promise<Map<string, string | null>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: customers.id, ownerId: customers.ownerId }).from(customers).where(inArray(customers.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.ownerId]));
}

/**
 * Claims the next version of an open cart, only if it is still at `version`: inside the
 * rebalance's transaction, so the row stays locked until it commits and a racing change to the
 * cart waits, then finds the version taken and decides again. Null when the cart changed.
 */
export async function claimCartVersion(tx: DbOrTx, cartId: number, version: number, now: Date): Promise<number | null> {
  const [row] = await rowsOf<{ version: number }>(
    tx,
    sql`update ${carts} set version = version + 1, updated_at = ${now.toISOString()}::timestamptz
      where id = ${cartId} and version = ${version} and status = 'open' returning version`,
  );
  return row?.version ?? null;
}

/**
 * Moves items from one cart to others, each to its day: how many moved (each must still be in
 * `fromCart`, its task on a list still open). A cart reopened after a commit still has its earlier
 * task list: a moved item's open task leaves it too (it is the receiver's now, listed when they
 * commit). An item whose task is no longer open (done, skipped, carried over) does not move: a
 * proposal reads it as fixed (db/queries/carts.ts), and one made before that Done moves nothing here.
 */
export async function moveItemsBetweenCarts(tx: DbOrTx, fromCart: number, moves: ReadonlyArray<{ itemId: number; toCart: number; day: string }>): Promise<number> {
  if (!moves.length) return 0;
  const [row] = await rowsOf<{ n: number }>(
    tx,
    sql`with moved as (
      update ${cartItems} i set cart_id = v.cart, planned_day = v.day
      from json_to_recordset(${JSON.stringify(moves.map((m) => ({ id: m.itemId, cart: m.toCart, day: m.day })))}::json) as v(id int, cart int, day date)
      where i.id = v.id and i.cart_id = ${fromCart}
        and not exists (select 1 from ${tasks} f where f.cart_item_id = i.id and f.status <> 'open')
      returning i.id),
    unlisted as (delete from ${tasks} t using moved where t.cart_item_id = moved.id and t.cart_id = ${fromCart} and t.status = 'open')
    select count(*)::int as n from moved`,
  );
  return row?.n ?? 0;
}

export async function logCartEvents(tx: DbOrTx, events: ReadonlyArray<{ cartId: number; actorId: string; action: string; version: number; detail: unknown }>): Promise<void> {
  if (events.length) await tx.insert(cartEvents).values(events.map((e) => ({ ...e, detail: e.detail ?? {} })));
}

/** Whether this very proposal (its Apply button's value) was applied to the giver's cart before. */
export async function rebalanceApplied(db: DbOrTx, giverCartId: number, proposal: string): Promise<boolean> {
  const [row] = await rowsOf<{ found: boolean }>(
    db,
    sql`select exists (select 1 from ${cartEvents} where cart_id = ${giverCartId} and action = 'rebalanced_out' and detail ->> 'proposal' = ${proposal}) as found`,
  );
  return Boolean(row?.found);
}
