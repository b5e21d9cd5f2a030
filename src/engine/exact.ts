// Exact plan for carts with few movable tasks: a memoised search over day loads
// for the least (flagged minutes, moved tasks). Up to SMALL movable tasks it
// always finishes (at most 5^8 plans); beyond, it gives up past a node budget
// and auto-balance goes on to local search and, with a solver, the MIP (mip.ts).
import type { LoadState } from './state.ts';

const SCALE = 1_000_000; // flagged minutes dominate moves

export const SMALL = 8;

export function exactPlan(s: LoadState, budget = 20_000): number[] | null {
  const movable = s.tasks.map((_, i) => i).filter((i) => daysFor(s, i).length > 1);
  // Not worth starting when the plans to consider are far more than the budget.
  let space = 1;
  for (const i of movable) if ((space *= daysFor(s, i).length) > budget * 50) return null;
  if (movable.length <= SMALL) budget = Infinity;
  const loads = [...s.loads];
  for (const i of movable) loads[s.cur[i]!]! -= s.effort[i]!;
  const memo = new Map<string, number>();
  let nodes = 0;
  const go = (k: number): number => {
    if (k === movable.length) {
      let c = 0;
      for (let d = 0; d < loads.length; d++) c += s.cost(d, loads[d]!);
      return c * SCALE;
    }
    const key = `${k}|${loads.join(',')}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    if (++nodes > budget) throw budgetExceeded;
    const i = movable[k]!;
    let best = Infinity;
    for (const d of daysFor(s, i)) {
      loads[d]! += s.effort[i]!;
      const v = go(k + 1) + (d === s.origin[i] ? 0 : 1);
      loads[d]! -= s.effort[i]!;
      if (v < best) best = v;
    }
    memo.set(key, best);
    return best;
  };
  try {
    go(0);
  } catch (e) {
    if (e === budgetExceeded) return null;
    throw e;
  }
  // Walk the memo back down to read off one optimal choice per task.
  const plan = [...s.cur];
  for (let k = 0; k < movable.length; k++) {
    const i = movable[k]!;
    const target = go(k);
    for (const d of daysFor(s, i)) {
      loads[d]! += s.effort[i]!;
      if (go(k + 1) + (d === s.origin[i] ? 0 : 1) === target) {
        plan[i] = d;
        break;
      }
      loads[d]! -= s.effort[i]!;
    }
  }
  return plan;
}

/**
 * Where task i may be: its original day first, so ties keep it where it is (staying is
 * always allowed, even on a day off or outside its window), then its allowed days.
 */
function daysFor(s: LoadState, i: number): number[] {
  const o = s.origin[i]!;
  if (o < 0) return [];
  return [o, ...s.allowed[i]!.filter((d) => d !== o)];
}

const budgetExceeded = new Error('exact search budget exceeded');
