// The method's loop on a stored cart: load it, decide with the pure engine, save in one
// transaction with a version bump and an audit entry. Knows nothing of Slack.
import { desc, eq, and } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { cartItemsOf, ensureCart, insertItems, lockCart, moveItems, recordChange, removeItems, timeOffFor, writeTaskList, type CartItemRow, type CartRow } from '../../db/queries/carts.ts';
import { findPerson, type PersonWithTeam } from '../../db/queries/people.ts';
import { cartEvents, carts } from '../../db/schema.ts';
import {
  addDays,
  addTasks,
  applyMoves,
  autoBalance,
  lightestAllowedDay,
  moveTask,
  removeTask,
  buildWeek,
  dayName,
  measure,
  mergeTasks,
  nextWeekStart,
  suggest,
  weekEnd,
  weekStartOf,
  type Advice,
  type CartTask,
  type Measure,
  type Move,
  type Week,
} from '../engine/index.ts';
import { AppError } from '../errors.ts';

export interface CartState {
  cart: CartRow;
  person: PersonWithTeam;
  week: Week;
  tasks: CartTask[];
  measure: Measure;
  advice: Advice[];
  /** Duplicates dropped when the cart was made, as lines for the agent. */
  merged: string[];
}

export interface NewItem {
  typeKey: string;
  title: string;
  customerId: string | null;
  effortMinutes: number;
  priority: CartTask['priority'];
  /** Null: the lightest allowed day. */
  day: string | null;
  source: 'custom' | 'recommended';
  notes: string;
}

export type CartChange =
  | { kind: 'apply'; day: string; index: number }
  | { kind: 'balance' }
  | { kind: 'move'; itemId: number; day: string }
  | { kind: 'remove'; itemId: number }
  | { kind: 'add'; items: NewItem[] }
  | { kind: 'commit'; reason?: string }
  | { kind: 'reopen' };

/** Changes that do not depend on what the agent saw may go to the cart as it is now. */
export const CURRENT = -1;

export interface ChangeResult {
  state: CartState;
  /** What happened, in a line for the agent. */
  notice: string;
  changed: boolean;
  /** Committed or reopened: the task list (and App Home) changed too. */
  listChanged: boolean;
  /** Commit of a flagged cart where the team allows it: ask the agent for the reason first. */
  needsReason?: boolean;
}

export async function requirePerson(db: DbOrTx, userId: string): Promise<PersonWithTeam> {
  const found = await findPerson(db, userId);
  if (!found) throw new AppError('unknown_user', userId);
  return found;
}

export function zoneOf(p: PersonWithTeam): string {
  return p.person.timezone ?? p.team.timezone;
}

export async function weekFor(db: DbOrTx, p: PersonWithTeam, weekStart: string): Promise<Week> {
  const off = await timeOffFor(db, p.person.slackUserId, p.team.id, weekStart, addDays(weekStart, 6));
  const range = (r: (typeof off)[number]) => ({ from: r.fromDay, to: r.toDay, reason: r.reason });
  return buildWeek(weekStart, {
    zone: zoneOf(p),
    workDays: p.team.workDays,
    dayCapacity: p.person.dayCapacityMinutes ?? p.team.dayCapacityMinutes,
    upperPercent: p.team.upperPercent,
    lowerPercent: p.team.lowerPercent,
    holidays: off.filter((r) => r.slackUserId === null).map(range),
    timeOff: off.filter((r) => r.slackUserId !== null).map(range),
  });
}

export function toTask(i: CartItemRow): CartTask {
  return {
    id: String(i.id),
    type: i.typeKey,
    label: i.label,
    title: i.title,
    customerId: i.customerId,
    customerName: i.customerName,
    effort: i.effortMinutes,
    priority: i.priority,
    day: i.plannedDay,
    earliest: i.earliest,
    due: i.due,
    fixed: i.fixed,
    source: i.source,
    notes: i.notes,
  };
}

