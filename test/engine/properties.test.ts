// Property tests over random carts: the invariants an agent relies on without knowing it.
// Auto-balance and suggestions are checked both with HiGHS (as the bot runs them) and with
// local search alone (as they run when the solver cannot load).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedDays,
  applyMoves,
  autoBalance,
  measure,
  mergeTasks,
  moveTask,
  suggest,
  type CartTask,
  type MipSolver,
  type Week,
} from '../../src/engine/index.ts';
import { exactPlan } from '../../src/engine/exact.ts';
import { mipPlan } from '../../src/engine/mip.ts';
import { LoadState } from '../../src/engine/state.ts';
import { loadSolver } from '../../src/services/solver.ts';
import { exactOptimum as highsOptimum } from '../bench/optimum.ts';
import { cartArb, exactOptimum, makeWeek } from '../support/carts.ts';

const highs = (await loadSolver())!;
const week = makeWeek(120); // small days so random carts of a few dozen tasks overload and idle
const carts = cartArb({ maxTasks: 40, capacity: 120 });
const ids = (tasks: readonly CartTask[]) => tasks.map((t) => t.id).sort();
const minutes = (tasks: readonly CartTask[]) => tasks.reduce((s, t) => s + t.effort, 0);
// Generous, so that the solver finishes: these tests assert what it finds, never how fast.
const LIMIT = 60_000;
const SOLVERS: Array<[string, MipSolver | undefined]> = [
  ['with HiGHS', highs],
  ['with local search alone', undefined],
];

function respectsRules(before: readonly CartTask[], after: readonly CartTask[], w: Week = week) {
  const old = new Map(before.map((t) => [t.id, t]));
  for (const t of after) {
    const o = old.get(t.id)!;
    if (t.day === o.day) continue;
    expect(o.fixed, `fixed task ${t.id} moved`).toBe(false);
    // allowedDays holds only work days with capacity, still to come: no task moves onto a day off or a day gone by.
    expect(allowedDays(o, w), `task ${t.id} left its window or went to a day off`).toContain(t.day);
    expect(w.days.find((d) => d.day === t.day)!.past, `task ${t.id} moved onto a day gone by`).toBeFalsy();
  }
  // A day gone by is never flagged, whatever it holds.
  for (const d of measure(after, w).days) if (d.plan.past) expect(d.flag).toBeNull();
}

/** The week worked on Wednesday (Monday and Tuesday gone by), and on Thursday with Friday off (one day left to plan on). */
const worked = [makeWeek(120, { today: 2 }), makeWeek(120, { today: 3, dayOff: 4 })];

