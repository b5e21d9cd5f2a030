import { describe, expect, it } from 'vitest';
import {
  addTasks,
  applyMoves,
  autoBalance,
  firstOpenDay,
  measure,
  mergeTasks,
  moveTask,
  removeTask,
  setEffort,
  suggest,
} from '../../src/engine/index.ts';
import { dayPlan } from '../../src/engine/mip.ts';
import { LoadState } from '../../src/engine/state.ts';
import { AppError } from '../../src/errors.ts';
import { loadSolver } from '../../src/services/solver.ts';
import { makeWeek, task } from '../support/carts.ts';

const highs = (await loadSolver())!;

const MON = '2026-11-30';
const TUE = '2026-12-01';
const WED = '2026-12-02';
const THU = '2026-12-03';
const FRI = '2026-12-04';
const SAT = '2026-12-05';
const week = makeWeek();

/** A day's worth of 30-minute tasks adding up to `minutes`. */
function fill(day: string, minutes: number, extra: Partial<Parameters<typeof task>[0]> = {}) {
  const out = [];
  for (let left = minutes; left > 0; left -= 30) out.push(task({ day, effort: Math.min(30, left), ...extra }));
  return out;
}

describe('merge duplicates', () => {
  it('keeps the system task over the agent’s, with the tighter window and higher priority, and reports it', () => {
    const sys = task({ day: WED, customerId: 'c1', type: 'renewal', source: 'system', priority: 'normal', earliest: MON, due: FRI });
    const mine = task({ day: MON, customerId: 'c1', type: 'renewal', source: 'custom', priority: 'urgent', earliest: TUE, due: THU });
    const { tasks, merged } = mergeTasks([mine, sys]);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ id: sys.id, day: WED, priority: 'urgent', earliest: TUE, due: THU });
    expect(merged).toEqual([{ kept: tasks[0], dropped: mine }]);
  });

  it('keeps the earlier day between two of the same origin', () => {
    const a = task({ day: THU, customerId: 'c1', type: 'renewal' });
    const b = task({ day: TUE, customerId: 'c1', type: 'renewal' });
    expect(mergeTasks([a, b]).tasks.map((t) => t.id)).toEqual([b.id]);
  });

  it('never merges tasks without a customer, nor different types for one customer', () => {
    const tasks = [
      task({ day: MON, customerId: null, type: 'custom' }),
      task({ day: MON, customerId: null, type: 'custom' }),
      task({ day: MON, customerId: 'c1', type: 'renewal' }),
      task({ day: MON, customerId: 'c1', type: 'survey' }),
    ];
    expect(mergeTasks(tasks)).toEqual({ tasks, merged: [] });
  });

  it('never merges into a task already done or skipped on the list of a reopened cart: a new one for the customer is added', () => {
    const done = task({ day: TUE, customerId: 'c1', type: 'renewal', source: 'system', fixed: true, finished: 'done' });
    const skipped = task({ day: WED, customerId: 'c2', type: 'renewal', fixed: true, finished: 'skipped' });
    const again = [task({ day: MON, customerId: 'c1', type: 'renewal', source: 'custom' }), task({ day: THU, customerId: 'c2', type: 'renewal', source: 'custom' })];
    expect(addTasks([done, skipped], again)).toEqual({ tasks: [done, skipped, ...again], merged: [] });
    // Two new ones for the customer still merge with each other.
    expect(addTasks([done], [...again, task({ day: FRI, customerId: 'c1', type: 'renewal', source: 'custom' })]).merged).toHaveLength(1);
  });

  it('does not tighten a window that would no longer hold the kept day', () => {
    const sys = task({ day: MON, customerId: 'c1', type: 'renewal', earliest: MON, due: FRI });
    const mine = task({ day: THU, customerId: 'c1', type: 'renewal', source: 'custom', earliest: WED, due: FRI });
    expect(mergeTasks([sys, mine]).tasks[0]).toMatchObject({ day: MON, earliest: MON, due: FRI });
  });
});

