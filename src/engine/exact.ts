// Exact plan for carts with few movable tasks: a memoised search over day loads
// for the least (flagged minutes, moved tasks). Up to SMALL movable tasks it
// always finishes (at most 5^8 plans); beyond, it gives up past a node budget
// and auto-balance goes on to local search and, with a solver, the MIP (mip.ts).
import type { LoadState } from './state.ts';

const SCALE = 1_000_000; // flagged minutes dominate moves

export const SMALL = 8;

/** `weights`: the memo's hash per day (tests give small ones, so that most keys collide). */
export function exactPlan(s: LoadState, budget = 20_000, weights: readonly number[] = WEIGHTS): number[] | null {
  const movable = s.tasks.map((_, i) => i).filter((i) => daysFor(s, i).length > 1);
  // Not worth starting when the plans to consider are far more than the budget.
  let space = 1;
  for (const i of movable) if ((space *= daysFor(s, i).length) > budget * 50) return null;
  if (movable.length <= SMALL) budget = Infinity;
  const loads = [...s.loads];
  for (const i of movable) loads[s.cur[i]!]! -= s.effort[i]!;
  // The memo's key is the task reached and every day's load. A string of them cost more than the
  // search around it; instead a number hashed from them, kept up to date as a load changes, picks a
  // bucket, and each entry keeps the loads it was for, compared in full: no collision can mix two.
  const days = loads.length;
  const weight = loads.map((_, d) => weights[d % weights.length]!);
  let hash = 0;
  for (let d = 0; d < days; d++) hash = (hash + Math.imul(loads[d]!, weight[d]!)) | 0;
  const place = (d: number, effort: number) => {
    loads[d]! += effort;
    hash = (hash + Math.imul(effort, weight[d]!)) | 0;
  };
  const unplace = (d: number, effort: number) => {
    loads[d]! -= effort;
    hash = (hash - Math.imul(effort, weight[d]!)) | 0;
  };
  /** Per bucket, entries laid out flat: k, the loads, the value. */
  const memo = new Map<number, number[]>();
  const stride = days + 2;
  const bucketOf = (k: number) => (hash ^ Math.imul(k + 1, 0x9e3779b1)) | 0;
  const recall = (bucket: number[] | undefined, k: number): number | undefined => {
    if (!bucket) return undefined;
    entries: for (let j = 0; j < bucket.length; j += stride) {
      if (bucket[j] !== k) continue;
      for (let d = 0; d < days; d++) if (bucket[j + 1 + d] !== loads[d]) continue entries;
      return bucket[j + 1 + days];
    }
    return undefined;
  };
  /** Where each movable task may go, its own day first: worked out once, not at every node. */
  const options = movable.map((i) => daysFor(s, i));
  let nodes = 0;
  const go = (k: number): number => {
    if (k === movable.length) {
      let c = 0;
      for (let d = 0; d < days; d++) c += s.cost(d, loads[d]!);
      return c * SCALE;
    }
    const key = bucketOf(k);
    const hit = recall(memo.get(key), k);
    if (hit !== undefined) return hit;
    if (++nodes > budget) throw budgetExceeded;
    const i = movable[k]!;
    let best = Infinity;
    for (const d of options[k]!) {
      place(d, s.effort[i]!);
      const v = go(k + 1) + (d === s.origin[i] ? 0 : 1);
      unplace(d, s.effort[i]!);
      if (v < best) best = v;
    }
    let bucket = memo.get(key);
    if (!bucket) memo.set(key, (bucket = []));
    bucket.push(k);
    for (let d = 0; d < days; d++) bucket.push(loads[d]!);
    bucket.push(best);
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
    for (const d of options[k]!) {
      place(d, s.effort[i]!);
      if (go(k + 1) + (d === s.origin[i] ? 0 : 1) === target) {
        plan[i] = d;
        break;
      }
      unplace(d, s.effort[i]!);
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
/** Odd multipliers, one per day of the week, for the memo's hash. */
const WEIGHTS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f, 0x165667b1, 0xd3a2646c | 1, 0xfd7046c5];
