// The method's loop on a stored cart: load it, decide with the pure engine, save the change,
// its version and its audit entry in one statement. Knows nothing of Slack.
import type { Db, DbOrTx } from '../../db/client.ts';
import { cartProbe, cartSnapshot, ensureCart, saveChange, saveChangeOrRead, type CartRow, type CartSnapshot, type CartWrite, type TimeOffRange } from '../../db/queries/carts.ts';
import { findPerson, type PersonWithTeam } from '../../db/queries/people.ts';
import { claimRequest, isReplayConflict } from '../../db/queries/requests.ts';
import {
  addDays,
  addTasks,
  applyMoves,
  autoBalance,
  lightestAllowedDay,
  localDay,
  moveTask,
  removeTask,
  asOf,
  buildWeek,
  firstOpenDay,
  openDays,
  measure,
  mergeTasks,
  planningWeek,
  suggest,
  workingWeek,
  type Advice,
  type CartTask,
  type Flag,
  type IsoDay,
  type Measure,
  type MipSolver,
  type Move,
  type Week,
} from '../engine/index.ts';
import { AppError, type ErrorCode, type ErrorParams } from '../errors.ts';
import { MAX_AGE_MS, cacheOf, type CartCache } from './cart-cache.ts';
import { loadSolver } from './solver.ts';

export interface CartState {
  cart: CartRow;
  person: PersonWithTeam;
  week: Week;
  tasks: CartTask[];
  measure: Measure;
  advice: Advice[];
  /** Duplicates dropped when the cart was made. */
  merged: MergeLine[];
  /** Read for a request seen before (loadCart with its key): it is a replay. */
  replayed?: boolean;
  /** What the cart was decided on besides its version, as read (CartSnapshot's `context`): a save checks it. */
  context: string;
  /** The count of changes to names when its labels and customers' names were read (CartSnapshot's `names`). */
  names: number;
}

/** A duplicate dropped when the cart was made (step 03): its type, customer, day, and the day of the one kept. */
export type MergeLine = { type: string; label: string; customer: string; from: IsoDay; into: IsoDay } | { /** Written by a version before these were structured. */ text: string };

/** A task named in a notice. */
export interface TaskNote {
  type: string;
  label: string;
  customer: string | null;
  effort: number;
}
export interface MoveNote extends TaskNote {
  from: IsoDay;
  to: IsoDay;
}
/** A flagged day and its flag. */
export interface DayFlag {
  day: IsoDay;
  flag: Flag;
}

/**
 * What a change did, for the agent: views/notices.ts says it in their language. `flagged` is
 * what is still flagged after the change (none: review and commit).
 */
export type Notice =
  | { kind: 'older_copy' }
  | { kind: 'committed_already' }
  | { kind: 'suggestion_gone' }
  | { kind: 'applied'; moves: MoveNote[]; more: number; flagged: DayFlag[] }
  | { kind: 'balanced'; count: number; moves: MoveNote[]; more: number; flagged: DayFlag[] }
  | { kind: 'nothing_to_balance'; flagged: boolean }
  | { kind: 'moved'; move: MoveNote; flagged: DayFlag[] }
  | { kind: 'nothing_to_move' }
  | { kind: 'task_gone' }
  | { kind: 'removed'; task: TaskNote; day: IsoDay; flagged: DayFlag[] }
  | { kind: 'added'; tasks: { title: string; day: IsoDay }[]; more: number; merged: number }
  | { kind: 'already_in_cart'; merged: number; revised: boolean }
  | { kind: 'not_committed'; flagged: DayFlag[]; withReason: boolean }
  | { kind: 'committed'; tasks: number; exception: boolean }
  | { kind: 'open_already' }
  | { kind: 'reopened' }
  /** The weekly proposal's cart. */
  | { kind: 'proposed' }
  /** A refusal shown where the agent is looking (the day modal). */
  | { kind: 'refused'; code: ErrorCode; params: ErrorParams }
  /** A supervisor sent the committed cart back with a note (an exception they did not approve): it is open again. */
  | { kind: 'sent_back'; by: string; note: string };

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
  /** What the caller read of its type and customer: the cart after the change is then known without reading it again. */
  label?: string;
  customerName?: string | null;
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
  /** What happened, for the agent; null when there is nothing to say (a replay, a reason to ask for). */
  notice: Notice | null;
  changed: boolean;
  /** Committed or reopened: the task list (and App Home) changed too. */
  listChanged: boolean;
  /** Commit of a flagged cart where the team allows it: ask the agent for the reason first. */
  needsReason?: boolean;
  /** The request was a replay or a retry of one already done: nothing changed, nothing to show. */
  replayed?: boolean;
  /** A commit with a reason made this exception: the team's supervisors are to decide on it. */
  exceptionId?: number;
}