describe('measure and flag', () => {
  it('flags overloaded, idle and off days by their minutes, and only a clean week is committable', () => {
    const tasks = [...fill(MON, 420), ...fill(TUE, 200), ...fill(WED, 300), ...fill(THU, 390), ...fill(FRI, 234), task({ day: SAT, effort: 15 })];
    const m = measure(tasks, week);
    expect(m.days.map((d) => d.workload)).toEqual([420, 200, 300, 390, 234, 15, 0]);
    expect(m.days.map((d) => d.flag)).toEqual([
      { kind: 'overloaded', by: 30 },
      { kind: 'idle', by: 34 },
      null,
      null, // exactly at the upper threshold is not over it
      null, // exactly at the lower threshold is not under it
      { kind: 'off_day', by: 15 },
      null,
    ]);
    expect(m.flagged).toBe(79);
    expect(m.committable).toBe(false);
    expect(m.totalMinutes).toBe(1559);
    expect(m.totalCapacity).toBe(1950);
  });

  it('treats a task on the agent’s day off as an overload of that day', () => {
    const off = makeWeek(390, { dayOff: 2 });
    const m = measure([task({ day: WED, effort: 10 })], off);
    expect(m.days[2]!.flag).toEqual({ kind: 'off_day', by: 10 });
  });
});

describe('suggestions', () => {
  it('moves low-priority, agent-added work from the overloaded day to lighter days, clearing it', () => {
    const urgent = fill(MON, 390, { priority: 'urgent' });
    const low = task({ day: MON, effort: 30, priority: 'low', source: 'custom', title: 'Call back' });
    const tasks = [...urgent, low, ...fill(TUE, 300), ...fill(WED, 300), ...fill(THU, 300), ...fill(FRI, 300)];
    const [advice] = suggest(tasks, week);
    expect(advice).toMatchObject({ day: MON, flag: { kind: 'overloaded', by: 30 }, blocked: null });
    const first = advice!.suggestions[0]!;
    expect(first.clears).toBe(true);
    expect(first.moves).toEqual([{ taskId: low.id, from: MON, to: TUE }]);
    expect(first.flaggedAfter).toBe(0);
    expect(advice!.suggestions.length).toBeLessThanOrEqual(3);
  });

  it('pulls work forward to an idle day from the fullest day', () => {
    const tasks = [...fill(MON, 390), ...fill(TUE, 100), ...fill(WED, 300), ...fill(THU, 300), ...fill(FRI, 300)];
    const [advice] = suggest(tasks, week);
    expect(advice!.day).toBe(TUE);
    const first = advice!.suggestions[0]!;
    expect(first.moves.every((m) => m.to === TUE)).toBe(true);
    expect(first.moves[0]!.from).toBe(MON);
    expect(first.flaggedAfter).toBeLessThan(first.flaggedBefore);
  });

  it('says why when everything on the day is fixed', () => {
    const tasks = [...fill(MON, 420, { fixed: true }), ...fill(TUE, 300), ...fill(WED, 300), ...fill(THU, 300), ...fill(FRI, 300)];
    expect(suggest(tasks, week)).toEqual([
      { day: MON, flag: { kind: 'overloaded', by: 30 }, suggestions: [], blocked: { kind: 'all_fixed', count: 14 } },
    ]);
  });

  it('says why when windows keep tasks on the day, and offers recommended tasks for an empty idle day', () => {
    const tasks = [...fill(MON, 420, { earliest: MON, due: MON }), ...fill(TUE, 300), ...fill(WED, 300), ...fill(THU, 300)];
    const advice = suggest(tasks, week);
    expect(advice.find((a) => a.day === MON)!.blocked).toEqual({ kind: 'windows' });
    const fri = advice.find((a) => a.day === FRI)!;
    expect(fri.flag).toEqual({ kind: 'idle', by: 234 });
    expect(fri.suggestions[0]!.moves.length).toBeGreaterThan(0);
  });
});

