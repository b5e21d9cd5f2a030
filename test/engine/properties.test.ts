// Property tests over random carts: the invariants an agent relies on without knowing it.
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
} from '../../src/engine/index.ts';
import { cartArb, exactMinFlagged, makeWeek } from '../support/carts.ts';

const week = makeWeek(120); // small days so random carts of a few dozen tasks overload and idle
const carts = cartArb({ maxTasks: 40, capacity: 120 });
const ids = (tasks: readonly CartTask[]) => tasks.map((t) => t.id).sort();
const minutes = (tasks: readonly CartTask[]) => tasks.reduce((s, t) => s + t.effort, 0);

function respectsRules(before: readonly CartTask[], after: readonly CartTask[]) {
  const old = new Map(before.map((t) => [t.id, t]));
  for (const t of after) {
    const o = old.get(t.id)!;
    if (t.day === o.day) continue;
    expect(o.fixed, `fixed task ${t.id} moved`).toBe(false);
    expect(allowedDays(o, week), `task ${t.id} left its window`).toContain(t.day);
  }
}

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

  it('auto-balance keeps every task, conserves minutes, respects windows and fixed tasks, never adds flagged minutes', () => {
    fc.assert(
      fc.property(carts, (tasks) => {
        const r = autoBalance(tasks, week);
        expect(ids(r.tasks)).toEqual(ids(tasks));
        expect(minutes(r.tasks)).toBe(minutes(tasks));
        respectsRules(tasks, r.tasks);
        expect(r.flaggedAfter).toBeLessThanOrEqual(r.flaggedBefore);
        expect(r.flaggedAfter).toBe(measure(r.tasks, week).flagged);
        expect(r.moves.length).toBe(r.tasks.filter((t, i) => t.day !== tasks[i]!.day).length);
      }),
    );
  });

  it('auto-balance is idempotent: a balanced cart is left alone', () => {
    fc.assert(
      fc.property(carts, (tasks) => {
        const once = autoBalance(tasks, week);
        const twice = autoBalance(once.tasks, week);
        expect(twice.moves).toEqual([]);
      }),
    );
  });

  it('auto-balance reaches the exact optimum of flagged minutes on small carts', () => {
    fc.assert(
      fc.property(cartArb({ maxTasks: 8, capacity: 60, maxEffort: 40 }), (tasks) => {
        const small = makeWeek(60);
        expect(autoBalance(tasks, small).flaggedAfter).toBe(exactMinFlagged(tasks, small));
      }),
      { numRuns: 200 },
    );
  });

  it('every suggestion is applicable, respects the rules, strictly reduces flagged minutes and raises no new flag', () => {
    fc.assert(
      fc.property(carts, (tasks) => {
        const before = measure(tasks, week);
        for (const advice of suggest(tasks, week)) {
          expect(advice.suggestions.length).toBeLessThanOrEqual(3);
          if (!advice.suggestions.length) expect(advice.blocked).toBeTruthy();
          for (const s of advice.suggestions) {
            const after = applyMoves(tasks, week, s.moves);
            respectsRules(tasks, after);
            const m = measure(after, week);
            expect(m.flagged).toBe(s.flaggedAfter);
            expect(m.flagged).toBeLessThan(before.flagged);
            m.days.forEach((d, i) => {
              if (!before.days[i]!.flag) expect(d.flag, `new flag on ${d.plan.day}`).toBeNull();
            });
          }
        }
      }),
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