describe('engine properties', () => {
  it('merging loses no task but duplicates, and leaves no two tasks of one customer and type', () => {
    fc.assert(
      fc.property(carts, (tasks) => {
        const { tasks: out, merged } = mergeTasks(tasks);
        expect(out.length + merged.length).toBe(tasks.length);
        const keys = out.filter((t) => t.customerId).map((t) => `${t.customerId}/${t.type}`);
        expect(new Set(keys).size).toBe(keys.length);
        const all = new Set(tasks.map((t) => t.id));
        for (const t of out) expect(all.has(t.id)).toBe(true);
      }),
    );
  });

  it.each(SOLVERS)('auto-balance %s keeps every task, conserves minutes, respects windows, fixed tasks and days off, never adds flagged minutes', (_, solver) => {
    const weeks = [week, makeWeek(120, { dayOff: 1 }), makeWeek(120, { dayOff: 3 }), ...worked];
    fc.assert(
      fc.property(carts, fc.nat(4), (tasks, w) => {
        const r = autoBalance(tasks, weeks[w]!, { solver, timeLimitMs: LIMIT });
        expect(ids(r.tasks)).toEqual(ids(tasks));
        expect(minutes(r.tasks)).toBe(minutes(tasks));
        respectsRules(tasks, r.tasks, weeks[w]);
        expect(r.flaggedAfter).toBeLessThanOrEqual(r.flaggedBefore);
        expect(r.flaggedAfter).toBe(measure(r.tasks, weeks[w]!).flagged);
        expect(r.moves.length).toBe(r.tasks.filter((t, i) => t.day !== tasks[i]!.day).length);
        // Never worse than local search alone: not in flagged minutes, nor in moves at the same flagged minutes.
        const local = autoBalance(tasks, weeks[w]!);
        expect(r.flaggedAfter).toBeLessThanOrEqual(local.flaggedAfter);
        if (r.flaggedAfter === local.flaggedAfter) expect(r.moves.length).toBeLessThanOrEqual(local.moves.length);
      }),
      { numRuns: 60 },
    );
  });

  it.each(SOLVERS)('auto-balance %s leaves a cart it balanced optimally alone, and a second press never moves a task without clearing flagged minutes', (_, solver) => {
    fc.assert(
      fc.property(carts, (tasks) => {
        const once = autoBalance(tasks, week, { solver, timeLimitMs: LIMIT });
        const twice = autoBalance(once.tasks, week, { solver, timeLimitMs: LIMIT });
        if (once.optimal) expect(twice.moves).toEqual([]);
        // Local search is not optimal: pressed again, it may find a better plan from its own (a task it
        // took off a day off can no longer go back there, which lets the exact search in) — but never
        // shuffles tasks for nothing.
        else if (twice.moves.length) expect(twice.flaggedAfter).toBeLessThan(once.flaggedAfter);
      }),
      { numRuns: 60 },
    );
  });

  it('a second press of auto-balance with local search alone: better or nothing, on the cart where it found a better plan', () => {
    // Found by the property above (fast-check seed -101675546): a task on a Saturday outside the work
    // days is moved to Friday by the first press; the second can then search the cart exactly.
    const t = (id: string, effort: number, day: string, extra: Partial<CartTask> = {}): CartTask => ({ id, type: 'renewal', label: 'renewal', title: id, customerId: null, customerName: null, effort, priority: 'low', day, earliest: null, due: null, fixed: false, source: 'system', ...extra });
    const tasks = [
      t('t0', 2, '2026-12-02', { earliest: '2026-11-30', due: '2026-12-02' }),
      t('t1', 28, '2026-11-30'),
      t('t2', 15, '2026-12-02', { earliest: '2026-12-02', due: '2026-12-03' }),
      t('t3', 34, '2026-11-30'),
      t('t4', 11, '2026-11-30', { fixed: true }),
      t('t5', 1, '2026-12-02'),
      t('t6', 45, '2026-11-30'),
      t('t7', 55, '2026-12-02'),
      t('t8', 34, '2026-11-30'),
      t('t9', 45, '2026-12-05', { earliest: '2026-12-04', due: '2026-12-05' }),
    ];
    const once = autoBalance(tasks, week);
    const twice = autoBalance(once.tasks, week);
    expect(once.flaggedAfter).toBeLessThan(once.flaggedBefore);
    expect(twice.flaggedAfter).toBeLessThanOrEqual(once.flaggedAfter);
    if (twice.moves.length) expect(twice.flaggedAfter).toBeLessThan(once.flaggedAfter);
    const thrice = autoBalance(twice.tasks, week);
    expect(thrice.moves).toEqual([]);
  });

  it('auto-balance reaches the exact optimum on small carts, flagged minutes and then moves, and says it is proven', () => {
    fc.assert(
      fc.property(cartArb({ maxTasks: 8, capacity: 60, maxEffort: 40 }), fc.boolean(), fc.nat(3), (tasks, dayOff, today) => {
        const small = makeWeek(60, { ...(dayOff && { dayOff: 2 }), ...(today > 0 && { today }) });
        const best = exactOptimum(tasks, small);
        const r = autoBalance(tasks, small);
        respectsRules(tasks, r.tasks, small);
        expect({ flagged: r.flaggedAfter, moves: r.moves.length }).toEqual(best);
        expect(r.optimal).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('the exact search finds the same plan when most keys of its memo collide (each entry checked in full)', () => {
    fc.assert(
      fc.property(cartArb({ maxTasks: 10, capacity: 60, maxEffort: 40 }), (tasks) => {
        const small = makeWeek(60);
        const plan = exactPlan(new LoadState(tasks, small));
        expect(exactPlan(new LoadState(tasks, small), 20_000, [1, 2])).toEqual(plan);
      }),
      { numRuns: 100 },
    );
  });

  it('the MIP reaches the exact optimum on small carts, flagged minutes and then moves, and says it is proven', () => {
    fc.assert(
      fc.property(cartArb({ maxTasks: 10, capacity: 60, maxEffort: 40 }), fc.boolean(), fc.nat(3), (tasks, dayOff, today) => {
        const small = makeWeek(60, { ...(dayOff && { dayOff: 2 }), ...(today > 0 && { today }) });
        const s = new LoadState(tasks, small);
        // Started from the cart as it is: the solver alone must find the optimum.
        const found = mipPlan(s, [...s.origin], highs, { totalMs: LIMIT, flaggedMs: LIMIT });
        const best = exactOptimum(tasks, small);
        if (!found) {
          // Nothing may move at all.
          expect(best.moves).toBe(0);
          return;
        }
        const after = tasks.map((t, i) => ({ ...t, day: small.days[found.plan[i]!]!.day }));
        respectsRules(tasks, after, small);
        expect({ flagged: measure(after, small).flagged, moves: after.filter((t, i) => t.day !== tasks[i]!.day).length }).toEqual(best);
        expect(found.optimal).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('auto-balance with HiGHS says "optimal" only when an independent solve agrees (bigger carts)', async () => {
    const bigger = cartArb({ minTasks: 15, maxTasks: 60, capacity: 120 });
    await fc.assert(
      fc.asyncProperty(bigger, fc.nat(7), async (tasks, off) => {
        const w = off < 5 ? makeWeek(120, { dayOff: off }) : off < 7 ? worked[off - 5]! : week;
        const r = autoBalance(tasks, w, { solver: highs, timeLimitMs: LIMIT });
        // A model written apart from the engine's: one binary per task and day, two solves.
        const best = await highsOptimum(tasks, w);
        expect(best.proven).toBe(true);
        expect(r.flaggedAfter).toBeGreaterThanOrEqual(best.flagged);
        if (r.leastFlagged) expect(r.flaggedAfter).toBe(best.flagged);
        if (r.optimal) expect(r.moves.length).toBe(best.moves);
      }),
      // Each run solves the cart twice more apart from the engine: fewer runs than the cheap properties
      // (new random carts every run of the suite).
      { numRuns: 25 },
    );
  });

  it.each(SOLVERS)('every suggestion %s is applicable, respects the rules, strictly reduces flagged minutes and raises no new flag', (_, solver) => {
    const weeks = [week, makeWeek(120, { dayOff: 2 }), ...worked];
    fc.assert(
      fc.property(carts, fc.nat(3), (tasks, w) => {
        const cartWeek = weeks[w]!;
        const before = measure(tasks, cartWeek);
        for (const advice of suggest(tasks, cartWeek, { solver })) {
          expect(advice.suggestions.length).toBeLessThanOrEqual(3);
          if (!advice.suggestions.length) expect(advice.blocked).toBeTruthy();
          for (const s of advice.suggestions) {
            const after = applyMoves(tasks, cartWeek, s.moves);
            respectsRules(tasks, after, cartWeek);
            const m = measure(after, cartWeek);
            expect(m.flagged).toBe(s.flaggedAfter);
            expect(m.flagged).toBeLessThan(before.flagged);
            m.days.forEach((d, i) => {
              const was = before.days[i]!.flag;
              if (!was) expect(d.flag, `new flag on ${d.plan.day}`).toBeNull();
              else if (d.flag) {
                expect(d.flag.kind, `flag of another kind on ${d.plan.day}`).toBe(was.kind);
                expect(d.flag.by, `bigger flag on ${d.plan.day}`).toBeLessThanOrEqual(was.by);
              }
            });
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('suggestions with HiGHS offer, for each flagged day, a plan at least as good as the best without it, the same every time', () => {
    fc.assert(
      fc.property(carts, (tasks) => {
        const local = suggest(tasks, week);
        const solved = suggest(tasks, week, { solver: highs });
        // The same every time: Apply names a suggestion by its place in the list computed again.
        expect(suggest(tasks, week, { solver: highs })).toEqual(solved);
        local.forEach((a, k) => {
          const b = solved[k]!;
          expect(b.day).toBe(a.day);
          const best = (xs: typeof a.suggestions) => Math.min(Infinity, ...xs.map((x) => x.flaggedAfter));
          expect(best(b.suggestions)).toBeLessThanOrEqual(best(a.suggestions));
          if (a.suggestions.some((x) => x.clears)) expect(b.suggestions[0]!.clears).toBe(true);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('moves conserve tasks and minutes', () => {
    fc.assert(
      fc.property(carts, fc.nat(), fc.integer({ min: 0, max: 4 }), (tasks, pick, to) => {
        fc.pre(tasks.length > 0);
        const t = tasks[pick % tasks.length]!;
        const day = week.days[to]!.day;
        fc.pre(allowedDays(t, week).includes(day));
        const after = moveTask(tasks, week, t.id, day);
        expect(ids(after)).toEqual(ids(tasks));
        expect(minutes(after)).toBe(minutes(tasks));
      }),
    );
  });
});