describe('auto-balance', () => {
  it('clears an overloaded and an idle day in the fewest moves', () => {
    const big = task({ day: MON, effort: 60 });
    const tasks = [...fill(MON, 360), big, ...fill(TUE, 180), ...fill(WED, 300), ...fill(THU, 300), ...fill(FRI, 300)];
    const r = autoBalance(tasks, week);
    expect(r.flaggedBefore).toBe(30 + 54);
    expect(r.flaggedAfter).toBe(0);
    expect(r.moves).toEqual([{ taskId: big.id, from: MON, to: TUE }]);
    expect(measure(r.tasks, week).committable).toBe(true);
  });

  it('leaves a task on a day off when moving it would only trade its minutes for an overload and a move', () => {
    const off = makeWeek(390, { dayOff: 2 });
    const left = task({ day: WED, effort: 30 });
    const tasks = [left, ...[MON, TUE, THU, FRI].flatMap((d) => fill(d, 390, { fixed: true }))];
    const r = autoBalance(tasks, off);
    expect(r).toMatchObject({ flaggedBefore: 30, flaggedAfter: 30, moves: [], optimal: true, leastFlagged: true });
  });

  it('never moves a task planned outside its window when staying flags fewer minutes', () => {
    // After a merge a task can sit outside its (tightened) window; staying put is always allowed.
    const outside = task({ day: MON, effort: 30, earliest: TUE, due: TUE });
    const tasks = [outside, ...fill(MON, 234, { fixed: true }), ...fill(TUE, 390, { fixed: true }), ...[WED, THU, FRI].flatMap((d) => fill(d, 300, { fixed: true })), task({ day: SAT, effort: 10, fixed: true })];
    const r = autoBalance(tasks, week);
    expect(r).toMatchObject({ flaggedBefore: 10, flaggedAfter: 10, moves: [] });
  });

  it('moves nothing on a balanced cart', () => {
    const tasks = [...fill(MON, 300), ...fill(TUE, 300), ...fill(WED, 300), ...fill(THU, 300), ...fill(FRI, 300)];
    expect(autoBalance(tasks, week).moves).toEqual([]);
  });

  it('finds a two-step chain when no single move helps', () => {
    // Mon is 10 over; Tue has 5 free; Wed has 20. a may only go Mon/Tue, b only Tue/Wed.
    const a = task({ day: MON, effort: 15, earliest: MON, due: TUE });
    const b = task({ day: TUE, effort: 12, earliest: TUE, due: WED });
    const tasks = [
      a, ...fill(MON, 385, { fixed: true }), b, ...fill(TUE, 373, { fixed: true }),
      ...fill(WED, 370, { fixed: true }), ...fill(THU, 390, { fixed: true }), ...fill(FRI, 390, { fixed: true }),
    ];
    const r = autoBalance(tasks, week);
    expect(r.flaggedBefore).toBe(10);
    expect(r.flaggedAfter).toBe(0);
    expect(r.moves).toEqual(expect.arrayContaining([{ taskId: a.id, from: MON, to: TUE }, { taskId: b.id, from: TUE, to: WED }]));
  });
});

describe('edits', () => {
  const a = task({ day: MON, effort: 20, earliest: MON, due: WED });
  const f = task({ day: TUE, fixed: true, title: 'Board call' });
  it('moves within the window and refuses fixed tasks, days outside the window or the week', () => {
    expect(moveTask([a, f], week, a.id, WED).find((t) => t.id === a.id)!.day).toBe(WED);
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        return { code: (e as AppError).code, params: (e as AppError).params };
      }
      throw new Error('not refused');
    };
    expect(refusal(() => moveTask([a, f], week, f.id, WED))).toEqual({ code: 'fixed_task', params: { title: 'Board call', day: TUE } });
    expect(refusal(() => moveTask([a, f], week, a.id, FRI))).toEqual({ code: 'outside_window', params: { title: a.title, day: FRI } });
    expect(refusal(() => moveTask([a, f], week, a.id, '2026-12-09'))).toEqual({ code: 'outside_week', params: { day: '2026-12-09' } });
  });

  it('removes, changes effort, adds with merging, and refuses a stale suggestion', () => {
    expect(removeTask([a, f], a.id)).toEqual([f]);
    expect(setEffort([a], a.id, 45)[0]!.effort).toBe(45);
    expect(() => setEffort([a], a.id, 0)).toThrow(/invalid_effort/);
    const dupe = task({ day: THU, customerId: 'c9', type: 'x', source: 'custom' });
    const sys = task({ day: FRI, customerId: 'c9', type: 'x' });
    expect(addTasks([sys], [dupe]).merged).toHaveLength(1);
    expect(() => applyMoves([a], week, [{ taskId: a.id, from: TUE, to: WED }])).toThrow(/suggestion_stale/);
  });
});

