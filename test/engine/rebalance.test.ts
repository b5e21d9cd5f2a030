// Team rebalancing: moves from an agent's overloaded days to teammates with room. Tables for the
// cases a supervisor would meet, and properties over random teams: every proposal strictly lowers
// the giver's flagged minutes, flags no receiver's day, and keeps windows, fixed tasks, who may
// serve each customer and the no-duplicates rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, allowedDays, applyTeamMoves, checkTeamMoves, flagOf, mayServe, measure, proposeTeamMoves, type CartTask, type Member, type Serving } from '../../src/engine/index.ts';
import { MONDAY, cartArb, makeWeek, task } from '../support/carts.ts';

const TUE = addDays(MONDAY, 1);
const WED = addDays(MONDAY, 2);
const ANYONE: Serving = { teamCustomers: true, owners: new Map(), team: new Set(['A', 'B', 'C']) };

/** A day's worth of filler: `minutes` in one fixed task, so only the tasks a test adds may move. */
const filler = (day: string, minutes: number, id: string) => task({ id, day, effort: minutes, fixed: true });
/** Every work day at `minutes`, as fixed filler. */
const steady = (prefix: string, minutes: number) => [0, 1, 2, 3, 4].map((d) => filler(addDays(MONDAY, d), minutes, `${prefix}-f${d}`));

