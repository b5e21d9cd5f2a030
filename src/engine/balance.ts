// Auto-balance: one deterministic re-plan of the week. Lexicographic objective:
// first the total flagged minutes, then the number of moved tasks, then the
// spread of load across days. Never moves a fixed task or leaves a window.
//
// Small carts (few movable tasks) are solved exactly; larger ones by a local
// search over single moves, swaps and two-step chains (move a task into a day
// while moving another out of it). The benchmark and tests measure it against
// an exact optimum.
import { measure } from './cart.ts';
import { exactPlan } from './exact.ts';
import { LoadState } from './state.ts';
import type { CartTask, Move, Week } from './types.ts';

export interface BalanceResult {
  tasks: CartTask[];
  moves: Move[];
  flaggedBefore: number;
  flaggedAfter: number;
}

interface Candidate {
  delta: number;
  dMoves: number;
  dSpread: number;
  pref: number;
  key: number;
  apply: () => void;
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

export function autoBalance(tasks: readonly CartTask[], week: Week): BalanceResult {
  const s = new LoadState(tasks, week);
  const flaggedBefore = s.totalCost();
  const exact = flaggedBefore > 0 ? exactPlan(s) : null;
  if (exact) {
    exact.forEach((d, i) => {
      if (d !== s.cur[i]) s.move(i, d);
    });
    evenOut(s);
  } else if (flaggedBefore > 0) {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      while (improve(s));
      const undone = undoNeedless(s);
      const spread = evenOut(s);
      if (!undone && !spread) break;
    }
  }
  return { tasks: s.result(), moves: s.moves(), flaggedBefore, flaggedAfter: measure(s.result(), week).flagged };
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
    apply: () => s.move(i, to),
  };
}

/** One step that strictly lowers the flagged minutes: a move, else a swap, else a chain. */
function improve(s: LoadState): boolean {
  const n = s.tasks.length;
  let best: Candidate | null = null;
  for (let i = 0; i < n; i++) {
    for (const to of s.allowed[i]!) {
      if (to === s.cur[i]) continue;
      const c = singleMove(s, i, to);
      if (c.delta < 0 && better(c, best)) best = c;
    }
  }
  if (!best) best = bestPairStep(s);
  if (!best) return false;
  best.apply();
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
  for (let a = 0; a < s.tasks.length; a++) {
    const P = s.cur[a]!;
    const ea = s.effort[a]!;
    for (const Q of s.allowed[a]!) {
      if (Q === P) continue;
      for (const b of byDay[Q]!) {
        const eb = s.effort[b]!;
        for (const R of s.allowed[b]!) {
          if (R === Q) continue;
          if (s.cost(P) === 0 && s.cost(Q) === 0 && s.cost(R) === 0) continue;
          const delta = pairDelta(s, P, Q, R, ea, eb);
          if (delta >= 0) continue;
          const dMoves = movesDelta(s, a, Q) + movesDelta(s, b, R);
          const c: Candidate = {
            delta,
            dMoves,
            dSpread: 0,
            pref: s.pref[a]! + s.pref[b]!,
            key: ((a * days + Q) * s.tasks.length + b) * days + R,
            apply: () => {
              s.move(a, Q);
              s.move(b, R);
            },
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
      c.apply();
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
    best.apply();
    changed = true;
  }
  return changed;
}