describe('the week being worked: days gone by', () => {
  // Thursday: Monday to Wednesday have gone by.
  const thursday = makeWeek(390, { today: 3 });
  const codeOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof AppError ? e.code : String(e);
    }
    return null;
  };

  it('measures a day gone by but never flags it: an empty Tuesday and an overloaded Monday do not stop a commit', () => {
    const tasks = [...fill(MON, 450), ...fill(WED, 60), ...fill(THU, 300), ...fill(FRI, 300)];
    const m = measure(tasks, thursday);
    expect(m.days.slice(0, 3).map((d) => [d.workload, d.flag])).toEqual([[450, null], [0, null], [60, null]]);
    expect(m.committable).toBe(true);
    // The same cart planned ahead (nothing gone by) is flagged on all three.
    expect(measure(tasks, week).days.slice(0, 3).map((d) => d.flag?.kind)).toEqual(['overloaded', 'idle', 'idle']);
  });

  it('carries work into the first work day still to come: today, or Monday when the week is worked to its end', () => {
    expect(firstOpenDay(thursday)).toBe(THU);
    expect(firstOpenDay(makeWeek(390, { today: 3, dayOff: 3 }))).toBe(FRI);
    expect(firstOpenDay(makeWeek(390, { today: 5 }))).toBe(MON);
    expect(firstOpenDay(week)).toBe(MON);
  });

  it('moves a task from a day gone by to a day to come, never onto a day gone by', () => {
    const [missed] = fill(WED, 30);
    const [later] = fill(THU, 30);
    const tasks = [missed!, later!];
    expect(moveTask(tasks, thursday, missed!.id, FRI).find((t) => t.id === missed!.id)!.day).toBe(FRI);
    expect(codeOf(() => moveTask(tasks, thursday, later!.id, TUE))).toBe('day_past');
    expect(codeOf(() => moveTask(tasks, thursday, missed!.id, MON))).toBe('day_past');
  });

  it('auto-balance fills an idle day to come with work missed on a day gone by, and puts nothing on the days gone by', () => {
    // Thursday (240) cannot give 30 minutes without going idle (under 234): Friday is filled from Monday and Wednesday.
    const tasks = [...fill(MON, 120), ...fill(WED, 150), ...fill(THU, 240), ...fill(FRI, 120)];
    for (const solver of [highs, undefined]) {
      const r = autoBalance(tasks, thursday, { solver });
      expect(r.flaggedBefore).toBe(234 - 120);
      expect(r.flaggedAfter).toBe(0);
      const was = new Map(tasks.map((t) => [t.id, t.day]));
      expect(r.moves.length).toBe(4);
      for (const m of r.moves) {
        expect([MON, WED]).toContain(m.from);
        expect(m.to).toBe(FRI);
      }
      expect(r.tasks.filter((t) => t.day < THU).every((t) => was.get(t.id) === t.day)).toBe(true);
    }
  });

  it('the solver relieves an overloaded day to come beside a day gone by that is over its threshold', () => {
    // Tuesday went by with 500 minutes; Thursday holds 450, Friday has room.
    const tasks = [...fill(TUE, 500), ...fill(THU, 450), ...fill(FRI, 240)];
    const s = new LoadState(tasks, thursday);
    const plan = dayPlan(s, 3, highs, { timeLimitMs: 60_000, nodeLimit: 100_000 });
    expect(plan).not.toBeNull();
    const after = tasks.map((t, i) => ({ ...t, day: thursday.days[plan![i]!]!.day }));
    expect(measure(after, thursday).flagged).toBe(0);
    expect(after.filter((t) => t.day === TUE)).toHaveLength(tasks.filter((t) => t.day === TUE).length);
  });

  it('suggests nothing for a day gone by, and an idle day to come is offered the missed work', () => {
    const tasks = [...fill(TUE, 60), ...fill(WED, 120), ...fill(THU, 300), ...fill(FRI, 150)];
    const advice = suggest(tasks, thursday);
    expect(advice.map((a) => a.day)).toEqual([FRI]);
    const first = advice[0]!.suggestions[0]!;
    expect(first.clears).toBe(true);
    expect(first.moves.every((m) => m.to === FRI)).toBe(true);
  });
});
