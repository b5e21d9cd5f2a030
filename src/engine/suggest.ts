// Step 05: for each flagged day, up to three concrete sets of moves that shrink
// its flag without flagging any other day; or, when nothing can, why not.
//
// Candidates come from three greedy orders (the tasks we would rather move first,
// the biggest first, the one task that does it alone) and, when a MIP solver is
// handed in and none of those clears the day, from auto-balance's model restricted
// to the day: the moves that flag fewest minutes in the fewest moves. The best three
// that strictly help are shown.
import { measure } from './cart.ts';
import { dayPlan, type MipSolver } from './mip.ts';
import { LoadState } from './state.ts';
import type { CartTask, Flag, IsoDay, Move, Week } from './types.ts';

export interface Suggestion {
  day: IsoDay;
  moves: Move[];
  flaggedBefore: number;
  flaggedAfter: number;
  /** The day's flag is gone after these moves. */
  clears: boolean;
}

export interface Advice {
  day: IsoDay;
  flag: Flag;
  suggestions: Suggestion[];
  /** Why the flag cannot be cleared or shrunk by moving tasks, when it cannot. */
  blocked: Blocked | null;
}

/** Why no move helps a flagged day; views say it in the agent's language. */
export type Blocked =
  /** Idle: work could move here, but only by flagging another day. */
  | { kind: 'idle_would_flag' }
  /** Idle: no planned task may move to this day. */
  | { kind: 'idle_nothing_movable' }
  /** Overloaded: every task on the day is fixed. */
  | { kind: 'all_fixed'; count: number }
  /** Overloaded: the movable tasks' windows allow no other day. */
  | { kind: 'windows' }
  /** Overloaded: no other allowed day has room. */
  | { kind: 'no_room' };

export const MAX_SUGGESTIONS = 3;

export interface SuggestOptions {
  /**
   * A MIP solver (HiGHS): for a flagged day that no greedy plan clears, adds the moves that
   * flag fewest minutes in the fewest moves.
   */
  solver?: MipSolver | null;
}

// Suggestions are computed again when one is applied (the button names it by its place in the
// list), so they must come out the same every time: the solver stops after a number of nodes,
// not after a time; the time limit is only a safety net that these tiny models do not reach.
const SUGGEST_NODE_LIMIT = 200;
const SUGGEST_SAFETY_MS = 2_000;

export function suggest(tasks: readonly CartTask[], week: Week, options: SuggestOptions = {}): Advice[] {
  const m = measure(tasks, week);
  const advice: Advice[] = [];
  // One search state for every flagged day: each plan is tried on it and undone.
  let state: LoadState | undefined;
  m.days.forEach((d, index) => {
    if (!d.flag) return;
    const s = (state ??= new LoadState(tasks, week));
    const plans = d.flag.kind === 'idle' ? fillIdle(s, index) : relieve(s, index);
    let suggestions = finish(s, index, plans);
    // Where it helps: the greedy plans shrink the day's flag but leave it. (When they find no
    // move at all, no single move keeps the rules, and so no set of moves can.)
    if (options.solver && suggestions.length && !suggestions.some((x) => x.clears)) suggestions = finish(s, index, [solved(s, index, options.solver), ...plans]);
    advice.push({
      day: d.plan.day,
      flag: d.flag,
      suggestions,
      blocked: suggestions.length ? null : whyBlocked(s, index, d.flag),
    });
  });
  return advice;
}

type Order = (a: number, b: number) => number;

/** The solver's moves for the day; none when it fails or finds nothing (the greedy ones stand). */
function solved(s: LoadState, day: number, solver: MipSolver): Move[] {
  let plan: number[] | null = null;
  try {
    plan = dayPlan(s, day, solver, { timeLimitMs: SUGGEST_SAFETY_MS, nodeLimit: SUGGEST_NODE_LIMIT });
  } catch {
    return [];
  }
  if (!plan) return [];
  return s.tasks.flatMap((t, i) => (plan[i] === s.origin[i] ? [] : [{ taskId: t.id, from: t.day, to: s.plans[plan[i]!]!.day }]));
}

/** Overloaded or off day: move tasks away. */
function relieve(s: LoadState, day: number): Move[][] {
  const candidates = s.tasks.map((_, i) => i).filter((i) => s.cur[i] === day && s.allowed[i]!.some((d) => d !== day));
  const excess = () => s.loads[day]! - s.plans[day]!.upper;
  const byPref: Order = (a, b) => s.pref[a]! - s.pref[b]! || s.effort[b]! - s.effort[a]! || a - b;
  const byEffort: Order = (a, b) => s.effort[b]! - s.effort[a]! || s.pref[a]! - s.pref[b]! || a - b;
  const oneMove = first(candidates.filter((i) => s.effort[i]! >= excess()), (a, b) => s.effort[a]! - s.effort[b]! || byPref(a, b));
  return [
    greedy(s, candidates.slice().sort(byPref), excess, (i) => placeAway(s, i, day)),
    greedy(s, candidates.slice().sort(byEffort), excess, (i) => placeAway(s, i, day)),
    greedy(s, oneMove, excess, (i) => placeAway(s, i, day)),
  ];
}

