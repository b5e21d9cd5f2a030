// What one process tells the others of a cart change it saved (src/services/cart-peers.ts, SharedChange),
// and how they follow it: whatever the change did to the tasks — moved, removed, added, merged,
// re-sorted — a process that keeps the cart at the version before ends with exactly the tasks the
// deciding process keeps, in the same order, after the message went through JSON as node:cluster
// carries it; from any other version, or other settings, it follows nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTasks, measure, type CartTask } from '../../src/engine/index.ts';
import type { CartState } from '../../src/services/cart.ts';
import { followChange, sharedChange, type SharedChange } from '../../src/services/cart-peers.ts';
import { cartArb, makeWeek, MONDAY } from '../support/carts.ts';

const week = makeWeek(390);
const at = new Date('2026-11-27T07:00:00Z');

function stateOf(tasks: CartTask[], version: number, context = 'c1'): CartState {
  return {
    cart: { id: 7, agentId: 'U0AGENT1', weekStart: MONDAY, status: 'open', version, channelId: 'D1', messageTs: '1.2', committedAt: null, exceptionReason: null, createdAt: at, updatedAt: at },
    person: {} as CartState['person'],
    week,
    tasks,
    measure: measure(tasks, week),
    advice: [],
    merged: [],
    context,
    names: 3,
  };
}

const throughJson = (c: SharedChange) => JSON.parse(JSON.stringify(c)) as SharedChange;

/** A change as the engine makes them: moves, removals, additions (merging duplicates), ids numeric as the database's. */
const editArb = fc.record({
  moves: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 4 })), { maxLength: 4 }),
  removals: fc.array(fc.nat(), { maxLength: 2 }),
  added: fc.array(fc.record({ day: fc.integer({ min: 0, max: 4 }), customer: fc.option(fc.integer({ min: 1, max: 6 })), type: fc.constantFrom('renewal', 'follow_up', 'survey') }), { maxLength: 3 }),
  order: fc.constantFrom('kept', 'sorted', 'shuffled'),
  seed: fc.nat(),
});

describe('a cart change shared with the other processes', () => {
  it('is followed to exactly the tasks the deciding process keeps, in their order, whatever the change did', () => {
    fc.assert(
      fc.property(cartArb({ maxTasks: 40, capacity: 390 }), editArb, fc.boolean(), (raw, edit, sortedBefore) => {
        const numbered = raw.map((t, i) => ({ ...t, id: String(100 + i) }));
        const before = sortedBefore ? [...numbered].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : Number(a.id) - Number(b.id))) : numbered;
        let tasks = [...before];
        for (const [n, d] of edit.moves) if (tasks.length) tasks = tasks.map((t, i) => (i === n % tasks.length ? { ...t, day: week.days[d]!.day } : t));
        for (const n of edit.removals) if (tasks.length) tasks = tasks.filter((_, i) => i !== n % tasks.length);
        const added = edit.added.map((a, i): CartTask => ({ id: String(1000 + i), type: a.type, label: a.type, title: `New ${i}`, customerId: a.customer === null ? null : `c${a.customer}`, customerName: null, effort: 10, priority: 'urgent', day: week.days[a.day]!.day, earliest: null, due: null, fixed: false, source: 'custom', notes: 'new' }));
        tasks = addTasks(tasks, added).tasks;
        if (edit.order === 'sorted') tasks.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : Number(a.id) - Number(b.id)));
        if (edit.order === 'shuffled') tasks = tasks.map((t, i) => ({ t, k: (i * 7919 + edit.seed) % 101 })).sort((a, b) => a.k - b.k).map((x) => x.t);

        const after = stateOf(tasks, 5);
        const followed = followChange(stateOf(before, 4), throughJson(sharedChange(stateOf(before, 4), after, 12)));
        expect(followed).not.toBeNull();
        expect(followed!.tasks).toEqual(after.tasks);
        expect(followed!.cart).toEqual(after.cart);
        expect(followed!.measure).toEqual(after.measure);
      }),
      { numRuns: 300 },
    );
  });

  it('says only what changed: a move carries the one task moved, not the cart', () => {
    const tasks = Array.from({ length: 120 }, (_, i): CartTask => ({ id: String(i + 1), type: 'follow_up', label: 'Follow-up', title: `Call ${i}`, customerId: null, customerName: null, effort: 10, priority: 'normal', day: week.days[i % 5]!.day, earliest: null, due: null, fixed: false, source: 'system' }));
    const moved = tasks.map((t) => (t.id === '17' ? { ...t, day: week.days[4]!.day } : t));
    const change = sharedChange(stateOf(tasks, 4), stateOf(moved, 5), 0);
    expect(change.tasks.map((t) => t.id)).toEqual(['17']);
    expect(change.order).toBeUndefined();
    expect(JSON.stringify(change).length).toBeLessThan(1000);
  });

  it('is not followed from another version, nor on other settings', () => {
    const tasks = [{ id: '1', type: 'follow_up', label: 'Follow-up', title: 'Call', customerId: null, customerName: null, effort: 10, priority: 'normal', day: MONDAY, earliest: null, due: null, fixed: false, source: 'system' } satisfies CartTask];
    const change = sharedChange(stateOf(tasks, 4), stateOf([{ ...tasks[0]!, day: week.days[1]!.day }], 5), 0);
    expect(followChange(stateOf(tasks, 3), change)).toBeNull();
    expect(followChange(stateOf(tasks, 4, 'c2'), change)).toBeNull();
    expect(followChange(stateOf(tasks, 4), { ...change, context: 'c2' })).toBeNull();
    expect(followChange(stateOf(tasks, 4), { ...change, order: ['1', '2'] })).toBeNull();
    expect(followChange(stateOf(tasks, 4), change)?.tasks).toEqual([{ ...tasks[0]!, day: week.days[1]!.day }]);
  });

  it('is not followed when decided on names older than the kept ones, nor from a worker that sends no count', () => {
    const tasks = [{ id: '1', type: 'follow_up', label: 'Follow-up', title: 'Call', customerId: null, customerName: null, effort: 10, priority: 'normal', day: MONDAY, earliest: null, due: null, fixed: false, source: 'system' } satisfies CartTask];
    const change = sharedChange(stateOf(tasks, 4), stateOf([{ ...tasks[0]!, day: week.days[1]!.day }], 5), 0);
    const kept = { ...stateOf(tasks, 4), names: 4 };
    expect(followChange(kept, { ...change, names: 3 })).toBeNull();
    expect(followChange(kept, { ...change, names: undefined } as unknown as SharedChange)).toBeNull();
    // Decided on newer names: followed, and kept at the older count, so a probe still finds the change.
    expect(followChange(kept, { ...change, names: 5 })).toMatchObject({ names: 4, cart: { version: 5 } });
  });
});
