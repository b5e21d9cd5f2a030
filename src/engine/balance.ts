// Auto-balance: one re-plan of the week. Lexicographic objective: first the
// total flagged minutes, then the number of moved tasks, then the spread of load
// across days. Never moves a fixed task, never leaves a window, never moves a
// task to a day without capacity; a task may always stay where it is.
//
// Small carts (few movable tasks) are solved exactly by a search of our own.
// Larger ones start from a local search over single moves, swaps and two-step
// chains (move a task into a day while moving another out of it); when a MIP
// solver is handed in (mip.ts), that plan is its warm start and the solver looks
// for better, and for a proof, within time limits passed in. Without a solver, or
// when it fails, the local search plan is the answer. The same cart gets the same
// plan, except when the solver stops at a time limit: then the best plan found
// so far, which may depend on the machine's load.
import { measure } from './cart.ts';
import { exactPlan } from './exact.ts';
import { mipPlan, type MipSolver } from './mip.ts';
import { LoadState } from './state.ts';
import type { CartTask, Move, Week } from './types.ts';

export interface BalanceResult {
  tasks: CartTask[];
  moves: Move[];
  flaggedBefore: number;
  flaggedAfter: number;
  /**
   * Proven: no plan has fewer flagged minutes, and none with as few has fewer moves.
   * False means the best plan found, not a proof.
   */
  optimal: boolean;
  /** Proven: no plan has fewer flagged minutes (the moves may not be the fewest). */
  leastFlagged: boolean;
  /** What found the plan: nothing to do, our exact search, the MIP solver, or local search alone. */
  method: 'none' | 'exact' | 'mip' | 'local_search';
}

export interface BalanceOptions {
  /** A MIP solver (HiGHS); without one, carts too big for the exact search get local search alone. */
  solver?: MipSolver | null;
  /** How long the solver may search in all, on most carts, before the best plan found is taken. */
  timeLimitMs?: number;
  /**
   * How long it may search for the least flagged minutes when the linear relaxation does not
   * prove them (a few carts in a hundred): flagged minutes come first. At least timeLimitMs.
   */
  flaggedTimeLimitMs?: number;
}

/** Enough to prove most carts optimal. */
export const BALANCE_TIME_LIMIT_MS = 100;
/** Enough to find the least flagged minutes on nearly every cart; a click still stays under half a second. */
export const BALANCE_FLAGGED_TIME_LIMIT_MS = 250;

/** Task a to day `to`, and task b (when not -1) to day `toB`. Plain data: no closure per candidate, the search makes many. */
interface Candidate {
  delta: number;
  dMoves: number;
  dSpread: number;
  pref: number;
  key: number;
  a: number;
  to: number;
  b: number;
  toB: number;
}

function apply(s: LoadState, c: Candidate): void {
  s.move(c.a, c.to);
  if (c.b >= 0) s.move(c.b, c.toB);
}

/** Lexicographically smaller is better; `key` keeps it deterministic. */
function better(a: Candidate, b: Candidate | null): boolean {
  if (!b) return true;
  if (a.delta !== b.delta) return a.delta < b.delta;
  if (a.dMoves !== b.dMoves) return a.dMoves < b.dMoves;
  if (Math.abs(a.dSpread - b.dSpread) > 1e-9) return a.dSpread < b.dSpread;
  if (a.pref !== b.pref) return a.pref < b.pref;
  return a.key < b.key;
}

const MAX_ROUNDS = 50;

export function autoBalance(tasks: readonly CartTask[], week: Week, options: BalanceOptions = {}): BalanceResult {
  const s = new LoadState(tasks, week);
  const flaggedBefore = s.totalCost();
  const done = (proof: { optimal: boolean; leastFlagged: boolean }, method: BalanceResult['method']): BalanceResult => {
    const after = s.result();
    const flaggedAfter = measure(after, week).flagged;
    return { tasks: after, moves: s.moves(), flaggedBefore, flaggedAfter, optimal: proof.optimal, leastFlagged: proof.leastFlagged || flaggedAfter === 0, method };
  };
  if (flaggedBefore === 0) return done({ optimal: true, leastFlagged: true }, 'none');
  const exact = exactPlan(s);
  if (exact) {
    goTo(s, exact);
    evenOut(s);
    return done({ optimal: true, leastFlagged: true }, 'exact');
  }
  localSearch(s);
  const start = [...s.cur];
  let found = null;
  if (options.solver) {
    try {
      const polish = (plan: number[]) => {
        const t = new LoadState(tasks, week);
        goTo(t, plan);
        localSearch(t);
        return [...t.cur];
      };
      const totalMs = options.timeLimitMs ?? BALANCE_TIME_LIMIT_MS;
      const flaggedMs = Math.max(totalMs, options.flaggedTimeLimitMs ?? BALANCE_FLAGGED_TIME_LIMIT_MS);
      found = mipPlan(s, start, options.solver, { totalMs, flaggedMs }, polish);
    } catch {
      // A solver that fails leaves the local search plan standing.
    }
  }
  if (!found) return done({ optimal: false, leastFlagged: false }, 'local_search');
  // The solver's plan is never worse than the local search plan it started from (mipPlan keeps the better).
  const improved = found.plan.some((d, i) => d !== start[i]);
  if (improved) {
    goTo(s, found.plan);
    evenOut(s);
  }
  return done(found, improved ? 'mip' : 'local_search');
}