/** Idle day: pull work in from the fullest days. */
function fillIdle(s: LoadState, day: number): Move[][] {
  const candidates = s.tasks.map((_, i) => i).filter((i) => s.cur[i] !== day && s.allowed[i]!.includes(day));
  const deficit = () => s.plans[day]!.lower - s.loads[day]!;
  // How full each task's day is, as the orders below are made (every plan is undone before the next).
  const fullness = s.plans.map((p, d) => s.loads[d]! / Math.max(1, p.capacity));
  const share = (i: number) => fullness[s.cur[i]!]!;
  const byFullest: Order = (a, b) => share(b) - share(a) || s.pref[a]! - s.pref[b]! || a - b;
  const byEffort: Order = (a, b) => s.effort[b]! - s.effort[a]! || byFullest(a, b);
  const oneMove = first(candidates.filter((i) => s.effort[i]! >= deficit()), (a, b) => s.effort[a]! - s.effort[b]! || byFullest(a, b));
  const take = (i: number) => (keepsFlags(s, i, day) ? day : null);
  return [
    greedy(s, candidates.slice().sort(byFullest), deficit, take),
    greedy(s, candidates.slice().sort(byEffort), deficit, take),
    greedy(s, oneMove, deficit, take),
  ];
}

/** The first of `xs` in `order` (a total order: each ends on the index), alone; none when empty: no need to sort them all. */
function first(xs: number[], order: Order): number[] {
  let best = xs[0];
  for (const x of xs) if (order(x, best!) < 0) best = x;
  return best === undefined ? [] : [best];
}

/**
 * Tries tasks in order, each to the day `place` picks, until `remaining` is
 * cleared; moves are made on `s` and undone before returning.
 */
function greedy(s: LoadState, order: number[], remaining: () => number, place: (i: number) => number | null): Move[] {
  const done: Array<[number, number]> = [];
  for (const i of order) {
    if (remaining() <= 0) break;
    const to = place(i);
    if (to === null) continue;
    done.push([i, s.cur[i]!]);
    s.move(i, to);
  }
  const moves = done.map(([i, from]) => ({ taskId: s.tasks[i]!.id, from: s.plans[from]!.day, to: s.plans[s.cur[i]!]!.day }));
  for (const [i, from] of done.reverse()) s.move(i, from);
  return moves;
}

/** The best day for task i leaving `day`: one that stays unflagged (or gets less idle), lightest first. */
function placeAway(s: LoadState, i: number, day: number): number | null {
  let best: number | null = null;
  let bestKey = Infinity;
  for (const to of s.allowed[i]!) {
    if (to === day || !keepsFlags(s, i, to)) continue;
    const key = s.cost(to, s.loads[to]! + s.effort[i]!) - s.cost(to) + s.sq(to, s.loads[to]! + s.effort[i]!);
    if (key < bestKey) {
      bestKey = key;
      best = to;
    }
  }
  return best;
}

/** Moving task i to `to` raises no new flag and turns no flag into another kind, on either end. */
function keepsFlags(s: LoadState, i: number, to: number): boolean {
  const from = s.cur[i]!;
  const e = s.effort[i]!;
  return sameOrCleared(s, from, s.loads[from]! - e) && sameOrCleared(s, to, s.loads[to]! + e);
}

function sameOrCleared(s: LoadState, d: number, load: number): boolean {
  const after = s.flagKind(d, load);
  return after === null || (after === s.flagKind(d) && s.cost(d, load) <= s.cost(d));
}

function finish(s: LoadState, day: number, plans: Move[][]): Suggestion[] {
  const before = s.totalCost();
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  for (const moves of plans) {
    if (!moves.length) continue;
    const key = moves.map((m) => `${m.taskId}>${m.to}`).sort().join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    for (const m of moves) s.move(s.indexOf(m.taskId), s.dayIndex.get(m.to)!);
    const after = s.totalCost();
    const clears = s.flagKind(day) === null;
    for (const m of moves.slice().reverse()) s.move(s.indexOf(m.taskId), s.dayIndex.get(m.from)!);
    if (after < before) out.push({ day: s.plans[day]!.day, moves, flaggedBefore: before, flaggedAfter: after, clears });
  }
  out.sort((a, b) => Number(b.clears) - Number(a.clears) || a.moves.length - b.moves.length || a.flaggedAfter - b.flaggedAfter);
  return out.slice(0, MAX_SUGGESTIONS);
}

function whyBlocked(s: LoadState, day: number, flag: Flag): Blocked {
  if (flag.kind === 'idle') {
    const movable = s.tasks.some((_, i) => s.cur[i] !== day && s.allowed[i]!.includes(day));
    return { kind: movable ? 'idle_would_flag' : 'idle_nothing_movable' };
  }
  const here = s.tasks.map((_, i) => i).filter((i) => s.cur[i] === day);
  const fixed = here.filter((i) => s.tasks[i]!.fixed).length;
  if (fixed === here.length) return { kind: 'all_fixed', count: here.length };
  const movable = here.filter((i) => s.allowed[i]!.some((d) => d !== day));
  if (!movable.length) return { kind: 'windows' };
  return { kind: 'no_room' };
}
