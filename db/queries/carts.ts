// Carts, their items, the task list they become, and their audit log.
import { and, asc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../client.ts';
import type { CartTask } from '../../src/engine/types.ts';
import { cartEvents, cartItems, carts, customers, people, systemTasks, taskTypes, tasks, teams, timeOff } from '../schema.ts';
import type { PersonWithTeam } from './people.ts';

export type CartRow = typeof carts.$inferSelect;
export type TimeOffRange = Pick<typeof timeOff.$inferSelect, 'slackUserId' | 'fromDay' | 'toDay' | 'reason'>;

/** A cart with everything the engine needs of it. */
export interface CartSnapshot {
  cart: CartRow;
  owner: PersonWithTeam;
  /** The owner's days off and their team's holidays that touch the cart's week. */
  timeOff: TimeOffRange[];
  /** The items as the engine's tasks, by day. */
  items: CartTask[];
  /** The duplicates dropped when the cart was made, as lines for the agent. */
  merged: string[];
}

/**
 * A cart and all a change needs of it in one round trip: its owner and their team, the time off
 * of its week, its items (aggregated as JSON by the database: cheaper than mapping rows) and its
 * merge notes. With `lock`, the cart row (only it) is held for the rest of the transaction, so
 * concurrent changes to one cart queue up.
 */
export async function cartSnapshot(db: DbOrTx, cartId: number, options: { lock: boolean }): Promise<CartSnapshot | null> {
  const query = db
    .select({
      cart: carts,
      person: people,
      team: teams,
      timeOff: sql<TimeOffRange[]>`(
        select coalesce(json_agg(json_build_object('slackUserId', o.slack_user_id, 'fromDay', o.from_day, 'toDay', o.to_day, 'reason', o.reason)), '[]')
        from ${timeOff} o
        where (o.slack_user_id = ${carts.agentId} or (o.slack_user_id is null and o.team_id = ${people.teamId}))
          and o.from_day <= ${carts.weekStart} + 6 and o.to_day >= ${carts.weekStart})`,
      items: sql<CartTask[]>`(
        select coalesce(json_agg(json_build_object(
          'id', i.id::text, 'type', i.type_key, 'label', tt.label, 'title', i.title, 'customerId', i.customer_id, 'customerName', cu.name,
          'effort', i.effort_minutes, 'priority', i.priority, 'day', i.planned_day, 'earliest', i.earliest, 'due', i.due,
          'fixed', i.fixed, 'source', i.source, 'notes', i.notes) order by i.planned_day, i.id), '[]')
        from ${cartItems} i
        join ${taskTypes} tt on tt.key = i.type_key
        left join ${customers} cu on cu.id = i.customer_id
        where i.cart_id = ${carts.id})`,
      merged: sql<string[] | null>`(
        select e.detail -> 'merged' from ${cartEvents} e
        where e.cart_id = ${carts.id} and e.action = 'created' order by e.id desc limit 1)`,
    })
    .from(carts)
    .innerJoin(people, eq(people.slackUserId, carts.agentId))
    .innerJoin(teams, eq(teams.id, people.teamId))
    .where(eq(carts.id, cartId));
  const [row] = await (options.lock ? query.for('update', { of: carts }) : query);
  if (!row) return null;
  return { cart: row.cart, owner: { person: row.person, team: row.team }, timeOff: row.timeOff, items: row.items, merged: row.merged ?? [] };
}

export async function findCart(db: DbOrTx, agentId: string, weekStart: string): Promise<CartRow | null> {
  const [row] = await db.select().from(carts).where(and(eq(carts.agentId, agentId), eq(carts.weekStart, weekStart)));
  return row ?? null;
}

/**
 * Creates the agent's cart for a week with the first group of the method: the system tasks
 * planned in it, and open tasks of earlier weeks, carried over. Returns the existing cart
 * when there is one (two requests racing create one cart).
 */
export async function ensureCart(tx: DbOrTx, agentId: string, weekStart: string, weekEnd: string): Promise<{ cart: CartRow; created: boolean }> {
  const [inserted] = await tx.insert(carts).values({ agentId, weekStart }).onConflictDoNothing().returning();
  if (!inserted) return { cart: (await findCart(tx, agentId, weekStart))!, created: false };
  const planned = await tx
    .select()
    .from(systemTasks)
    .where(and(eq(systemTasks.agentId, agentId), gte(systemTasks.plannedDay, weekStart), lte(systemTasks.plannedDay, weekEnd)));
  const carried = await tx
    .select()
    .from(tasks)
    .where(and(eq(tasks.agentId, agentId), eq(tasks.status, 'open'), lt(tasks.day, weekStart)));
  const values = [
    ...planned.map((t) => ({
      cartId: inserted.id,
      systemTaskId: t.id,
      typeKey: t.typeKey,
      title: t.title,
      customerId: t.customerId,
      effortMinutes: t.effortMinutes,
      priority: t.priority,
      plannedDay: t.plannedDay,
      earliest: t.earliest,
      due: t.due,
      fixed: t.fixed,
      source: t.source,
    })),
    ...carried.map((t) => ({
      cartId: inserted.id,
      systemTaskId: t.systemTaskId,
      typeKey: t.typeKey,
      title: t.title,
      customerId: t.customerId,
      effortMinutes: t.effortMinutes,
      priority: t.priority,
      plannedDay: weekStart,
      earliest: null,
      due: t.due && t.due >= weekStart ? t.due : null,
      fixed: false,
      source: 'carried_over' as const,
      notes: t.notes,
    })),
  ];
  if (values.length) await tx.insert(cartItems).values(values).onConflictDoNothing();
  // Carried once: the old week's list shows them as carried over, and no later cart takes them again.
  if (carried.length) await tx.update(tasks).set({ status: 'carried_over' }).where(inArray(tasks.id, carried.map((t) => t.id)));
  return { cart: inserted, created: true };
}

export async function removeItems(tx: DbOrTx, cartId: number, ids: number[]): Promise<void> {
  if (ids.length) await tx.delete(cartItems).where(and(eq(cartItems.cartId, cartId), inArray(cartItems.id, ids)));
}

/** Moves items to new days in one statement, however many there are. */
export async function moveItems(tx: DbOrTx, cartId: number, moves: { id: number; day: string }[]): Promise<void> {
  if (!moves.length) return;
  const values = sql.join(moves.map((m) => sql`(${m.id}::int, ${m.day}::date)`), sql`, `);
  await tx.execute(sql`update ${cartItems} set planned_day = v.day from (values ${values}) as v(id, day) where ${cartItems.id} = v.id and ${cartItems.cartId} = ${cartId}`);
}

/** Bumps the version and records the change; the caller holds the row lock. */
export async function recordChange(
  tx: DbOrTx,
  cart: CartRow,
  change: { actorId: string; action: string; detail: unknown; set?: Partial<CartRow> },
): Promise<CartRow> {
  // Both statements go out together (pipelined in the transaction): one round trip.
  const [[updated]] = await Promise.all([
    tx
      .update(carts)
      .set({ ...change.set, version: cart.version + 1, updatedAt: sql`now()` })
      .where(eq(carts.id, cart.id))
      .returning(),
    tx.insert(cartEvents).values({ cartId: cart.id, actorId: change.actorId, action: change.action, version: cart.version + 1, detail: change.detail as object }),
  ]);
  return updated!;
}

export async function setCartMessage(db: DbOrTx, cartId: number, channelId: string, messageTs: string): Promise<void> {
  await db.update(carts).set({ channelId, messageTs }).where(eq(carts.id, cartId));
}

/**
 * Commit: the cart's items become the agent's task list, copied in the database in one statement.
 * Done and skipped tasks of an earlier commit stay; open ones are replaced.
 */
export async function writeTaskList(tx: DbOrTx, cart: CartRow): Promise<number> {
  // One statement: the delete and the insert read the same snapshot, so the delete takes only
  // the earlier commit's open tasks.
  const rows = await rowsOf<{ id: number }>(tx, sql`
    with replaced as (delete from ${tasks} where cart_id = ${cart.id} and status = 'open')
    insert into ${tasks} (cart_id, cart_item_id, agent_id, system_task_id, type_key, title, customer_id, effort_minutes, priority, day, due, source, notes)
    select i.cart_id, i.id, ${cart.agentId}, i.system_task_id, i.type_key, i.title, i.customer_id, i.effort_minutes, i.priority, i.planned_day, i.due, i.source, i.notes
    from ${cartItems} i
    where i.cart_id = ${cart.id}
      and not exists (select 1 from ${tasks} t where t.cart_item_id = i.id and t.status in ('done', 'skipped'))
    returning id`);
  return rows.length;
}

export type TaskRow = typeof tasks.$inferSelect & { label: string; customerName: string | null };

/** The agent's task list between two days, with labels and customer names. */
export async function taskList(db: DbOrTx, agentId: string, from: string, to: string): Promise<TaskRow[]> {
  const rows = await db
    .select({ task: tasks, label: taskTypes.label, customerName: customers.name })
    .from(tasks)
    .innerJoin(taskTypes, eq(taskTypes.key, tasks.typeKey))
    .leftJoin(customers, eq(customers.id, tasks.customerId))
    .where(and(eq(tasks.agentId, agentId), gte(tasks.day, from), lte(tasks.day, to)))
    .orderBy(asc(tasks.day), asc(tasks.id));
  return rows.map((r) => ({ ...r.task, label: r.label, customerName: r.customerName }));
}

/** Marks one of the agent's tasks done, skipped or open again; null when it is not theirs. */
export async function setTaskStatus(db: DbOrTx, agentId: string, taskId: number, status: 'open' | 'done' | 'skipped') {
  const [row] = await db
    .update(tasks)
    .set({ status, doneAt: status === 'open' ? null : sql`now()` })
    .where(and(eq(tasks.id, taskId), eq(tasks.agentId, agentId)))
    .returning();
  return row ?? null;
}

export async function cartsOf(db: DbOrTx, agentId: string, weekStarts: string[]): Promise<CartRow[]> {
  return db.select().from(carts).where(and(eq(carts.agentId, agentId), inArray(carts.weekStart, weekStarts)));
}

export async function insertItems(
  tx: DbOrTx,
  cartId: number,
  items: Array<Pick<typeof cartItems.$inferInsert, 'typeKey' | 'title' | 'customerId' | 'effortMinutes' | 'priority' | 'plannedDay' | 'source' | 'notes'>>,
): Promise<void> {
  if (items.length) await tx.insert(cartItems).values(items.map((i) => ({ ...i, cartId })));
}