describe('proposeTeamMoves', () => {
  it('moves a task of an overloaded day to a teammate with room on that day', () => {
    const giver: Member = { agentId: 'A', week: makeWeek(), tasks: [...steady('a', 300), task({ id: 'call', day: TUE, effort: 120, title: 'Call Li Wei' })] };
    const b: Member = { agentId: 'B', week: makeWeek(), tasks: steady('b', 250) };
    // At 300 Tuesday has room for 90 minutes: the 120-minute call would overload it.
    expect(proposeTeamMoves(giver, [{ ...b, tasks: steady('b', 300) }], ANYONE)).toMatchObject({ moves: [], blocked: 'no_room' });
    const r = proposeTeamMoves(giver, [b], ANYONE);
    expect(r.moves).toEqual([{ taskId: 'call', from: TUE, to: TUE, receiverId: 'B' }]);
    expect(r).toMatchObject({ flaggedBefore: 30, flaggedAfter: 0, blocked: null });
  });

  it('takes another day of the window when the teammate is full that day, and never a day outside it', () => {
    const full = steady('b', 250).map((t) => (t.day === TUE ? { ...t, effort: 390 } : t));
    const giver: Member = { agentId: 'A', week: makeWeek(), tasks: [...steady('a', 300), task({ id: 'x', day: TUE, effort: 120, earliest: MONDAY, due: WED })] };
    const r = proposeTeamMoves(giver, [{ agentId: 'B', week: makeWeek(), tasks: full }], ANYONE);
    expect(r.moves).toHaveLength(1);
    expect([MONDAY, WED]).toContain(r.moves[0]!.to);
    const narrow = { ...giver, tasks: [...steady('a', 300), task({ id: 'x', day: TUE, effort: 120, earliest: TUE, due: TUE })] };
    expect(proposeTeamMoves(narrow, [{ agentId: 'B', week: makeWeek(), tasks: full }], ANYONE)).toMatchObject({ moves: [], blocked: 'no_room' });
  });

  it('never moves a fixed task', () => {
    const giver: Member = { agentId: 'A', week: makeWeek(), tasks: [...steady('a', 300), task({ id: 'x', day: TUE, effort: 120, fixed: true })] };
    expect(proposeTeamMoves(giver, [{ agentId: 'B', week: makeWeek(), tasks: [] }], ANYONE)).toMatchObject({ moves: [], blocked: 'nothing_movable' });
  });

  it('gives a customer only to someone who may serve them', () => {
    const serving: Serving = { teamCustomers: false, owners: new Map([['c1', 'A'], ['c2', 'C']]), team: new Set(['A', 'B', 'C']) };
    const giver: Member = { agentId: 'A', week: makeWeek(), tasks: [...steady('a', 300), task({ id: 'x', day: TUE, effort: 60, customerId: 'c1' }), task({ id: 'y', day: TUE, effort: 60, customerId: 'c2' })] };
    const b: Member = { agentId: 'B', week: makeWeek(), tasks: steady('b', 300) };
    const c: Member = { agentId: 'C', week: makeWeek(), tasks: steady('c', 300) };
    // Without team customers: A's own customer stays, C's customer may go back to C only.
    expect(proposeTeamMoves(giver, [b, c], serving).moves).toEqual([{ taskId: 'y', from: TUE, to: TUE, receiverId: 'C' }]);
    expect(proposeTeamMoves(giver, [b], serving)).toMatchObject({ moves: [], blocked: 'no_room' });
    // With them, anyone in the team; a customer nobody owns goes to no one.
    expect(proposeTeamMoves(giver, [b], { ...serving, teamCustomers: true }).moves).toHaveLength(1);
    expect(mayServe({ ...serving, teamCustomers: true, owners: new Map([['c3', null]]) }, 'B', 'c3')).toBe(false);
    expect(mayServe(serving, 'B', null)).toBe(true);
  });

  it('makes no duplicate in the receiver’s cart, and stops at the week of the giver', () => {
    const giver: Member = { agentId: 'A', week: makeWeek(), tasks: [...steady('a', 300), task({ id: 'x', day: TUE, effort: 120, customerId: 'c1', type: 'follow_up' })] };
    const b: Member = { agentId: 'B', week: makeWeek(), tasks: [...steady('b', 250), task({ id: 'bx', day: WED, effort: 10, customerId: 'c1', type: 'follow_up' })] };
    expect(proposeTeamMoves(giver, [b], ANYONE).moves).toEqual([]);
    const otherWeek: Member = { agentId: 'C', week: { ...makeWeek(), start: addDays(MONDAY, 7) }, tasks: [] };
    expect(proposeTeamMoves(giver, [otherWeek], ANYONE)).toMatchObject({ moves: [], blocked: 'no_teammate' });
  });

  it('relieves a day off, and never overloads a teammate or makes the giver’s day idle', () => {
    const giver: Member = { agentId: 'A', week: makeWeek(390, { dayOff: 1 }), tasks: [...steady('a', 300).filter((t) => t.day !== TUE), task({ id: 'x', day: TUE, effort: 30 })] };
    const r = proposeTeamMoves(giver, [{ agentId: 'B', week: makeWeek(), tasks: steady('b', 300) }], ANYONE);
    expect(r).toMatchObject({ moves: [{ taskId: 'x', to: TUE, receiverId: 'B' }], flaggedBefore: 30, flaggedAfter: 0 });
    // Over by 10: a 200-minute task would leave Tuesday idle (190 < 234), so it stays.
    const big: Member = { agentId: 'A', week: makeWeek(), tasks: [...steady('a', 300).filter((t) => t.day !== TUE), filler(TUE, 200, 'f'), task({ id: 'big', day: TUE, effort: 200 })] };
    expect(proposeTeamMoves(big, [{ agentId: 'B', week: makeWeek(), tasks: [] }], ANYONE).moves).toEqual([]);
  });

  it('answers why not when the giver is not overloaded or has no teammate', () => {
    const giver: Member = { agentId: 'A', week: makeWeek(), tasks: steady('a', 300) };
    expect(proposeTeamMoves(giver, [], ANYONE).blocked).toBe('not_overloaded');
    const heavy: Member = { ...giver, tasks: [...giver.tasks, task({ id: 'x', day: TUE, effort: 120 })] };
    expect(proposeTeamMoves(heavy, [], ANYONE).blocked).toBe('no_teammate');
  });

  it('proposes at most the cap, fewest moves first', () => {
    const many = Array.from({ length: 30 }, (_, i) => task({ id: `m${i}`, day: TUE, effort: 20 }));
    const giver: Member = { agentId: 'A', week: makeWeek(), tasks: [...steady('a', 300).filter((t) => t.day !== TUE), ...many] };
    const team = ['B', 'C'].map((id): Member => ({ agentId: id, week: makeWeek(), tasks: [] }));
    const r = proposeTeamMoves(giver, team, ANYONE, 4);
    expect(r.moves).toHaveLength(4);
    expect(r.flaggedAfter).toBe(r.flaggedBefore - 80);
  });
});

// Random teams: a giver and up to three teammates, customers owned here and there.
const AGENTS = ['A', 'B', 'C', 'D'];
const ownerArb = fc.array(fc.option(fc.constantFrom(...AGENTS, 'Z'), { freq: 4 }), { minLength: 6, maxLength: 6 });
const memberArb = (id: string, minTasks = 0) =>
  fc.record({ tasks: cartArb({ minTasks, maxTasks: 25, capacity: 120, maxEffort: 50 }), capacity: fc.constantFrom(60, 120), dayOff: fc.option(fc.integer({ min: 0, max: 4 })) }).map(
    (r): Member => ({
      agentId: id,
      week: makeWeek(r.capacity, r.dayOff === null ? {} : { dayOff: r.dayOff }),
      tasks: r.tasks.map((t): CartTask => ({ ...t, id: `${id}-${t.id}` })),
    }),
  );
const teamArb = fc.record({
  // The giver is busy more often than not: most runs have something to move.
  giver: memberArb('A', 10),
  teammates: fc.tuple(memberArb('B'), memberArb('C'), memberArb('D')).chain((all) => fc.integer({ min: 0, max: 3 }).map((n) => all.slice(0, n))),
  owners: ownerArb,
  teamCustomers: fc.boolean(),
});