/** How a request reaches a change: its key (a replay changes nothing) and the cart it already read. */
export interface ChangeOptions {
  requestKey?: string | undefined;
  /** The cart as the caller just read it (with the same key): the first attempt does not read it again. */
  state?: CartState;
}

/** Ids are PostgreSQL integers: anything else names nothing. */
export const isId = (n: number) => Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647;

export async function requirePerson(db: DbOrTx, userId: string): Promise<PersonWithTeam> {
  const found = await findPerson(db, userId);
  if (!found) throw new AppError('unknown_user', { userId });
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

/** A merge note as recorded; an older version recorded English lines, shown as they are. */
const mergeLine = (m: unknown): MergeLine => (typeof m === 'string' ? { text: m } : (m as MergeLine));

/**
 * The cart as the engine sees it. Suggestions are the greedy ones, without the solver: they
 * are computed on every render (the solver's, where greedy moves leave a day flagged, cost
 * 5–30 ms a render on hard carts for a better plan on about one such day in ten).
 */
export function stateOf(s: CartSnapshot, now: Date): CartState {
  const week = asOf(weekOf(s.owner, s.cart.weekStart, s.timeOff), localDay(now, zoneOf(s.owner)));
  const state = withAdvice({ cart: s.cart, person: s.owner, week, tasks: s.items, measure: measure(s.items, week), merged: s.merged.map(mergeLine), context: s.context, names: s.names });
  if (s.replayed) state.replayed = true;
  return state;
}

/**
 * A cart kept since earlier, as it stands `now`: once the agent's day has turned, a day of the week
 * being worked has gone by (calendar.ts asOf), so it is measured and advised again. The same state
 * otherwise.
 */
export function asOfNow(state: CartState, now: Date): CartState {
  const week = asOf(state.week, localDay(now, zoneOf(state.person)));
  if (week === state.week) return state;
  const next = remeasured(state, { week });
  if (state.replayed) next.replayed = true;
  return next;
}

/** The cart as `state` with another row, other tasks or another week: measured again, and advised when first asked. */
export function remeasured(state: CartState, { cart = state.cart, tasks = state.tasks, week = state.week }: Partial<Pick<CartState, 'cart' | 'tasks' | 'week'>>): CartState {
  return withAdvice({ cart, person: state.person, week, tasks, measure: measure(tasks, week), merged: state.merged, context: state.context, names: state.names });
}

/**
 * The state with its suggestions worked out when first read, once: a cart read for a change is
 * then measured again after it, and only what is shown (or an Apply) needs suggestions — the
 * engine's greedy search was computed twice a click before (issue 13's profile).
 */
export function withAdvice(state: Omit<CartState, 'advice'>): CartState {
  let advice: Advice[] | undefined;
  return Object.defineProperty(state, 'advice', { get: () => (advice ??= suggest(state.tasks, state.week)), enumerable: true, configurable: true }) as CartState;
}

/** The cart, for its owner only: a stranger is told how to get set up, anyone else is refused. */
async function ownCart(db: DbOrTx, userId: string, cartId: number, requestKey?: string, typeKey?: string): Promise<CartSnapshot> {
  const snapshot = isId(cartId) ? await cartSnapshot(db, cartId, requestKey, typeKey) : null;
  if (snapshot?.cart.agentId === userId) return snapshot;
  await requirePerson(db, userId);
  if (!snapshot) throw new AppError('cart_not_found');
  throw new AppError('cart_not_yours');
}

/**
 * The agent's cart for the working week ('this') or the planning week ('next'), in the agent's zone, made from the system's tasks if it does not exist yet.
 * With a request key, a replay of the request is answered `replayed` (the cart is not posted twice).
 */
export async function openCart(
  db: Db,
  userId: string,
  which: 'this' | 'next' | { weekStart: string },
  now: Date,
  requestKey?: string,
): Promise<{ state: CartState; created: boolean; replayed?: boolean }> {
  const at = cacheOf<CartState>(db).now();
  const opened = await db.transaction(async (tx) => {
    const person = await requirePerson(tx, userId);
    const replayed = requestKey !== undefined && !(await claimRequest(tx, requestKey));
    const zone = zoneOf(person);
    const weekStart = typeof which === 'object' ? which.weekStart : which === 'this' ? workingWeek(now, zone) : planningWeek(now, zone);
    // Open tasks of days gone by carry over; today's and later ones stay on the list being worked
    // (next week's cart is made on Friday, when Friday's tasks are still to be done).
    const today = localDay(now, zone);
    // Carried onto the first of the team's work days still to come: in the week being worked, not a
    // day gone by (a holiday or day off falling then shows flagged, for the agent to move it on).
    const carryTo = firstOpenDay(asOf(weekOf(person, weekStart, []), today));
    const { cart, created } = await ensureCart(tx, userId, weekStart, addDays(weekStart, 6), today < weekStart ? today : weekStart, carryTo);
    const snapshot = (await cartSnapshot(tx, cart.id))!;
    if (!created) return { state: stateOf(snapshot, now), created, ...(replayed && { replayed }) };
    // Step 03: duplicates of the first group are merged once, when the cart is made.
    const { tasks, merged } = mergeTasks(snapshot.items);
    const lines: MergeLine[] = merged.map((m) => ({ type: m.dropped.type, label: m.dropped.label, customer: m.dropped.customerName ?? m.dropped.customerId ?? '', from: m.dropped.day, into: m.kept.day }));
    const write = { remove: merged.map((m) => Number(m.dropped.id)), revise: revisions(snapshot.items, tasks) };
    const saved = await saveChange(tx, cart, write, { actorId: userId, action: 'created', detail: { items: tasks.length, merged: lines } }, now);
    return { state: stateOf({ ...snapshot, cart: { ...cart, version: saved!.version, updatedAt: now }, items: tasks, merged: lines }, now), created };
  });
  cacheOf<CartState>(db).put(opened.state, at);
  return opened;
}

/** The cart, for its owner, read now (and kept for the next click); with a request key, `replayed` says whether that request was seen before. */
export async function loadCart(db: Db, userId: string, cartId: number, now: Date, requestKey?: string): Promise<CartState> {
  const cache = cacheOf<CartState>(db);
  const at = cache.now();
  return keep(cache, stateOf(await ownCart(db, userId, cartId, requestKey), now), at);
}

/** Keeps a cart just read, unless read for a replay. */
function keep(cache: CartCache<CartState>, state: CartState, at: number): CartState {
  if (!state.replayed) cache.put(state, at);
  return state;
}

/**
 * The cart and the task type an Add task asked for (null when there is none of that key): with
 * `kept`, as this process kept them when it has both (`kept` in the answer: what the form is checked
 * against may be that old, and the save checks the cart did not change since), else read in one
 * round trip.
 */
export async function loadCartAndType(
  db: Db,
  userId: string,
  cartId: number,
  now: Date,
  typeKey: string,
  requestKey: string | undefined,
  options: { kept: boolean },
): Promise<{ state: CartState; type: CartSnapshot['type']; kept: boolean }> {
  const cache = cacheOf<CartState>(db);
  const keptCart = options.kept ? await keptOrProbed(db, cache, userId, cartId, now, typeKey) : null;
  const keptType = keptCart && cache.type(typeKey, keptCart.names);
  if (keptCart && keptType) return { state: keptCart, type: keptType, kept: true };
  const at = cache.now();
  const snapshot = await ownCart(db, userId, cartId, requestKey, typeKey);
  if (snapshot.type) cache.putType(snapshot.type, at, snapshot.names);
  return { state: keep(cache, stateOf(snapshot, now), at), type: snapshot.type, kept: false };
}

/**
 * The cart, for its owner, to show (a day window opened, a page turned, a form opened): as this
 * process keeps it when a probe finds it as it is now (its version, its context and the count of
 * changes to names, cartProbe), else read now. A fifth of a read's work in the database, none of its
 * parsing here; and, unlike a kept cart used without a probe, never older than the database, whatever
 * another process or host changed.
 */
export async function currentCart(db: Db, userId: string, cartId: number, now: Date): Promise<CartState> {
  return (await keptOrProbed(db, cacheOf<CartState>(db), userId, cartId, now)) ?? loadCart(db, userId, cartId, now);
}

/** The cart, for adding tasks to it: refused when it is committed. Without a request key, as currentCart finds it. */
export async function loadOpenCart(db: Db, userId: string, cartId: number, now: Date, requestKey?: string): Promise<CartState> {
  const state = requestKey === undefined ? await currentCart(db, userId, cartId, now) : await loadCart(db, userId, cartId, now, requestKey);
  if (state.cart.status === 'committed') throw new AppError('committed');
  if (!openDays(state.week).length) throw new AppError('week_over');
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
  notice: Notice | ((listed: number) => Notice);
  /** The tasks after the change; for added items, `new…` ids the database's are put in place of (unknown: read again). */
  after?: CartTask[];
}

/** Each round of changes racing on one cart lets one through, so n at once need at most n attempts. */
const MAX_ATTEMPTS = 10;

/** The cart a change is decided on; `read`: read from the database for this change, not kept from before. */
interface Basis {
  state: CartState;
  read: boolean;
}

/**
 * One change to a cart, made only if the agent acted on its current version: a double
 * click, a Slack retry or an outdated copy of the message changes nothing and says so. With a
 * request key, a replay of a request already done changes nothing and answers `replayed`.
 *
 * Optimistic: the engine decides on the cart — as the caller read it, as this process kept it
 * (cart-cache.ts), or read now — and the change is saved in one statement that claims the next
 * version only if neither the cart nor what it was decided on (its owner, team, time off and
 * message) changed since. When another change got there first, the same statement answers the
 * cart as it found it (or, when that shows nothing new, the cart is read again) and the change is
 * decided again on it — where a button named a version, that answers "older copy" — so no update
 * is lost and nothing is done twice. An answer that changes
 * nothing (a refusal) is only ever given on a cart read for this change.
 */
export async function changeCart(db: Db, userId: string, cartId: number, version: number, change: CartChange, now: Date, options: ChangeOptions = {}): Promise<ChangeResult> {
  const { requestKey } = options;
  // Loaded once per process (the first auto-balance waits for it); null when it cannot load.
  const solver = change.kind === 'balance' ? await loadSolver() : null;
  const cache = cacheOf<CartState>(db);
  // As kept, however long ago: the save claims its version and context, and says how many renames it
  // saw (below), so a probe would tell it nothing more.
  const found = options.state ?? keptFor(cache, userId, cartId, version)?.state;
  const kept = found && asOfNow(found, now);
  let basis: Basis | null = kept ? { state: kept, read: false } : null;
  // What an added task shows of its type and customer (NewItem's label and customerName) was read with
  // the cart the change was first decided on, at its count of changes to names.
  let itemsNames: number | undefined;
  for (let attempt = 1; ; attempt++) {
    if (!basis) {
      const at = cache.now();
      basis = { state: keep(cache, stateOf(await ownCart(db, userId, cartId, requestKey), now), at), read: true };
    }
    itemsNames ??= basis.state.names;
    const { state } = basis;
    if (state.replayed) return { state, changed: false, listChanged: false, notice: null, replayed: true };
    let decided;
    try {
      decided = decide(state, version, change, solver);
    } catch (e) {
      if (basis.read || !(e instanceof AppError)) throw e;
      basis = null;
      continue;
    }
    if (!('write' in decided)) {
      if (basis.read) return decided;
      basis = null;
      continue;
    }
    let outcome;
    try {
      outcome = await saveChangeOrRead(db, state.cart, state.context, decided.write, { actorId: userId, action: decided.action, detail: decided.detail, requestKey }, now);
    } catch (e) {
      if (!isReplayConflict(e)) throw e;
      return { state, changed: false, listChanged: false, notice: null, replayed: true };
    }
    if ('saved' in outcome) {
      const { saved } = outcome;
      const { write, after } = decided;
      const cart: CartRow = {
        ...state.cart,
        version: saved.version,
        updatedAt: now,
        ...(write.status && { status: write.status }),
        ...(write.status === 'committed' && { committedAt: now }),
        ...(write.exceptionReason !== undefined && { exceptionReason: write.exceptionReason }),
      };
      // Decided on names older than the save saw (a customer renamed, a task type relabelled since the
      // cart was read), or tasks added with names read before a retry's cart: the decision stands,
      // and the cart is read to show it with the names of now.
      const namesNow = saved.names === state.names && (change.kind !== 'add' || saved.names === itemsNames);
      const tasks = after && namesNow && withIds(after, saved.added);
      let fresh: CartState;
      if (tasks) {
        fresh = remeasured(state, { cart, tasks });
        cache.put(fresh, cache.readAt(cartId));
      } else {
        fresh = await loadCart(db, userId, cartId, now);
      }
      // The other workers of this deployment follow it (cart-peers.ts).
      cache.saved?.(state, fresh, cache.now() - cache.readAt(cartId));
      const notice = typeof decided.notice === 'function' ? decided.notice(saved.listed) : decided.notice;
      return { state: fresh, changed: true, notice, listChanged: cart.status !== state.cart.status, ...(saved.exceptionId !== undefined && { exceptionId: saved.exceptionId }) };
    }
    // Not saved: decided again on the cart as the statement found it. The statement sees the database
    // as it was when it began: a change that held the cart's row meanwhile and made the claim fail
    // does not show in it (the same version and context as tried), so then, as when the cart is gone
    // or not this agent's, it is read again (which also says why). Each attempt then sees one change
    // more, and racing changes need no more attempts than there are of them.
    const current = outcome.current;
    const moved = current && (current.cart.version !== state.cart.version || current.context !== state.context);
    basis = current && moved && current.cart.agentId === userId ? { state: keep(cache, stateOf(current, now), cache.now()), read: true } : null;
    if (!basis) cache.drop(cartId);
    if (attempt === MAX_ATTEMPTS) throw new AppError('cart_busy');
  }
}

/** The cart as this process kept it, however long ago, unless it is someone else's or older than the copy the agent acted on (`version`). */
function keptFor(cache: CartCache<CartState>, userId: string, cartId: number, version: number): { state: CartState; at: number } | null {
  const found = cache.aged(cartId);
  if (!found || found.state.cart.agentId !== userId) return null;
  if (version !== CURRENT && found.state.cart.version < version) return null;
  return found;
}

/**
 * The cart as this process kept it, once a probe found its version, its context and the count of
 * changes to names as they are now (then it is kept as if read now): a few fields instead of the
 * whole cart. Without `typeKey`, probed however young (a cart shown, which no save checks after).
 * With it (an Add task), as kept when read less than MAX_AGE_MS ago with that task type kept as it
 * is (MAX_AGE_MS, no fewer changes to names than the cart's); else the probe reads the type too. Null
 * when the cart must be read.
 */
async function keptOrProbed(db: Db, cache: CartCache<CartState>, userId: string, cartId: number, now: Date, typeKey?: string): Promise<CartState | null> {
  const found = keptFor(cache, userId, cartId, CURRENT);
  if (!found) return null;
  const state = asOfNow(found.state, now);
  if (typeKey !== undefined && cache.now() - found.at <= MAX_AGE_MS && cache.type(typeKey, state.names)) return state;
  const at = cache.now();
  const probe = await cartProbe(db, cartId, typeKey);
  if (probe?.type) cache.putType(probe.type, at, probe.names);
  // Probed, for whatever reason: a cart found changed is read now rather than tried and refused by the save.
  if (!probe || probe.version !== state.cart.version || probe.context !== state.context || probe.names !== state.names) return null;
  cache.put(state, at);
  return state;
}

/**
 * The tasks after a change, added ones under the ids the database gave them (in the order they
 * were written), sorted as the cart is read (by day, then id); null when an added one is not
 * known well enough to show (its type's label), so the cart is read again.
 */
function withIds(after: CartTask[], added: number[]): CartTask[] | null {
  const fresh = after.filter((t) => t.id.startsWith('new'));
  if (!fresh.length) return after;
  if (fresh.length !== added.length || fresh.some((t) => t.label === '')) return null;
  const ids = new Map(fresh.map((t, i) => [t.id, String(added[i])]));
  return after
    .map((t) => (ids.has(t.id) ? { ...t, id: ids.get(t.id)! } : t))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : Number(a.id) - Number(b.id)));
}

