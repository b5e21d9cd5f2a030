// The method's loop on a stored cart: load it, decide with the pure engine, save the change,
// its version and its audit entry in one statement. Knows nothing of Slack.
import type { Db, DbOrTx } from '../../db/client.ts';
import { cartSnapshot, ensureCart, saveChange, type CartRow, type CartSnapshot, type CartWrite, type TimeOffRange } from '../../db/queries/carts.ts';
import { findPerson, type PersonWithTeam } from '../../db/queries/people.ts';
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
  weekStartOf,
  type Advice,
  type CartTask,
  type Measure,
  type MipSolver,
  type Move,
  type Week,
} from '../engine/index.ts';
import { AppError } from '../errors.ts';
import { loadSolver } from './solver.ts';

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

/** The owner's week: work days, capacity and thresholds, their days off and their team's holidays. */
function weekOf(p: PersonWithTeam, weekStart: string, off: readonly TimeOffRange[]): Week {
  const range = (r: TimeOffRange) => ({ from: r.fromDay, to: r.toDay, reason: r.reason });
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

/**
 * The cart as the engine sees it. Suggestions are the greedy ones, without the solver: they
 * are computed on every render (the solver's, where greedy moves leave a day flagged, cost
 * 5–30 ms a render on hard carts for a better plan on about one such day in ten).
 */
function stateOf(s: CartSnapshot): CartState {
  const week = weekOf(s.owner, s.cart.weekStart, s.timeOff);
  return { cart: s.cart, person: s.owner, week, tasks: s.items, measure: measure(s.items, week), advice: suggest(s.items, week), merged: s.merged };
}

/** The cart, for its owner only: a stranger is told how to get set up, anyone else is refused. */
async function ownCart(db: DbOrTx, userId: string, cartId: number): Promise<CartSnapshot> {
  const snapshot = await cartSnapshot(db, cartId);
  if (snapshot?.cart.agentId === userId) return snapshot;
  await requirePerson(db, userId);
  if (!snapshot) throw new AppError('not_found', 'That cart no longer exists.');
  throw new AppError('forbidden', 'That cart belongs to someone else: you can only change your own.');
}

/** The agent's cart for this or next week, made from the system's tasks if it does not exist yet. */
export async function openCart(db: Db, userId: string, which: 'this' | 'next' | { weekStart: string }, now: Date): Promise<{ state: CartState; created: boolean }> {
  return db.transaction(async (tx) => {
    const person = await requirePerson(tx, userId);
    const zone = zoneOf(person);
    const weekStart = typeof which === 'object' ? which.weekStart : which === 'this' ? weekStartOf(now, zone) : nextWeekStart(now, zone);
    const { cart, created } = await ensureCart(tx, userId, weekStart, addDays(weekStart, 6));
    const snapshot = (await cartSnapshot(tx, cart.id))!;
    if (!created) return { state: stateOf(snapshot), created };
    // Step 03: duplicates of the first group are merged once, when the cart is made.
    const { tasks, merged } = mergeTasks(snapshot.items);
    const lines = merged.map((m) => `${m.dropped.label} · ${m.dropped.customerName ?? m.dropped.customerId} (${dayName(m.dropped.day)}) merged into ${dayName(m.kept.day)}`);
    const write = { remove: merged.map((m) => Number(m.dropped.id)), revise: revisions(snapshot.items, tasks) };
    const saved = await saveChange(tx, cart, write, { actorId: userId, action: 'created', detail: { items: tasks.length, merged: lines } }, now);
    return { state: stateOf({ ...snapshot, cart: { ...cart, version: saved!.version, updatedAt: now }, items: tasks, merged: lines }), created };
  });
}

export async function loadCart(db: Db, userId: string, cartId: number): Promise<CartState> {
  return stateOf(await ownCart(db, userId, cartId));
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

/** Tasks kept from a merge whose window or priority it changed (the survivor takes the stricter of both): to be saved. */
function revisions(before: readonly CartTask[], after: readonly CartTask[]): NonNullable<CartWrite['revise']> {
  const was = new Map(before.map((t) => [t.id, t]));
  return after
    .filter((t) => {
      const old = was.get(t.id);
      return old && (old.earliest !== t.earliest || old.due !== t.due || old.priority !== t.priority);
    })
    .map((t) => ({ id: Number(t.id), earliest: t.earliest, due: t.due, priority: t.priority }));
}

/** A change the engine decided on: what to write, what to tell the agent, and the tasks after it when known. */
interface Decision {
  write: CartWrite;
  action: string;
  detail: unknown;
  /** What to tell the agent; on commit, from how many tasks the list got. */
  notice: string | ((listed: number) => string);
  /** The tasks after the change; unknown when items are added (the database names them). */
  after?: CartTask[];
}

/** Each round of changes racing on one cart lets one through, so n at once need at most n attempts. */
const MAX_ATTEMPTS = 10;

/**
 * One change to a cart, made only if the agent acted on its current version: a double
 * click, a Slack retry or an outdated copy of the message changes nothing and says so.
 *
 * Optimistic: the cart is read, the engine decides, and the change is saved in one statement
 * that claims the next version only if nothing changed since the read. When another change got
 * there first, the change is decided again on the cart as it is now — where a button named a
 * version, that answers "older copy" — so no update is lost and nothing is done twice.
 */
export async function changeCart(db: Db, userId: string, cartId: number, version: number, change: CartChange, now: Date): Promise<ChangeResult> {
  // Loaded once per process (the first auto-balance waits for it); null when it cannot load.
  const solver = change.kind === 'balance' ? await loadSolver() : null;
  for (let attempt = 1; ; attempt++) {
    const state = stateOf(await ownCart(db, userId, cartId));
    const decided = decide(state, version, change, solver);
    if (!('write' in decided)) return decided;
    const saved = await saveChange(db, state.cart, decided.write, { actorId: userId, action: decided.action, detail: decided.detail }, now);
    if (saved) {
      const { write, after } = decided;
      const cart: CartRow = {
        ...state.cart,
        version: saved.version,
        updatedAt: now,
        ...(write.status && { status: write.status }),
        ...(write.status === 'committed' && { committedAt: now }),
        ...(write.exceptionReason !== undefined && { exceptionReason: write.exceptionReason }),
      };
      const fresh = after ? { ...state, cart, tasks: after, measure: measure(after, state.week), advice: suggest(after, state.week) } : await loadCart(db, userId, cartId);
      const notice = typeof decided.notice === 'function' ? decided.notice(saved.listed) : decided.notice;
      return { state: fresh, changed: true, notice, listChanged: cart.status !== state.cart.status };
    }
    if (attempt === MAX_ATTEMPTS) throw new AppError('stale', 'Your cart kept changing while this was saved, so nothing changed. Please try again.');
  }
}

/** What a change does to the cart as it is now: a decision to save, or an answer with nothing to save. */
function decide(state: CartState, version: number, change: CartChange, solver: MipSolver | null): Decision | ChangeResult {
  const { cart, person } = state;
  const unchanged = (notice: string, more: Partial<ChangeResult> = {}): ChangeResult => ({ state, changed: false, listChanged: false, notice, ...more });
  if (version !== CURRENT && cart.version !== version) {
    return unchanged('That button was on an older copy of your cart, so nothing changed. This is the cart as it is now.');
  }
  if (cart.status === 'committed' && change.kind !== 'reopen') return unchanged('This cart is committed. Press Reopen to change it.');
  const moved = (moves: readonly Move[]) => ({ moves: moves.map((m) => ({ id: Number(m.taskId), day: m.to })) });
  switch (change.kind) {
    case 'apply': {
      const advice = state.advice.find((a) => a.day === change.day);
      const suggestion = advice?.suggestions[change.index];
      if (!suggestion) return unchanged('That suggestion no longer applies.');
      const after = applyMoves(state.tasks, state.week, suggestion.moves);
      return { write: moved(suggestion.moves), action: 'apply_suggestion', detail: { moves: suggestion.moves }, notice: `Applied: ${describeMoves(state.tasks, suggestion.moves)}. ${flagLine(measure(after, state.week))}`, after };
    }
    case 'balance': {
      const r = autoBalance(state.tasks, state.week, { solver });
      if (!r.moves.length) return unchanged(state.measure.flagged ? 'Auto-balance found no move that helps: see why under each flagged day.' : 'Nothing to balance: no day is flagged.');
      const notice = `Auto-balance moved ${r.moves.length} task${r.moves.length === 1 ? '' : 's'}: ${describeMoves(state.tasks, r.moves)}. ${flagLine(measure(r.tasks, state.week))}`;
      return { write: moved(r.moves), action: 'auto_balance', detail: { moves: r.moves, before: r.flaggedBefore, after: r.flaggedAfter, optimal: r.optimal }, notice, after: r.tasks };
    }
    case 'move': {
      // Refuses a task that is gone, fixed, or would leave its window.
      const after = moveTask(state.tasks, state.week, String(change.itemId), change.day);
      const task = state.tasks.find((x) => x.id === String(change.itemId))!;
      if (task.day === change.day) return unchanged('Nothing to move.');
      const move = { taskId: task.id, from: task.day, to: change.day };
      return { write: moved([move]), action: 'move', detail: { itemId: change.itemId, from: task.day, to: change.day }, notice: `Moved: ${describeMoves(state.tasks, [move])}. ${flagLine(measure(after, state.week))}`, after };
    }
    case 'remove': {
      const task = state.tasks.find((x) => x.id === String(change.itemId));
      if (!task) return unchanged('That task is no longer in the cart.');
      if (task.fixed) throw new AppError('fixed_task', `"${task.title}" is fixed and cannot be removed.`);
      const after = removeTask(state.tasks, task.id);
      const notice = `Removed ${task.label}${task.customerName ? ` · ${task.customerName}` : ''} (${task.effort} m) from ${dayName(task.day)}. ${flagLine(measure(after, state.week))}`;
      return { write: { remove: [change.itemId] }, action: 'remove', detail: { itemId: change.itemId, title: task.title }, notice, after };
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
      const revise = revisions(state.tasks, after);
      const names = fresh.map((t) => `${t.title} (${dayName(t.day)})`);
      const mergedNote = merged.length ? ` ${merged.length} duplicate${merged.length > 1 ? 's' : ''} merged (same customer and type).` : '';
      if (!fresh.length && !replaced.length && !revise.length) return unchanged(`Nothing added: already in the cart.${mergedNote}`);
      const notice = fresh.length
        ? `Added ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}.${mergedNote}`
        : `Nothing new added: already in the cart.${mergedNote} The task kept takes the higher priority and the stricter window of both.`;
      return {
        write: {
          remove: replaced.map((m) => Number(m.dropped.id)),
          revise,
          insert: fresh.map((t) => ({ typeKey: t.type, title: t.title, customerId: t.customerId, effortMinutes: t.effort, priority: t.priority, plannedDay: t.day, earliest: t.earliest, due: t.due, source: t.source, notes: t.notes ?? '' })),
        },
        action: 'add',
        detail: { added: fresh.map((t) => t.title), merged: merged.length },
        notice,
      };
    }
    case 'commit': {
      const reason = change.reason?.trim();
      if (!state.measure.committable && !reason && person.team.allowFlaggedCommit) return unchanged('', { needsReason: true });
      if (!state.measure.committable && !(reason && person.team.allowFlaggedCommit)) {
        const how = person.team.allowFlaggedCommit ? ' or commit with a reason for your supervisor' : '';
        return unchanged(`Not committed: ${flaggedDays(state.measure)}. Apply a suggestion or press Auto-balance${how}, then commit.`);
      }
      const exception = state.measure.committable ? null : reason!;
      return {
        write: { status: 'committed', exceptionReason: exception, taskList: true },
        action: 'commit',
        detail: { tasks: state.tasks.length, exception, flagged: exception ? flaggedDays(state.measure) : null },
        notice: (n) => `Committed: ${n} task${n === 1 ? '' : 's'} are now your task list for the week.${exception ? ' Your reason goes to your supervisor with the flagged days.' : ''}`,
        after: state.tasks,
      };
    }
    case 'reopen':
      if (cart.status === 'open') return unchanged('This cart is already open.');
      return { write: { status: 'open', exceptionReason: null }, action: 'reopen', detail: {}, notice: 'Reopened: change what you need, then commit again.', after: state.tasks };
  }
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