function servingOf(owners: (string | null)[], teamCustomers: boolean): Serving {
  return { teamCustomers, owners: new Map(owners.map((o, i) => [`c${i + 1}`, o])), team: new Set(AGENTS) };
}

describe('rebalance properties', () => {
  it('every proposal strictly lowers the giver’s flagged minutes, flags no receiver, and keeps windows, fixed tasks, customers and no duplicates', () => {
    fc.assert(
      fc.property(teamArb, ({ giver, teammates, owners, teamCustomers }) => {
        const serving = servingOf(owners, teamCustomers);
        const r = proposeTeamMoves(giver, teammates, serving);
        const before = measure(giver.tasks, giver.week).flagged;
        expect(r.flaggedBefore).toBe(before);
        if (!r.moves.length) {
          expect(r.blocked).not.toBeNull();
          expect(r.flaggedAfter).toBe(before);
          return;
        }
        expect(r.blocked).toBeNull();
        expect(r.moves.length).toBeLessThanOrEqual(10);
        const after = applyTeamMoves(giver, teammates, r.moves);
        const giverAfter = measure(after.giver.tasks, giver.week);
        expect(giverAfter.flagged).toBeLessThan(before);
        expect(giverAfter.flagged).toBe(r.flaggedAfter);
        // No giver's day changes its kind of flag, and none gets one.
        const was = measure(giver.tasks, giver.week);
        giverAfter.days.forEach((d, i) => {
          const old = was.days[i]!;
          if (d.flag) expect(d.flag.kind).toBe(old.flag?.kind);
        });
        const byId = new Map(giver.tasks.map((t) => [t.id, t]));
        for (const m of r.moves) {
          const t = byId.get(m.taskId)!;
          expect(t.fixed).toBe(false);
          expect(m.from).toBe(t.day);
          expect(m.receiverId).not.toBe('A');
          expect(mayServe(serving, m.receiverId, t.customerId)).toBe(true);
          const receiver = teammates.find((x) => x.agentId === m.receiverId)!;
          expect(allowedDays(t, receiver.week)).toContain(m.to);
          expect(['overloaded', 'off_day']).toContain(flagOf(giver.week.days.find((d) => d.day === t.day)!, was.days.find((d) => d.plan.day === t.day)!.workload)?.kind);
        }
        expect(new Set(r.moves.map((m) => m.taskId)).size).toBe(r.moves.length);
        for (const receiver of teammates) {
          const old = measure(receiver.tasks, receiver.week);
          const now = measure(after.teammates.find((x) => x.agentId === receiver.agentId)!.tasks, receiver.week);
          expect(now.flagged).toBeLessThanOrEqual(old.flagged);
          now.days.forEach((d, i) => {
            const o = old.days[i]!;
            if (d.flag) {
              expect(d.flag.kind).toBe(o.flag?.kind);
              expect(d.flag.by).toBeLessThanOrEqual(o.flag!.by);
            }
          });
          const keys = now.days.length && after.teammates.find((x) => x.agentId === receiver.agentId)!.tasks.filter((t) => t.customerId).map((t) => `${t.customerId}|${t.type}`);
          const oldKeys = receiver.tasks.filter((t) => t.customerId).map((t) => `${t.customerId}|${t.type}`);
          // What was unique stays unique: a moved task never doubles a customer and type.
          expect(new Set(keys as string[]).size - (keys as string[]).length).toBe(new Set(oldKeys).size - oldKeys.length);
        }
        // The same check accepts it before it is applied; the same input gives the same moves.
        expect(checkTeamMoves(giver, teammates, serving, r.moves)).toBe(true);
        expect(proposeTeamMoves(giver, teammates, serving)).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('the check refuses a proposal the carts no longer allow', () => {
    fc.assert(
      fc.property(teamArb, ({ giver, teammates, owners, teamCustomers }) => {
        const serving = servingOf(owners, teamCustomers);
        const r = proposeTeamMoves(giver, teammates, serving);
        if (!r.moves.length) return;
        const first = r.moves[0]!;
        // The task fixed since, or gone, or the receiver's customers no longer theirs: refused.
        const fixed = { ...giver, tasks: giver.tasks.map((t) => (t.id === first.taskId ? { ...t, fixed: true } : t)) };
        expect(checkTeamMoves(fixed, teammates, serving, r.moves)).toBe(false);
        const gone = { ...giver, tasks: giver.tasks.filter((t) => t.id !== first.taskId) };
        expect(checkTeamMoves(gone, teammates, serving, r.moves)).toBe(false);
        expect(checkTeamMoves(giver, teammates, serving, [...r.moves, r.moves[0]!])).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