async function stateOf(db: DbOrTx, cart: CartRow, person: PersonWithTeam): Promise<CartState> {
  const week = await weekFor(db, person, cart.weekStart);
  const tasks = (await cartItemsOf(db, cart.id)).map(toTask);
  const [created] = await db
    .select({ detail: cartEvents.detail })
    .from(cartEvents)
    .where(and(eq(cartEvents.cartId, cart.id), eq(cartEvents.action, 'created')))
    .orderBy(desc(cartEvents.id))
    .limit(1);
  const merged = ((created?.detail as { merged?: string[] } | undefined)?.merged ?? []).slice();
  return { cart, person, week, tasks, measure: measure(tasks, week), advice: suggest(tasks, week), merged };
}

/** The agent's cart for this or next week, made from the system's tasks if it does not exist yet. */
export async function openCart(db: Db, userId: string, which: 'this' | 'next' | { weekStart: string }, now: Date): Promise<{ state: CartState; created: boolean }> {
  return db.transaction(async (tx) => {
    const person = await requirePerson(tx, userId);
    const zone = zoneOf(person);
    const weekStart = typeof which === 'object' ? which.weekStart : which === 'this' ? weekStartOf(now, zone) : nextWeekStart(now, zone);
    const week = await weekFor(tx, person, weekStart);
    const { cart, created } = await ensureCart(tx, userId, weekStart, weekEnd(week));
    if (!created) return { state: await stateOf(tx, cart, person), created };
    // Step 03: duplicates of the first group are merged once, when the cart is made.
    const items = await cartItemsOf(tx, cart.id);
    const { merged } = mergeTasks(items.map(toTask));
    await removeItems(tx, cart.id, merged.map((m) => Number(m.dropped.id)));
    const lines = merged.map((m) => `${m.dropped.label} · ${m.dropped.customerName ?? m.dropped.customerId} (${dayName(m.dropped.day)}) merged into ${dayName(m.kept.day)}`);
    const fresh = await recordChange(tx, cart, { actorId: userId, action: 'created', detail: { items: items.length - merged.length, merged: lines } });
    return { state: await stateOf(tx, fresh, person), created };
  });
}

export async function loadCart(db: Db, userId: string, cartId: number): Promise<CartState> {
  const person = await requirePerson(db, userId);
  const [cart] = await db.select().from(carts).where(eq(carts.id, cartId));
  if (!cart) throw new AppError('not_found', 'That cart no longer exists.');
  if (cart.agentId !== userId) throw new AppError('forbidden', 'That cart belongs to someone else: you can only change your own.');
  return stateOf(db, cart, person);
}

/** The cart, for adding tasks to it: refused when it is committed. */
export async function loadOpenCart(db: Db, userId: string, cartId: number): Promise<CartState> {
  const state = await loadCart(db, userId, cartId);
  if (state.cart.status === 'committed') throw new AppError('committed', 'This cart is committed. Press Reopen to change it.');
  return state;
}

/** Where a new task goes unless the agent picks a day: the lightest work day of the week. */
export function defaultDay(state: CartState): string {
  const placeholder: CartTask = { id: 'new', type: 'custom', label: '', title: '', customerId: null, customerName: null, effort: 15, priority: 'normal', day: state.week.start, earliest: null, due: null, fixed: false, source: 'custom' };
  return lightestAllowedDay(state.tasks, state.week, placeholder) ?? state.week.start;
}

/**
 * One change to a cart, made only if the agent acted on its current version: a double
 * click, a Slack retry or an outdated copy of the message changes nothing and says so.
 */