function goTo(s: LoadState, plan: readonly number[]): void {
  plan.forEach((d, i) => {
    if (d !== s.cur[i]) s.move(i, d);
  });
}

function localSearch(s: LoadState): void {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    while (improve(s));
    const undone = undoNeedless(s);
    const spread = evenOut(s);
    if (!undone && !spread) break;
  }
}

/** Change in moved-task count if task i goes from its current day to `to`. */
function movesDelta(s: LoadState, i: number, to: number): number {
  const o = s.origin[i]!;
  return (to === o ? 0 : 1) - (s.cur[i] === o ? 0 : 1);
}

function singleMove(s: LoadState, i: number, to: number): Candidate {
  const from = s.cur[i]!;
  const e = s.effort[i]!;
  const lf = s.loads[from]!;
  const lt = s.loads[to]!;
  return {
    delta: s.cost(from, lf - e) - s.cost(from, lf) + s.cost(to, lt + e) - s.cost(to, lt),
    dMoves: movesDelta(s, i, to),
    dSpread: s.sq(from, lf - e) + s.sq(to, lt + e) - s.sq(from, lf) - s.sq(to, lt),
    pref: s.pref[i]!,
    key: i * 8 + to,
    a: i,
    to,
    b: -1,
    toB: -1,
  };
}

/** One step that strictly lowers the flagged minutes: a move, else a swap, else a chain. */
function improve(s: LoadState): boolean {
  const n = s.tasks.length;
  let best: Candidate | null = null;
  for (let i = 0; i < n; i++) {
    const from = s.cur[i]!;
    const e = s.effort[i]!;
    const out = s.cost(from, s.loads[from]! - e) - s.cost(from);
    for (const to of s.allowed[i]!) {
      if (to === from || out + s.cost(to, s.loads[to]! + e) - s.cost(to) >= 0) continue;
      const c = singleMove(s, i, to);
      if (better(c, best)) best = c;
    }
  }
  if (!best) best = bestPairStep(s);
  if (!best) return false;
  apply(s, best);
  return true;
}

/**
 * Two tasks at once, when no single move helps: task a goes P → Q and task b
 * goes Q → R (R = P is a swap). At least one of the days touched must be flagged.
 */
function bestPairStep(s: LoadState): Candidate | null {
  const byDay: number[][] = s.plans.map(() => []);
  s.tasks.forEach((_, i) => {
    if (s.allowed[i]!.length > 1) byDay[s.cur[i]!]!.push(i);
  });
  let best: Candidate | null = null;
  const days = s.plans.length;
  const flagged = s.plans.map((_, d) => s.cost(d) > 0);
  for (let a = 0; a < s.tasks.length; a++) {
    const P = s.cur[a]!;
    const ea = s.effort[a]!;
    for (const Q of s.allowed[a]!) {
      if (Q === P) continue;
      for (const b of byDay[Q]!) {
        const eb = s.effort[b]!;
        for (const R of s.allowed[b]!) {
          if (R === Q) continue;
          if (!flagged[P] && !flagged[Q] && !flagged[R]) continue;
          const delta = pairDelta(s, P, Q, R, ea, eb);
          if (delta >= 0) continue;
          const dMoves = movesDelta(s, a, Q) + movesDelta(s, b, R);
          const c: Candidate = {
            delta,
            dMoves,
            dSpread: 0,
            pref: s.pref[a]! + s.pref[b]!,
            key: ((a * days + Q) * s.tasks.length + b) * days + R,
            a,
            to: Q,
            b,
            toB: R,
          };
          if (better(c, best)) best = c;
        }
      }
    }
  }
  return best;
}

function pairDelta(s: LoadState, P: number, Q: number, R: number, ea: number, eb: number): number {
  const lp = s.loads[P]!;
  const lq = s.loads[Q]!;
  const lr = s.loads[R]!;
  if (R === P) return s.cost(P, lp - ea + eb) - s.cost(P, lp) + s.cost(Q, lq + ea - eb) - s.cost(Q, lq);
  return (
    s.cost(P, lp - ea) - s.cost(P, lp) + s.cost(Q, lq + ea - eb) - s.cost(Q, lq) + s.cost(R, lr + eb) - s.cost(R, lr)
  );
}

/** Puts back every moved task whose move the flagged minutes do not need. */
function undoNeedless(s: LoadState): boolean {
  let changed = false;
  const moved = s.tasks.map((_, i) => i).filter((i) => s.cur[i] !== s.origin[i]);
  // Undo the moves of the tasks we least like moving first.
  moved.sort((x, y) => s.pref[y]! - s.pref[x]! || x - y);
  for (const i of moved) {
    const c = singleMove(s, i, s.origin[i]!);
    if (c.delta <= 0) {
      apply(s, c);
      changed = true;
    }
  }
  return changed;
}

/** Re-places already moved tasks where the load is more even, at no cost in flags or moves. */
function evenOut(s: LoadState): boolean {
  let changed = false;
  for (let pass = 0; pass < 20; pass++) {
    let best: Candidate | null = null;
    for (let i = 0; i < s.tasks.length; i++) {
      if (s.cur[i] === s.origin[i]) continue;
      for (const to of s.allowed[i]!) {
        if (to === s.cur[i] || to === s.origin[i]) continue;
        const c = singleMove(s, i, to);
        if (c.delta <= 0 && c.dSpread < -1e-9 && better(c, best)) best = c;
      }
    }
    if (!best) break;
    apply(s, best);
    changed = true;
  }
  return changed;
}
