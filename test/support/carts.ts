// Random week carts for property tests and the benchmark, and an exact optimum to measure auto-balance against.
import fc from 'fast-check';
import { addDays, allowedDays, asOf, buildWeek, dayCost, type CartTask, type Priority, type TaskSource, type Week } from '../../src/engine/index.ts';

export const MONDAY = '2026-11-30';
const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
const SOURCES: TaskSource[] = ['system', 'carried_over', 'recommended', 'custom'];

/** A week of `capacity`-minute days from Monday to Friday; `today`: the index of the day it is (the days before it gone by). */
export function makeWeek(capacity = 390, opts: { upper?: number; lower?: number; dayOff?: number; today?: number } = {}): Week {
  const week = buildWeek(MONDAY, {
    zone: 'Asia/Shanghai',
    workDays: [1, 2, 3, 4, 5],
    dayCapacity: capacity,
    upperPercent: opts.upper ?? 100,
    lowerPercent: opts.lower ?? 60,
    holidays: [],
    timeOff: opts.dayOff === undefined ? [] : [{ from: addDays(MONDAY, opts.dayOff), to: addDays(MONDAY, opts.dayOff), reason: 'day off' }],
  });
  return opts.today === undefined ? week : asOf(week, addDays(MONDAY, opts.today));
}

let seq = 0;
export function task(partial: Partial<CartTask> & { day: string }): CartTask {
  seq += 1;
  return {
    id: partial.id ?? `t${seq}`,
    type: 'follow_up',
    label: 'Follow-up',
    title: `Task ${seq}`,
    customerId: null,
    customerName: null,
    effort: 10,
    priority: 'normal',
    earliest: null,
    due: null,
    fixed: false,
    source: 'system',
    ...partial,
  };
}

/** A fast-check arbitrary of carts on a week of `capacity`-minute days. */
export function cartArb(opts: { minTasks?: number; maxTasks: number; capacity: number; maxEffort?: number }) {
  const day = fc.integer({ min: 0, max: 6 });
  const taskArb = fc.record({
    day: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: day }),
    effort: fc.integer({ min: 1, max: opts.maxEffort ?? 60 }),
    fixed: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    window: fc.option(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), { freq: 2 }),
    priority: fc.constantFrom(...PRIORITIES),
    source: fc.constantFrom(...SOURCES),
    customer: fc.option(fc.integer({ min: 1, max: 6 }), { freq: 2 }),
    type: fc.constantFrom('renewal', 'follow_up', 'survey'),
  });
  return fc.array(taskArb, { minLength: opts.minTasks ?? 0, maxLength: opts.maxTasks }).map((raw) =>
    raw.map((r, i): CartTask => {
      const [a, b] = r.window ?? [0, 4];
      const lo = Math.min(a, b, r.day);
      const hi = Math.max(a, b, r.day);
      return {
        id: `t${i}`,
        type: r.type,
        label: r.type,
        title: `Task ${i}`,
        customerId: r.customer === null ? null : `c${r.customer}`,
        customerName: null,
        effort: r.effort,
        priority: r.priority,
        day: addDays(MONDAY, r.day),
        earliest: r.window ? addDays(MONDAY, lo) : null,
        due: r.window ? addDays(MONDAY, hi) : null,
        fixed: r.fixed,
        source: r.source,
      };
    }),
  );
}

/**
 * The least flagged minutes any plan of this cart reaches, and the fewest moves that reach
 * them, by exhaustive search (small carts only). A task may stay where it is, or move to a
 * work day of its window; a fixed task stays.
 *
 * A plan gives each day a set of the tasks that can move, and a day's cost depends on its set
 * alone, so the search goes day by day over the sets of tasks not yet placed: every plan, in
 * days × 3^tasks steps rather than the (days + 1)^tasks plans one by one (seconds for a hundred
 * carts of ten tasks, where this takes milliseconds).
 */
export function exactOptimum(tasks: readonly CartTask[], week: Week): { flagged: number; moves: number } {
  const index = new Map(week.days.map((d, i) => [d.day, i]));
  // The load no plan changes: fixed tasks, and tasks with nowhere else to go.
  const base = week.days.map(() => 0);
  const movable: { effort: number; origin: number; days: number[] }[] = [];
  for (const t of tasks) {
    const origin = index.get(t.day);
    if (origin === undefined) continue;
    const days = t.fixed ? [] : allowedDays(t, week).map((d) => index.get(d)!).filter((d) => d !== origin);
    if (days.length) movable.push({ effort: t.effort, origin, days });
    else base[origin]! += t.effort;
  }
  // Flagged minutes weigh more than every move together.
  const W = movable.length + 1;
  const all = (1 << movable.length) - 1;
  const effort = new Array<number>(all + 1).fill(0);
  for (let set = 1; set <= all; set++) {
    const low = 31 - Math.clz32(set & -set);
    effort[set] = effort[set & (set - 1)]! + movable[low]!.effort;
  }
  // Which movable tasks each day may hold, and which of them start there (staying is no move).
  const may = week.days.map((_, d) => movable.reduce((m, t, i) => (t.origin === d || t.days.includes(d) ? m | (1 << i) : m), 0));
  const home = week.days.map((_, d) => movable.reduce((m, t, i) => (t.origin === d ? m | (1 << i) : m), 0));
  const popcount = (n: number) => {
    let c = 0;
    for (; n; n &= n - 1) c++;
    return c;
  };
  // best[placed]: the least cost of the days so far holding exactly the tasks in `placed`.
  let best = new Map<number, number>([[0, 0]]);
  week.days.forEach((day, d) => {
    const next = new Map<number, number>();
    const last = d === week.days.length - 1;
    for (const [placed, cost] of best) {
      const open = all & ~placed & may[d]!;
      // Every subset of the tasks still open that this day may hold (on the last day, all that are left, if it may).
      for (let here = open; ; here = (here - 1) & open) {
        const after = placed | here;
        if (!last || after === all) {
          const total = cost + W * dayCost(day, base[d]! + effort[here]!) + popcount(here & ~home[d]!);
          if (total < (next.get(after) ?? Infinity)) next.set(after, total);
        }
        if (here === 0) break;
      }
    }
    best = next;
  });
  const least = best.get(all)!;
  return { flagged: Math.floor(least / W), moves: least % W };
}