export async function changeCart(db: Db, userId: string, cartId: number, version: number, change: CartChange): Promise<ChangeResult> {
  return db.transaction(async (tx) => {
    const person = await requirePerson(tx, userId);
    const cart = await lockCart(tx, cartId);
    if (!cart) throw new AppError('not_found', 'That cart no longer exists.');
    if (cart.agentId !== userId) throw new AppError('forbidden', 'That cart belongs to someone else: you can only change your own.');
    const state = await stateOf(tx, cart, person);
    if (version !== CURRENT && cart.version !== version) {
      return { state, changed: false, listChanged: false, notice: 'That button was on an older copy of your cart, so nothing changed. This is the cart as it is now.' };
    }
    if (cart.status === 'committed' && change.kind !== 'reopen') {
      return { state, changed: false, listChanged: false, notice: 'This cart is committed. Press Reopen to change it.' };
    }
    /** Saves the change; the new state is computed from `after` when the tasks are already known. */
    const save = async (action: string, detail: unknown, notice: string, set?: Partial<CartRow>, after?: CartTask[]) => {
      const next = await recordChange(tx, cart, { actorId: userId, action, detail, set });
      const fresh = after ? { ...state, cart: next, tasks: after, measure: measure(after, state.week), advice: suggest(after, state.week) } : await stateOf(tx, next, person);
      return { state: fresh, changed: true, notice, listChanged: next.status !== cart.status };
    };
    switch (change.kind) {
      case 'apply': {
        const advice = state.advice.find((a) => a.day === change.day);
        const suggestion = advice?.suggestions[change.index];
        if (!suggestion) return { state, changed: false, listChanged: false, notice: 'That suggestion no longer applies.' };
        const after = applyMoves(state.tasks, state.week, suggestion.moves);
        await moveItems(tx, cart.id, suggestion.moves.map((m) => ({ id: Number(m.taskId), day: m.to })));
        return save('apply_suggestion', { moves: suggestion.moves }, `Applied: ${describeMoves(state.tasks, suggestion.moves)}. ${flagLine(measure(after, state.week))}`, undefined, after);
      }
      case 'balance': {
        const r = autoBalance(state.tasks, state.week);
        if (!r.moves.length) return { state, changed: false, listChanged: false, notice: state.measure.flagged ? 'Auto-balance found no move that helps: see why under each flagged day.' : 'Nothing to balance: no day is flagged.' };
        await moveItems(tx, cart.id, r.moves.map((m) => ({ id: Number(m.taskId), day: m.to })));
        return save('auto_balance', { moves: r.moves, before: r.flaggedBefore, after: r.flaggedAfter }, `Auto-balance moved ${r.moves.length} task${r.moves.length === 1 ? '' : 's'}: ${describeMoves(state.tasks, r.moves)}. ${flagLine(measure(r.tasks, state.week))}`, undefined, r.tasks);
      }
      case 'move': {
        const task = state.tasks.find((x) => x.id === String(change.itemId));
        const after = moveTask(state.tasks, state.week, String(change.itemId), change.day);
        if (!task || task.day === change.day) return { state, changed: false, listChanged: false, notice: 'Nothing to move.' };
        await moveItems(tx, cart.id, [{ id: change.itemId, day: change.day }]);
        return save('move', { itemId: change.itemId, from: task.day, to: change.day }, `Moved: ${describeMoves(state.tasks, [{ taskId: task.id, from: task.day, to: change.day }])}. ${flagLine(measure(after, state.week))}`, undefined, after);
      }
      case 'remove': {
        const task = state.tasks.find((x) => x.id === String(change.itemId));
        if (!task) return { state, changed: false, listChanged: false, notice: 'That task is no longer in the cart.' };
        if (task.fixed) throw new AppError('fixed_task', `"${task.title}" is fixed and cannot be removed.`);
        const after = removeTask(state.tasks, task.id);
        await removeItems(tx, cart.id, [change.itemId]);
        return save('remove', { itemId: change.itemId, title: task.title }, `Removed ${task.label}${task.customerName ? ` · ${task.customerName}` : ''} (${task.effort} m) from ${dayName(task.day)}. ${flagLine(measure(after, state.week))}`, undefined, after);
      }
      case 'add': {
        let current = state.tasks;
        const added: CartTask[] = [];
        for (const [n, item] of change.items.entries()) {
          const draft: CartTask = { id: `new${n}`, type: item.typeKey, label: item.typeKey, title: item.title, customerId: item.customerId, customerName: null, effort: item.effortMinutes, priority: item.priority, day: item.day ?? state.week.start, earliest: null, due: null, fixed: false, source: item.source, notes: item.notes };
          const day = item.day ?? lightestAllowedDay(current, state.week, draft);
          if (!day || !state.week.days.some((d) => d.day === day && d.work)) throw new AppError('outside_week', 'Pick a work day of this cart’s week.');
          added.push({ ...draft, day });
          current = [...current, { ...draft, day }];
        }
        // Duplicates of tasks already in the cart (or among the new ones) merge as step 03 says.
        const { tasks: after, merged } = addTasks(state.tasks, added);
        const fresh = after.filter((t) => t.id.startsWith('new'));
        const replaced = merged.filter((m) => !m.dropped.id.startsWith('new'));
        await removeItems(tx, cart.id, replaced.map((m) => Number(m.dropped.id)));
        await insertItems(tx, cart.id, fresh.map((t) => ({ typeKey: t.type, title: t.title, customerId: t.customerId, effortMinutes: t.effort, priority: t.priority, plannedDay: t.day, source: t.source, notes: t.notes ?? '' })));
        const names = fresh.map((t) => `${t.title} (${dayName(t.day)})`);
        const mergedNote = merged.length ? ` ${merged.length} duplicate${merged.length > 1 ? 's' : ''} merged (same customer and type).` : '';
        if (!fresh.length && !replaced.length) return { state, changed: false, listChanged: false, notice: `Nothing added: already in the cart.${mergedNote}` };
        return save('add', { added: fresh.map((t) => t.title), merged: merged.length }, `Added ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}.${mergedNote}`);
      }
      case 'commit': {
        const reason = change.reason?.trim();
        if (!state.measure.committable && !reason && person.team.allowFlaggedCommit) {
          return { state, changed: false, listChanged: false, needsReason: true, notice: '' };
        }
        if (!state.measure.committable && !(reason && person.team.allowFlaggedCommit)) {
          const how = person.team.allowFlaggedCommit ? ' or commit with a reason for your supervisor' : '';
          return { state, changed: false, listChanged: false, notice: `Not committed: ${flaggedDays(state.measure)}. Apply a suggestion or press Auto-balance${how}, then commit.` };
        }
        const n = await writeTaskList(tx, cart);
        const exception = state.measure.committable ? null : reason!;
        return save(
          'commit',
          { tasks: n, exception, flagged: exception ? flaggedDays(state.measure) : null },
          `Committed: ${n} task${n === 1 ? '' : 's'} are now your task list for the week.${exception ? ' Your reason goes to your supervisor with the flagged days.' : ''}`,
          { status: 'committed', committedAt: new Date(), exceptionReason: exception },
          state.tasks,
        );
      }
      case 'reopen':
        if (cart.status === 'open') return { state, changed: false, listChanged: false, notice: 'This cart is already open.' };
        return save('reopen', {}, 'Reopened: change what you need, then commit again.', { status: 'open', exceptionReason: null }, state.tasks);
    }
  });
}

export function flaggedDays(m: Measure): string {
  return m.days
    .filter((d) => d.flag)
    .map((d) => {
      const f = d.flag!;
      const what = f.kind === 'idle' ? `idle, ${f.by} m under` : f.kind === 'overloaded' ? `overloaded by ${f.by} m` : `${f.by} m on a day off`;
      return `${dayName(d.plan.day)} ${what}`;
    })
    .join(', ');
}

function flagLine(m: Measure): string {
  return m.committable ? 'No day is flagged: review and commit.' : `Still flagged: ${flaggedDays(m)}.`;
}

export function describeMoves(tasks: readonly CartTask[], moves: readonly Move[], max = 5): string {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const parts = moves.slice(0, max).map((m) => {
    const t = byId.get(m.taskId);
    const name = t ? `${t.label}${t.customerName ? ` · ${t.customerName}` : ''}` : 'a task';
    return `${name} (${t?.effort ?? '?'} m) ${dayName(m.from)} → ${dayName(m.to)}`;
  });
  return parts.join('; ') + (moves.length > max ? `; and ${moves.length - max} more` : '');
}