/** What a change does to the cart as it is now: a decision to save, or an answer with nothing to save. */
function decide(state: CartState, version: number, change: CartChange, solver: MipSolver | null): Decision | ChangeResult {
  const { cart, person } = state;
  const unchanged = (notice: Notice | null, more: Partial<ChangeResult> = {}): ChangeResult => ({ state, changed: false, listChanged: false, notice, ...more });
  if (version !== CURRENT && cart.version !== version) return unchanged({ kind: 'older_copy' });
  if (cart.status === 'committed' && change.kind !== 'reopen') return unchanged({ kind: 'committed_already' });
  const moved = (moves: readonly Move[]) => ({ moves: moves.map((m) => ({ id: Number(m.taskId), day: m.to })) });
  switch (change.kind) {
    case 'apply': {
      const advice = state.advice.find((a) => a.day === change.day);
      const suggestion = advice?.suggestions[change.index];
      if (!suggestion) return unchanged({ kind: 'suggestion_gone' });
      const after = applyMoves(state.tasks, state.week, suggestion.moves);
      const notice: Notice = { kind: 'applied', ...describeMoves(state.tasks, suggestion.moves), flagged: flaggedDays(measure(after, state.week)) };
      return { write: moved(suggestion.moves), action: 'apply_suggestion', detail: { moves: suggestion.moves }, notice, after };
    }
    case 'balance': {
      const r = autoBalance(state.tasks, state.week, { solver });
      if (!r.moves.length) return unchanged({ kind: 'nothing_to_balance', flagged: state.measure.flagged > 0 });
      const notice: Notice = { kind: 'balanced', count: r.moves.length, ...describeMoves(state.tasks, r.moves), flagged: flaggedDays(measure(r.tasks, state.week)) };
      return { write: moved(r.moves), action: 'auto_balance', detail: { moves: r.moves, before: r.flaggedBefore, after: r.flaggedAfter, optimal: r.optimal }, notice, after: r.tasks };
    }
    case 'move': {
      // Refuses a task that is gone, fixed, or would leave its window.
      const after = moveTask(state.tasks, state.week, String(change.itemId), change.day);
      const task = state.tasks.find((x) => x.id === String(change.itemId))!;
      if (task.day === change.day) return unchanged({ kind: 'nothing_to_move' });
      const move = { taskId: task.id, from: task.day, to: change.day };
      const notice: Notice = { kind: 'moved', move: describeMoves(state.tasks, [move]).moves[0]!, flagged: flaggedDays(measure(after, state.week)) };
      return { write: moved([move]), action: 'move', detail: { itemId: change.itemId, from: task.day, to: change.day }, notice, after };
    }
    case 'remove': {
      const task = state.tasks.find((x) => x.id === String(change.itemId));
      if (!task) return unchanged({ kind: 'task_gone' });
      if (task.finished) throw new AppError('finished_task', { title: task.title });
      if (task.fixed) throw new AppError('fixed_task_remove', { title: task.title });
      const after = removeTask(state.tasks, task.id);
      const notice: Notice = { kind: 'removed', task: taskNote(task), day: task.day, flagged: flaggedDays(measure(after, state.week)) };
      return { write: { remove: [change.itemId] }, action: 'remove', detail: { itemId: change.itemId, title: task.title }, notice, after };
    }
    case 'add': {
      let current = state.tasks;
      const added: CartTask[] = [];
      for (const [n, item] of change.items.entries()) {
        const draft: CartTask = { id: `new${n}`, type: item.typeKey, label: item.label ?? '', title: item.title, customerId: item.customerId, customerName: item.customerName ?? null, effort: item.effortMinutes, priority: item.priority, day: item.day ?? state.week.start, earliest: null, due: null, fixed: false, source: item.source, notes: item.notes };
        const day = item.day ?? lightestAllowedDay(current, state.week, draft);
        // No lightest day: no work day is left to come.
        if (!day) throw new AppError('week_over');
        const plan = state.week.days.find((d) => d.day === day);
        if (plan?.past) throw new AppError('day_past', { day: plan.day });
        if (!plan?.work) throw new AppError('not_work_day');
        added.push({ ...draft, day });
        current = [...current, { ...draft, day }];
      }
      // Duplicates of tasks already in the cart (or among the new ones) merge as step 03 says.
      const { tasks: after, merged } = addTasks(state.tasks, added);
      const fresh = after.filter((t) => t.id.startsWith('new'));
      const replaced = merged.filter((m) => !m.dropped.id.startsWith('new'));
      const revise = revisions(state.tasks, after);
      if (!fresh.length && !replaced.length && !revise.length) return unchanged({ kind: 'already_in_cart', merged: merged.length, revised: false });
      const notice: Notice = fresh.length
        ? { kind: 'added', tasks: fresh.slice(0, 5).map((t) => ({ title: t.title, day: t.day })), more: Math.max(0, fresh.length - 5), merged: merged.length }
        : { kind: 'already_in_cart', merged: merged.length, revised: true };
      return {
        write: {
          remove: replaced.map((m) => Number(m.dropped.id)),
          revise,
          insert: fresh.map((t) => ({ typeKey: t.type, title: t.title, customerId: t.customerId, effortMinutes: t.effort, priority: t.priority, plannedDay: t.day, earliest: t.earliest, due: t.due, source: t.source, notes: t.notes ?? '' })),
        },
        action: 'add',
        detail: { added: fresh.map((t) => t.title), merged: merged.length },
        notice,
        after,
      };
    }
    case 'commit': {
      const reason = change.reason?.trim();
      if (!state.measure.committable && !reason && person.team.allowFlaggedCommit) return unchanged(null, { needsReason: true });
      if (!state.measure.committable && !(reason && person.team.allowFlaggedCommit)) {
        return unchanged({ kind: 'not_committed', flagged: flaggedDays(state.measure), withReason: person.team.allowFlaggedCommit });
      }
      const exception = state.measure.committable ? null : reason!;
      // The flagged days as the supervisors will read them: planned minutes against capacity.
      const flagged = state.measure.days.filter((d) => d.flag).map((d) => ({ day: d.plan.day, minutes: d.workload, capacity: d.plan.capacity, flag: d.flag! }));
      return {
        write: { status: 'committed', exceptionReason: exception, taskList: true, ...(exception !== null && { exception: { reason: exception, flagged } }) },
        action: 'commit',
        detail: { tasks: state.tasks.length, exception, flagged: exception ? flaggedDays(state.measure) : null },
        notice: (n) => ({ kind: 'committed', tasks: n, exception: exception !== null }),
        after: state.tasks,
      };
    }
    case 'reopen':
      if (cart.status === 'open') return unchanged({ kind: 'open_already' });
      return { write: { status: 'open', exceptionReason: null }, action: 'reopen', detail: {}, notice: { kind: 'reopened' }, after: state.tasks };
  }
}

/** The flagged days of a measured cart, in order. */
export function flaggedDays(m: Measure): DayFlag[] {
  return m.days.filter((d) => d.flag).map((d) => ({ day: d.plan.day, flag: d.flag! }));
}

const taskNote = (t: CartTask): TaskNote => ({ type: t.type, label: t.label, customer: t.customerName, effort: t.effort });

/** The first `max` moves as notes for the agent, and how many more there are. */
export function describeMoves(tasks: readonly CartTask[], moves: readonly Move[], max = 5): { moves: MoveNote[]; more: number } {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const notes = moves.slice(0, max).map((m) => {
    const t = byId.get(m.taskId);
    return { ...(t ? taskNote(t) : { type: '', label: '', customer: null, effort: 0 }), from: m.from, to: m.to };
  });
  return { moves: notes, more: Math.max(0, moves.length - max) };
}
