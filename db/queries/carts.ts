// Carts, their items, the task list they become, and their audit log.
import { and, eq, gte, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { rowFromJson, rowsOf, type DbOrTx } from '../client.ts';
import type { CartTask } from '../../src/engine/types.ts';
import { cartEvents, cartItems, carts, customers, exceptions, namesVersion, people, requestKeys, systemTasks, taskTypes, tasks, teams, timeOff } from '../schema.ts';
import type { FlaggedDay } from './approvals.ts';
import type { PersonWithTeam } from './people.ts';

export type CartRow = typeof carts.$inferSelect;
export type TimeOffRange = Pick<typeof timeOff.$inferSelect, 'slackUserId' | 'fromDay' | 'toDay' | 'reason'>;

/** A cart with everything the engine needs of it. */
export interface CartSnapshot {
  cart: CartRow;
  owner: PersonWithTeam;
  /** The owner's days off and their team's holidays that touch the cart's week. */
  timeOff: TimeOffRange[];
  /** The fingerprint of the owner's and team's rows, the time off and the cart's message: a save can check it is unchanged. */
  context: string;
  /** The count of changes to customers' names and task types' labels and efforts when read (names_version). */
  names: number;
  /** The items as the engine's tasks, by day. */
  items: CartTask[];
  /** The duplicates dropped when the cart was made, as the 'created' event recorded them. */
  merged: unknown[];
  /** The request asking was seen before: what it asked for is already done. */
  replayed: boolean;
  /** The task type asked for with the cart (an Add task's), when it exists. */
  type: { key: string; label: string; effortMinutes: number } | null;
}

/**
 * An item as the snapshot sends it: its values in the order of `itemOf`. Arrays, not objects: a
 * 120-task cart is 14 kB of JSON instead of 34 kB to build, send and parse on every click.
 */
type ItemRow = [string, string, string, string, string | null, string | null, number, CartTask['priority'], string, string | null, string | null, boolean, CartTask['source'], string, Finished];

/** Done, skipped or carried over on the task list of an earlier commit (a cart reopened after it), else null. */
type Finished = NonNullable<CartTask['finished']> | null;

/** An item as the engine sees it: one done, skipped or carried over on the task list stays where it is (fixed). */
const itemOf = ([id, type, label, title, customerId, customerName, effort, priority, day, earliest, due, fixed, source, notes, finished]: ItemRow): CartTask => ({
  id,
  type,
  label,
  title,
  customerId,
  customerName,
  effort,
  priority,
  day,
  earliest,
  due,
  fixed: fixed || finished !== null,
  source,
  notes,
  finished,
});

/**
 * A cart and all a change needs of it in one round trip: its owner and their team, the time off
 * of its week, its items and its merge notes, each aggregated as JSON by the database (cheaper
 * than building and mapping a wide select on every click). `context` fingerprints what a change
 * is decided on besides the cart's version (the owner's and team's rows, the week's time off,
 * where the cart's message is): a save told it checks it is unchanged (saveChangeOrRead).
 */
export function snapshotQuery(cartId: number, requestKey: string | null, typeKey: string | null): SQL {
  return madeOnce('snapshot', (v) => snapshotSql(v.cartId, v.requestKey, v.typeKey), { cartId, requestKey, typeKey });
}

/** One cart's snapshot, with its values (or marks for them; a task type may be SQL): made once (madeOnce). */
export function snapshotSql(cartId: unknown, requestKey: unknown, typeKey: unknown): SQL {
  return snapshotsWhere(sql`c.id = ${cartId}`, requestKey, typeKey);
}

/** The snapshot of each cart `which` picks (a condition on `c`, the carts row). */
function snapshotsWhere(which: SQL, requestKey: unknown, typeKey: unknown): SQL {
  return sql`select to_json(c) as cart, to_json(p) as person, to_json(tm) as team, o.list as time_off,
      ${contextOf(sql`c`, sql`p`, sql`tm`, sql`o.stamp`, sql`d.stamp`)} as context, ${namesCount} as names,
      (select coalesce(json_agg(json_build_array(
          i.id::text, i.type_key, tt.label, i.title, i.customer_id, cu.name,
          i.effort_minutes, i.priority, i.planned_day, i.earliest, i.due,
          i.fixed, i.source, i.notes, ${finishedOf(sql`i`)}) order by i.planned_day, i.id), '[]')
        from ${cartItems} i
        join ${taskTypes} tt on tt.key = i.type_key
        left join ${customers} cu on cu.id = i.customer_id
        where i.cart_id = c.id) as items,
      (select e.detail -> 'merged' from ${cartEvents} e
        where e.cart_id = c.id and e.action = 'created' order by e.id desc limit 1) as merged,
      exists (select 1 from ${requestKeys} k where k.key = ${requestKey}) as replayed,
      (select json_build_array(t.label, t.effort_minutes) from ${taskTypes} t where t.key = ${typeKey}) as type
    from ${carts} c
    join ${people} p on p.slack_user_id = c.agent_id
    join ${teams} tm on tm.id = p.team_id
    cross join lateral ${timeOffOf(sql`c`, sql`p`)} o
    cross join lateral ${finishedStampOf(sql`c`)} d
    where ${which}`;
}

/**
 * The owner's days off and their team's holidays that touch the cart's week: `list` as JSON, and
 * `stamp`, each row's id and row version (xmin) — what a change to any of them changes.
 */
const timeOffOf = (c: SQL, p: SQL) => sql`(select
      coalesce(json_agg(json_build_object('slackUserId', o.slack_user_id, 'fromDay', o.from_day, 'toDay', o.to_day, 'reason', o.reason) order by o.id), '[]') as list,
      string_agg(o.id || '.' || o.xmin, ',' order by o.id) as stamp
    from ${timeOff} o
    where (o.slack_user_id = ${c}.agent_id or (o.slack_user_id is null and o.team_id = ${p}.team_id))
      and o.from_day <= ${c}.week_start + 6 and o.to_day >= ${c}.week_start)`;

/** What of a task on the list is settled: done, skipped, or carried over into a later week's cart. */
const FINISHED = sql`('done', 'skipped', 'carried_over')`;

/**
 * What of the task list an item shows (a cart reopened after its commit): 'done' or 'skipped' when
 * the agent marked its task so, 'carried_over' when a later week's cart took it, else null. One
 * lookup by item (tasks_cart_item_idx).
 */
const finishedOf = (i: SQL) => sql`(select f.status from ${tasks} f where f.cart_item_id = ${i}.id and f.status in ${FINISHED} limit 1)`;

/**
 * The cart's items whose tasks are done, skipped or carried over, fingerprinted (`stamp`, null when
 * none): a Done or a Skip on the task list, or a later cart carrying a task, changes no cart row, yet
 * makes an item fixed (finishedOf).
 */
const finishedStampOf = (c: SQL) => sql`(select md5(string_agg(f.cart_item_id || f.status, ',' order by f.cart_item_id, f.status)) as stamp
      from ${tasks} f
      where f.cart_id = ${c}.id and f.cart_item_id is not null and f.status in ${FINISHED})`;

/**
 * A cart's context, fingerprinted: the row versions (xmin) of its owner's and team's rows — every
 * update of a row makes a new version — the time off's, which of its items are done, skipped or carried over on
 * the task list, and where its message is. Some tens of bytes, computed in microseconds (a digest
 * of the rows as JSON took half a millisecond).
 */
const contextOf = (c: SQL, p: SQL, tm: SQL, timeOffStamp: SQL, finishedStamp: SQL) =>
  sql`concat_ws('|', ${p}.xmin, ${tm}.xmin, coalesce(${timeOffStamp}, ''), coalesce(${c}.channel_id, ''), coalesce(${c}.message_ts, ''), coalesce(${finishedStamp}, ''))`;

/** The count of changes to what a cart shows but does not version (db/schema.ts namesVersion). */
const namesCount = sql`coalesce((select n.version from ${namesVersion} n), 0)`;

type SnapshotRow = { cart: Json; person: Json; team: Json; time_off: TimeOffRange[]; context: string; names: number; items: ItemRow[]; merged: unknown[] | null; replayed: boolean; type: [string, number] | null };
type Json = Record<string, unknown>;

function snapshotOf(row: SnapshotRow, typeKey?: string): CartSnapshot {
  return {
    cart: rowFromJson(carts, row.cart),
    owner: { person: rowFromJson(people, row.person), team: rowFromJson(teams, row.team) },
    timeOff: row.time_off,
    context: row.context,
    names: row.names,
    items: row.items.map(itemOf),
    merged: row.merged ?? [],
    replayed: Boolean(row.replayed),
    type: row.type && typeKey !== undefined ? { key: typeKey, label: row.type[0], effortMinutes: row.type[1] } : null,
  };
}

export async function cartSnapshot(db: DbOrTx, cartId: number, requestKey?: string, typeKey?: string): Promise<CartSnapshot | null> {
  const [row] = await rowsOf<SnapshotRow>(db, snapshotQuery(cartId, requestKey ?? null, typeKey ?? null));
  return row ? snapshotOf(row, typeKey) : null;
}

/** What a kept cart is checked against (cartProbe): as they are now. */
export interface CartProbe {
  version: number;
  context: string;
  names: number;
  /** The task type asked for (an Add task's), when it exists. */
  type: CartSnapshot['type'];
}

/**
 * A cart's version, context and names count, and a task type: a small fraction of the cart's read,
 * to tell whether a cart kept past MAX_AGE_MS is still the cart (src/services/cart.ts). Null when
 * the cart is gone.
 */
export async function cartProbe(db: DbOrTx, cartId: number, typeKey?: string): Promise<CartProbe | null> {
  const [row] = await rowsOf<{ version: number; context: string; names: number; type: [string, number] | null }>(
    db,
    madeOnce(
      'probe',
      (v) => sql`select c.version, ${contextOf(sql`c`, sql`p`, sql`tm`, sql`o.stamp`, sql`d.stamp`)} as context, ${namesCount} as names,
          (select json_build_array(t.label, t.effort_minutes) from ${taskTypes} t where t.key = ${v.typeKey}) as type
        from ${carts} c
        join ${people} p on p.slack_user_id = c.agent_id
        join ${teams} tm on tm.id = p.team_id
        cross join lateral ${timeOffOf(sql`c`, sql`p`)} o
        cross join lateral ${finishedStampOf(sql`c`)} d
        where c.id = ${v.cartId}`,
      { cartId, typeKey: typeKey ?? null },
    ),
  );
  if (!row) return null;
  return { version: row.version, context: row.context, names: row.names, type: row.type && typeKey !== undefined ? { key: typeKey, label: row.type[0], effortMinutes: row.type[1] } : null };
}

/**
 * Several carts' snapshots in one round trip (a team's, for a rebalance), in no particular order;
 * a cart that does not exist is left out. The ids travel as one JSON parameter: one statement text
 * whatever their number.
 */
export async function cartSnapshots(db: DbOrTx, cartIds: readonly number[]): Promise<CartSnapshot[]> {
  if (!cartIds.length) return [];
  const rows = await rowsOf<SnapshotRow>(db, snapshotsWhere(sql`c.id in (select value::int from json_array_elements_text(${JSON.stringify(cartIds)}::json))`, null, null));
  return rows.map((row) => snapshotOf(row));
}

export async function findCart(db: DbOrTx, agentId: string, weekStart: string): Promise<CartRow | null> {
  const [row] = await db.select().from(carts).where(and(eq(carts.agentId, agentId), eq(carts.weekStart, weekStart)));
  return row ?? null;
}

/**
 * Creates the agent's cart for a week with the first group of the method: the system tasks
 * planned in it, and open tasks of the days before `carryBefore` (the week's Monday, or today
 * when the cart is made ahead of its week), carried over onto `carryTo` (the week's first day
 * still to come). Returns the existing cart when there is one (two requests racing create one cart).
 */
export async function ensureCart(tx: DbOrTx, agentId: string, weekStart: string, weekEnd: string, carryBefore: string, carryTo = weekStart): Promise<{ cart: CartRow; created: boolean }> {
  const [inserted] = await tx.insert(carts).values({ agentId, weekStart }).onConflictDoNothing().returning();
  if (!inserted) return { cart: (await findCart(tx, agentId, weekStart))!, created: false };
  const planned = await tx
    .select()
    .from(systemTasks)
    .where(and(eq(systemTasks.agentId, agentId), gte(systemTasks.plannedDay, weekStart), lte(systemTasks.plannedDay, weekEnd)));
  const carried = await tx
    .select()
    .from(tasks)
    .where(and(eq(tasks.agentId, agentId), eq(tasks.status, 'open'), lt(tasks.day, carryBefore)));
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
      plannedDay: carryTo,
      earliest: null,
      due: t.due && t.due >= carryTo ? t.due : null,
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

type NewItemRow = Pick<typeof cartItems.$inferInsert, 'typeKey' | 'title' | 'customerId' | 'effortMinutes' | 'priority' | 'plannedDay' | 'earliest' | 'due' | 'source' | 'notes'>;

/** What one change writes: items moved, removed, revised or added, the status, and on commit the task list. */
export interface CartWrite {
  moves?: { id: number; day: string }[];
  remove?: number[];
  /** Merged duplicates: the kept item takes the narrower window and the higher priority. */
  revise?: { id: number; earliest: string | null; due: string | null; priority: CartTask['priority'] }[];
  insert?: NewItemRow[];
  status?: 'open' | 'committed';
  exceptionReason?: string | null;
  /** Commit: the items become the agent's task list. */
  taskList?: boolean;
  /** A commit with flagged days and a reason: the exception its team's supervisors decide on. */
  exception?: { reason: string; flagged: FlaggedDay[] };
}

/** What a saved change claimed and wrote. */
export interface Saved {
  version: number;
  listed: number;
  /** Ids of the items inserted, in the order of `write.insert`. */
  added: number[];
  exceptionId?: number;
  /** The count of changes to customers' names and task types' labels (`names_version`) the save saw. */
  names: number;
}

interface SavedRow {
  version: number | null;
  listed: number;
  added: number[];
  exception_id: number | null;
  names: number;
  current: SnapshotRow | null;
}

/**
 * Saves one change to a cart as a single statement, so it is atomic without a transaction and
 * costs one round trip: it claims the cart's next version — only if the cart is still at the
 * version the change was decided on, and the request asking for it was not seen before — then
 * writes the items, the task list, the request's key and the audit entry.
 * Null when another change got there first, or the request is a replay: nothing was written.
 */
export async function saveChange(db: DbOrTx, cart: Pick<CartRow, 'id' | 'agentId' | 'version'>, write: CartWrite, event: ChangeEvent, now: Date): Promise<Saved | null> {
  const [row] = await rowsOf<SavedRow>(db, saveStatement(cart, write, event, now, null));
  return row && row.version !== null ? savedOf(row) : null;
}

/**
 * saveChange, for a change decided on a cart read with its `context` (cartSnapshot): it claims the
 * next version only if that context is unchanged too. When nothing was written, the same round
 * trip answers the cart as it is now (null when it is gone), to decide the change again on.
 */
export async function saveChangeOrRead(
  db: DbOrTx,
  cart: Pick<CartRow, 'id' | 'agentId' | 'version'>,
  context: string,
  write: CartWrite,
  event: ChangeEvent,
  now: Date,
): Promise<{ saved: Saved } | { current: CartSnapshot | null }> {
  // Always one row: the claim is left-joined to a single one.
  const [row] = (await rowsOf<SavedRow>(db, saveStatement(cart, write, event, now, context))) as [SavedRow];
  if (row.version !== null) return { saved: savedOf(row) };
  return { current: row.current ? snapshotOf(row.current) : null };
}

type ChangeEvent = { actorId: string; action: string; detail: unknown; requestKey?: string | undefined };

const savedOf = (row: SavedRow): Saved => ({ version: row.version!, listed: row.listed, added: row.added, names: Number(row.names), ...(row.exception_id !== null && { exceptionId: Number(row.exception_id) }) });

/** What decides the save statement's text: which steps it has. Its values travel as parameters. */
export interface SaveShape {
  status: 'open' | 'committed' | null;
  reason: boolean;
  key: boolean;
  context: boolean;
  moves: boolean;
  revise: boolean;
  remove: boolean;
  insert: boolean;
  taskList: boolean;
  exception: boolean;
}

/** The save statement's parameters, by name. */
export interface SaveValues {
  cartId: number;
  version: number;
  agentId: string;
  now: string;
  status: string | null;
  reason: string | null;
  key: string | null;
  context: string | null;
  moves: string;
  revise: string;
  remove: string;
  insert: string;
  actorId: string;
  action: string;
  detail: string;
  exceptionReason: string | null;
  flagged: string;
}

function saveStatement(cart: Pick<CartRow, 'id' | 'agentId' | 'version'>, write: CartWrite, event: ChangeEvent, now: Date, context: string | null): SQL {
  const shape: SaveShape = {
    status: write.status ?? null,
    reason: write.exceptionReason !== undefined,
    key: event.requestKey !== undefined,
    context: context !== null,
    moves: Boolean(write.moves?.length),
    revise: Boolean(write.revise?.length),
    remove: Boolean(write.remove?.length),
    insert: Boolean(write.insert?.length),
    taskList: Boolean(write.taskList),
    exception: write.exception !== undefined,
  };
  // Each list travels as one JSON parameter, whatever its length: the statement's text stays the same.
  const values: SaveValues = {
    cartId: cart.id,
    version: cart.version,
    agentId: cart.agentId,
    now: now.toISOString(),
    status: write.status ?? null,
    reason: write.exceptionReason ?? null,
    key: event.requestKey ?? null,
    context,
    moves: JSON.stringify(write.moves ?? []),
    revise: JSON.stringify(write.revise ?? []),
    remove: JSON.stringify((write.remove ?? []).map((id) => ({ id }))),
    insert: JSON.stringify(write.insert ?? []),
    actorId: event.actorId,
    action: event.action,
    detail: JSON.stringify(event.detail ?? {}),
    exceptionReason: write.exception?.reason ?? null,
    flagged: JSON.stringify(write.exception?.flagged ?? []),
  };
  return compiledSave(shape, values);
}

/**
 * The save statement of a shape, its text made by Drizzle once and kept: Drizzle walks every piece
 * of a statement to make its text on each call, and this one is some 3.5 kB of SQL in hundreds of
 * pieces (about 0.1 ms of a click's CPU in the bench's profile, issue 13). Made with a mark in
 * place of each value, then given the values in the order the marks came out; the same text, the
 * same parameters (test/db/save-statement.test.ts holds every shape to Drizzle's own). One cart's
 * read (snapshotQuery) is made once the same way.
 */
export function compiledSave(shape: SaveShape, values: SaveValues): SQL {
  return madeOnce(`save ${JSON.stringify(shape)}`, (v) => saveSql(shape, v), values);
}

/** Statements made once, by what decides their text. */
const made = new Map<string, { parts: string[]; names: string[] }>();

/** The statement `build` makes with these values, its text made by Drizzle the first time `key` is asked for and kept. */
function madeOnce<V extends object>(key: string, build: (v: V) => SQL, values: V): SQL {
  let text = made.get(key);
  if (!text) made.set(key, (text = compile(build(marks as V))));
  return sql(text.parts as unknown as TemplateStringsArray, ...text.names.map((name) => values[name as keyof V]));
}

/** Each value as a mark Drizzle passes on as a parameter: `@@value:name@@`. */
const marks = new Proxy({}, { get: (_, name) => `@@value:${String(name)}@@` });
const dialect = new PgDialect();

/** A statement built with marks for values: its text cut at each parameter, and which value goes there. */
function compile(statement: SQL): { parts: string[]; names: string[] } {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const names = params.map((p) => /^@@value:(\w+)@@$/.exec(String(p))?.[1]);
  const parts = text.split(/\$\d+/);
  const numbers = [...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
  if (names.some((n) => n === undefined) || parts.length !== params.length + 1 || numbers.some((n, i) => n !== i + 1)) throw new Error('a statement made once has a value not passed as a named parameter');
  return { parts, names: names as string[] };
}

/** The save statement of a shape, with its values (or marks for them). */
export function saveSql(shape: SaveShape, v: SaveValues): SQL {
  const set = [sql`version = version + 1`, sql`updated_at = ${v.now}::timestamptz`];
  if (shape.status) set.push(sql`status = ${v.status}`);
  if (shape.status === 'committed') set.push(sql`committed_at = ${v.now}::timestamptz`);
  if (shape.reason) set.push(sql`exception_reason = ${v.reason}`);
  const fresh = shape.key ? sql` and not exists (select 1 from ${requestKeys} where key = ${v.key})` : sql``;
  const unchanged = shape.context
    ? sql` and (select ${contextOf(sql`${carts}`, sql`p`, sql`tm`, sql`o.stamp`, sql`d.stamp`)}
        from ${people} p join ${teams} tm on tm.id = p.team_id cross join lateral ${timeOffOf(sql`${carts}`, sql`p`)} o
        cross join lateral ${finishedStampOf(sql`${carts}`)} d
        where p.slack_user_id = ${carts}.agent_id) = ${v.context}`
    : sql``;
  const steps = [sql`claim as (update ${carts} set ${sql.join(set, sql`, `)} where id = ${v.cartId} and version = ${v.version}${fresh}${unchanged} returning id, version)`];
  // A copy of this request racing this one fails on the key's primary key: nothing of it is written.
  if (shape.key) steps.push(sql`keyed as (insert into ${requestKeys} (key) select ${v.key} from claim)`);
  const rows = (list: string) => sql`json_to_recordset(${list}::json)`;
  if (shape.moves) {
    steps.push(sql`moved as (
      update ${cartItems} i set planned_day = v.day
      from claim, ${rows(v.moves)} as v(id int, day date)
      where i.cart_id = claim.id and i.id = v.id)`);
  }
  if (shape.revise) {
    steps.push(sql`revised as (
      update ${cartItems} i set earliest = v.earliest, due = v.due, priority = v.priority
      from claim, ${rows(v.revise)} as v(id int, earliest date, due date, priority text)
      where i.cart_id = claim.id and i.id = v.id)`);
  }
  if (shape.remove) {
    steps.push(sql`removed as (
      delete from ${cartItems} i using claim, ${rows(v.remove)} as v(id int)
      where i.cart_id = claim.id and i.id = v.id)`);
  }
  if (shape.insert) {
    steps.push(sql`added as (
      insert into ${cartItems} (cart_id, type_key, title, customer_id, effort_minutes, priority, planned_day, earliest, due, source, notes)
      select claim.id, v."typeKey", v.title, v."customerId", v."effortMinutes", coalesce(v.priority, 'normal'), v."plannedDay", v.earliest, v.due, v.source, coalesce(v.notes, '')
      from claim, ${rows(v.insert)} as v("typeKey" text, title text, "customerId" text, "effortMinutes" int, priority text, "plannedDay" date, earliest date, due date, source text, notes text)
      returning id)`);
  }
  if (shape.taskList) {
    // Done, skipped and carried-over tasks of an earlier commit stay (a carried one is in a later
    // week's cart: listing it here again would plan it twice); open ones are replaced. The statement reads
    // one snapshot, so an open task that a concurrent Done changed is not deleted (the delete
    // re-checks it) and must not get a copy either: its item is left out unless its task went.
    steps.push(sql`replaced as (delete from ${tasks} t using claim where t.cart_id = claim.id and t.status = 'open' returning t.id)`);
    steps.push(sql`listed as (
      insert into ${tasks} (cart_id, cart_item_id, agent_id, system_task_id, type_key, title, customer_id, effort_minutes, priority, day, due, source, notes)
      select i.cart_id, i.id, ${v.agentId}, i.system_task_id, i.type_key, i.title, i.customer_id, i.effort_minutes, i.priority, i.planned_day, i.due, i.source, i.notes
      from ${cartItems} i join claim on i.cart_id = claim.id
      where not exists (
        select 1 from ${tasks} t
        where t.cart_item_id = i.id and (t.status in ${FINISHED} or (t.status = 'open' and t.id not in (select id from replaced))))
      returning 1)`);
  }
  steps.push(sql`logged as (
    insert into ${cartEvents} (cart_id, actor_id, action, version, detail)
    select id, ${v.actorId}, ${v.action}, version, ${v.detail}::jsonb from claim)`);
  if (shape.exception) {
    steps.push(sql`excepted as (
      insert into ${exceptions} (cart_id, version, reason, flagged)
      select id, version, ${v.exceptionReason}, ${v.flagged}::jsonb from claim
      returning id)`);
  }
  const listed = shape.taskList ? sql`(select count(*) from listed)::int` : sql`0`;
  const excepted = shape.exception ? sql`(select id from excepted)` : sql`null::int`;
  // Ids are drawn in the order the rows are inserted, which is the order of the list.
  const added = shape.insert ? sql`(select coalesce(json_agg(id order by id), '[]') from added)` : sql`'[]'::json`;
  // Read only when nothing was claimed (PostgreSQL runs a CASE branch's subquery only when taken), as
  // the statement's snapshot saw the cart: a change that raced this one shows on the next attempt.
  const current = shape.context ? sql`case when claim.id is null then (select row_to_json(s) from (${snapshotSql(v.cartId, v.key, sql`null`)}) s) end` : sql`null::json`;
  // The count of renames, for the answer: a cart decided on names older than this is read again to be shown.
  return sql`with ${sql.join(steps, sql`, `)}
    select claim.version, ${listed} as listed, ${added} as added, ${excepted} as exception_id, ${namesCount} as names, ${current} as current
    from (select 1) as one left join claim on true`;
}

export async function setCartMessage(db: DbOrTx, cartId: number, channelId: string, messageTs: string): Promise<void> {
  await db.update(carts).set({ channelId, messageTs }).where(eq(carts.id, cartId));
}

/**
 * Records the cart's new message, posted in place of the one at `was` (null: none), unless another
 * post recorded one since: false then, and that one is the cart's message.
 */
export async function claimCartMessage(db: DbOrTx, cartId: number, was: string | null, channelId: string, messageTs: string): Promise<boolean> {
  const claimed = await db
    .update(carts)
    .set({ channelId, messageTs })
    .where(and(eq(carts.id, cartId), was === null ? isNull(carts.messageTs) : eq(carts.messageTs, was)))
    .returning({ id: carts.id });
  return claimed.length > 0;
}

/** A task as the task list shows it. */
export type TaskRow = Pick<typeof tasks.$inferSelect, 'id' | 'typeKey' | 'title' | 'effortMinutes' | 'priority' | 'day' | 'status'> & { label: string; customerName: string | null };
export type CartSummary = Pick<CartRow, 'weekStart' | 'status' | 'exceptionReason'>;

/** How many of the open tasks before the list's first day taskListOf reads: the latest ones. */
export const EARLIER_MAX = 50;

/**
 * The tasks of `agentId` (an id, or a column) left open on a day before `before`: no cart has carried
 * them yet. Read by the partial index of open tasks (schema.ts `tasks_open_agent_day_idx`); on the
 * task list (taskListOf) and in the start-of-day reminder's count (reminders.ts).
 */
export const openBefore = (agentId: unknown, before: SQL) => sql`t.agent_id = ${agentId} and t.status = 'open' and t.day < ${before}`;

/** Tasks `t` as a list shows them, with their type's label and their customer's name (also reminders.ts). */
export const listed = (where: SQL) => sql`select t.*, tt.label, cu.name as customer_name from ${tasks} t
  join ${taskTypes} tt on tt.key = t.type_key
  left join ${customers} cu on cu.id = t.customer_id
  where ${where}`;
/** A row `r` of `listed` as a TaskRow. */
export const taskRow = sql`json_build_object('id', r.id, 'typeKey', r.type_key, 'title', r.title, 'effortMinutes', r.effort_minutes, 'priority', r.priority, 'day', r.day,
  'status', r.status, 'label', r.label, 'customerName', r.customer_name)`;

/**
 * The agent's tasks between two days, by day, and their carts of the given weeks: one round trip.
 * With them, the tasks still open before `from` (no later cart carried them yet: the last work day's
 * of the week before, when the next week's cart was made on it), the latest EARLIER_MAX by day, and
 * how many there are.
 */
export async function taskListOf(db: DbOrTx, agentId: string, from: string, to: string, weekStarts: string[]): Promise<{ tasks: TaskRow[]; carts: CartSummary[]; earlier: TaskRow[]; earlierCount: number }> {
  const earlier = openBefore(agentId, sql`${from}::date`);
  const [found] = await rowsOf<{ tasks: TaskRow[]; carts: CartSummary[]; earlier: TaskRow[]; earlierCount: number }>(db, sql`select
    (select coalesce(json_agg(${taskRow} order by r.day, r.id), '[]')
      from (${listed(sql`t.agent_id = ${agentId} and t.day between ${from}::date and ${to}::date`)}) r) as tasks,
    (select coalesce(json_agg(${taskRow} order by r.day, r.id), '[]')
      from (${listed(earlier)} order by t.day desc, t.id desc limit ${EARLIER_MAX}) r) as earlier,
    (select count(*) from ${tasks} t where ${earlier})::int as "earlierCount",
    (select coalesce(json_agg(json_build_object('weekStart', c.week_start, 'status', c.status, 'exceptionReason', c.exception_reason)), '[]')
      from ${carts} c
      where c.agent_id = ${agentId} and c.week_start in (${sql.join(weekStarts.map((w) => sql`${w}::date`), sql`, `)})) as carts`);
  return found!;
}

/**
 * Marks one of the agent's tasks done, skipped or open again, in one statement that also claims
 * the request's key: 'replayed' when the key was claimed before (nothing changes), 'not_theirs'
 * when the task is not on the agent's list, 'carried' when a later week's cart took it (its copy
 * there is the one to mark: a stale button marking this one would leave that copy to be done
 * again, and an Undo would let the next cart carry it a second time).
 */
export async function setTaskStatus(db: DbOrTx, agentId: string, taskId: number, status: 'open' | 'done' | 'skipped', requestKey?: string): Promise<'marked' | 'not_theirs' | 'carried' | 'replayed'> {
  const claim = requestKey
    ? sql`claimed as (insert into ${requestKeys} (key) values (${requestKey}) on conflict do nothing returning key)`
    : sql`claimed as (select 1)`;
  const [row] = await rowsOf<{ claimed: number; marked: number; carried: number }>(
    db,
    sql`with ${claim},
      marked as (
        update ${tasks} set status = ${status}, done_at = ${status === 'open' ? null : sql`now()`}
        where id = ${taskId} and agent_id = ${agentId} and status <> 'carried_over' and exists (select 1 from claimed)
        returning 1)
    select (select count(*) from claimed)::int as claimed, (select count(*) from marked)::int as marked,
      (select count(*) from ${tasks} where id = ${taskId} and agent_id = ${agentId} and status = 'carried_over')::int as carried`,
  );
  if (!row?.claimed) return 'replayed';
  return row.marked ? 'marked' : row.carried ? 'carried' : 'not_theirs';
}
