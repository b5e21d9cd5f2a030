// The cart service on the database, under concurrency: changes made at the same moment on one
// cart each land once or are answered, never half-saved, never lost, never made twice.
import { and, asc, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { cartSnapshot } from '../../db/queries/carts.ts';
import { importCsv } from '../../src/import/run.ts';
import { cartEvents, cartItems, carts, people, tasks, teams, timeOff } from '../../db/schema.ts';
import { openDatabase, pgliteDatabase, type Db } from '../../db/client.ts';
import { CURRENT, changeCart, currentCart, loadCart, openCart, withAdvice, type CartState, type NewItem } from '../../src/services/cart.ts';
import { followPeers, type FollowOutcome, type Peers, type SharedChange } from '../../src/services/cart-peers.ts';
import { CartCache, MAX_AGE_MS, MAX_CARTS, cacheOf, forgetKept } from '../../src/services/cart-cache.ts';
import { submitAddTask } from '../../src/services/forms.ts';
import { applyRebalance, proposeRebalance } from '../../src/services/rebalance.ts';
import { applyValue, parseApplyPlan } from '../../views/rebalance.ts';
import { AppError } from '../../src/errors.ts';
import { markTask } from '../../src/services/tasks.ts';
import { logPeers, makePeerFolder } from '../../src/peer-log.ts';
import { tempDir } from '../support/temp.ts';
import { seedOnce, testDatabase, type TestDatabase } from '../support/db.ts';
import { AGENT, NOW, OTHER_AGENT, SUPERVISOR, loadCenter } from '../support/fixtures.ts';
import type { WebClient } from '@slack/web-api';
import { showCart } from '../../src/slack/cart-message.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { ACTIONS } from '../../views/ids.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(() => t.close());
// Seeded once; each test, and each run of the properties below, starts from a copy of it.
const reset = seedOnce((db) => loadCenter(db.db));
beforeEach(() => reset(t));

const custom = (title: string): NewItem => ({ typeKey: 'custom', title, customerId: null, effortMinutes: 5, priority: 'normal', day: '2026-12-01', source: 'custom', notes: '' });
const eventsOf = (cartId: number) => t.db.select().from(cartEvents).where(eq(cartEvents.cartId, cartId)).orderBy(asc(cartEvents.id));
const cartOf = async (cartId: number) => (await t.db.select().from(carts).where(eq(carts.id, cartId)))[0]!;

/** A cart with no flagged day, so that it can be committed. */
async function balancedCart() {
  const { state } = await openCart(t.db, AGENT, 'next', NOW);
  const balanced = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'balance' }, NOW);
  expect(balanced.state.measure.committable).toBe(true);
  return balanced.state.cart;
}

describe('the cart read in one query', () => {
  it('maps the cart, its owner and their team exactly as a select does, with the week’s time off', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'balance' }, NOW);
    await t.db.insert(timeOff).values([
      { slackUserId: AGENT, fromDay: '2026-12-03', toDay: '2026-12-03', reason: 'Leave' },
      { teamId: state.person.team.id, fromDay: '2026-11-20', toDay: '2026-11-22', reason: 'Before the week' },
    ]);
    const snapshot = (await cartSnapshot(t.db, state.cart.id))!;

    const [cart] = await t.db.select().from(carts).where(eq(carts.id, state.cart.id));
    const [owner] = await t.db.select({ person: people, team: teams }).from(people).innerJoin(teams, eq(teams.id, people.teamId)).where(eq(people.slackUserId, AGENT));
    expect(snapshot.cart).toEqual(cart);
    expect(snapshot.cart.updatedAt).toBeInstanceOf(Date);
    expect(snapshot.owner).toEqual(owner);
    expect(snapshot.timeOff).toEqual([{ slackUserId: AGENT, fromDay: '2026-12-03', toDay: '2026-12-03', reason: 'Leave' }]);
    const ids = (xs: { id: string }[]) => xs.map((i) => Number(i.id)).sort((a, b) => a - b);
    expect(ids(snapshot.items)).toEqual(ids(state.tasks));
    expect(snapshot.items.map((i) => i.day)).toEqual([...snapshot.items.map((i) => i.day)].sort());
    expect(snapshot.merged).toEqual(state.merged);
    expect(await cartSnapshot(t.db, 999_999)).toBeNull();
  });
});

describe('auto-balance', () => {
  it('clears the week in the fewest moves and records the plan, and whether the solver proved it, in the audit', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    const r = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'balance' }, NOW);

    // Monday is 30 minutes over, Thursday 114 under: four 30-minute tasks into Thursday, one of them from Monday.
    expect(r.notice).toMatchObject({ kind: 'balanced', count: 4 });
    expect(r.state.measure.committable).toBe(true);
    const event = (await eventsOf(state.cart.id)).find((e) => e.action === 'auto_balance')!;
    expect(event.detail).toMatchObject({ before: 144, after: 0 });
    expect((event.detail as { moves: unknown[] }).moves).toHaveLength(4);
    // The proof is HiGHS's within its budget of wall-clock time (BALANCE_TIME_LIMIT_MS), which a machine
    // running four heavy test files on two cores has exhausted (once on PostgreSQL, 2026-11-28): local
    // search finds these four moves without it, and the engine's tests (properties.test.ts) check the proof itself.
    expect((event.detail as { optimal: unknown }).optimal).toBeTypeOf('boolean');
  });
});

describe('carried over', () => {
  it('carries the open tasks of the days gone by into next week, and leaves today’s and later ones on the list being worked', async () => {
    // The week of 30 Nov committed; on Friday 4 Dec at 16:00 in Shanghai, next week's cart is made.
    const cart = await balancedCart();
    await changeCart(t.db, AGENT, cart.id, CURRENT, { kind: 'commit' }, NOW);
    const list = await t.db.select().from(tasks).where(eq(tasks.agentId, AGENT)).orderBy(asc(tasks.day), asc(tasks.id));
    const firstMonday = list.find((x) => x.day === '2026-11-30')!;
    await markTask(t.db, AGENT, firstMonday.id, 'done');
    const friday = new Date('2026-12-04T08:00:00Z');
    const { state: next } = await openCart(t.db, AGENT, 'next', friday);
    expect(next.week.start).toBe('2026-12-07');

    const after = await t.db.select().from(tasks).where(eq(tasks.agentId, AGENT));
    const byStatus = (status: string) => after.filter((x) => x.status === status);
    // Monday to Thursday: open ones carried (all but the one done); Friday's stay open to be worked today.
    const before = list.filter((x) => x.day < '2026-12-04' && x.id !== firstMonday.id);
    expect(byStatus('carried_over').map((x) => x.id).sort()).toEqual(before.map((x) => x.id).sort());
    expect(byStatus('open').map((x) => x.day)).toEqual(expect.arrayContaining(['2026-12-04']));
    expect(byStatus('open').every((x) => x.day >= '2026-12-04')).toBe(true);
    const carried = next.tasks.filter((x) => x.source === 'carried_over');
    expect(carried).toHaveLength(before.length);
    expect(carried.every((x) => x.day === '2026-12-07')).toBe(true);

    // Made once: opening it again carries nothing more.
    const again = await openCart(t.db, AGENT, 'next', new Date('2026-12-04T10:00:00Z'));
    expect(again.created).toBe(false);
    expect(again.state.tasks.filter((x) => x.source === 'carried_over')).toHaveLength(before.length);

    // A button left on an old reminder or App Home marks nothing once the task was carried: Done would
    // leave its copy in next week's cart to be done again, and Undo would let the next cart carry it twice.
    for (const status of ['done', 'skipped', 'open'] as const) {
      await expect(markTask(t.db, AGENT, before[0]!.id, status)).rejects.toMatchObject({ code: 'task_carried' });
    }
    const unchanged = await t.db.select().from(tasks).where(eq(tasks.agentId, AGENT));
    expect(unchanged.map((x) => [x.id, x.status]).sort()).toEqual(after.map((x) => [x.id, x.status]).sort());
    const later = await openCart(t.db, AGENT, 'next', new Date('2026-12-04T12:00:00Z'));
    expect(later.state.tasks.filter((x) => x.source === 'carried_over')).toHaveLength(before.length);
  });
});

describe('merged duplicates', () => {
  it('keep the stricter window and the higher priority of both, as stored, when the cart is made', async () => {
    // t5 is a normal follow-up of C5 on Monday without a window; this one is urgent and due Thursday.
    const extra = await importCsv(t.db, 'tasks', `external_id,agent,type,title,date,customer_id,due,effort_minutes,priority\nurgent5,${AGENT},follow_up,Call back today,2026-12-02,C5,2026-12-03,30,urgent\n`);
    expect(extra.errors).toEqual([]);
    const { state } = await openCart(t.db, AGENT, 'next', NOW);

    expect(state.merged).toContainEqual({ type: 'follow_up', label: 'Follow-up', customer: '客户5 Customer 5', from: '2026-12-02', into: '2026-11-30' });
    const stored = (await cartSnapshot(t.db, state.cart.id))!.items.filter((i) => i.customerId === 'C5');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ title: 'Follow up 5', day: '2026-11-30', due: '2026-12-03', priority: 'urgent' });
  });

  it('keep them when an added task merges into one already in the cart', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    const again: NewItem = { ...custom('Follow up, again'), typeKey: 'follow_up', customerId: 'C7', priority: 'high', day: '2026-12-03' };
    const added = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [again] }, NOW);

    expect(added.notice).toMatchObject({ merged: 1 });
    const stored = added.state.tasks.filter((i) => i.customerId === 'C7');
    expect(stored).toEqual([expect.objectContaining({ title: 'Follow up 7', source: 'system', priority: 'high' })]);
    expect((await cartSnapshot(t.db, state.cart.id))!.items.filter((i) => i.customerId === 'C7')).toEqual(stored);
  });
});

describe('changes at the same moment on one cart', () => {
  it('keeps every one of eight additions made at once, each with its own version and audit entry, round after round', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    // Several rounds: a race that wastes attempts (a claim failing on a change it cannot see yet) shows
    // as "busy" in some rounds only.
    for (let round = 0; round < 5; round++) {
      const version = (await cartOf(state.cart.id)).version;
      const titles = Array.from({ length: 8 }, (_, i) => `At once ${round}.${i}: "回电" 王芳's, (C:\\path)`);
      const results = await Promise.all(titles.map((title) => changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom(title)] }, NOW)));

      expect(results.map((r) => r.changed)).toEqual(titles.map(() => true));
      const items = await t.db.select({ title: cartItems.title }).from(cartItems).where(and(eq(cartItems.cartId, state.cart.id), inArray(cartItems.title, titles)));
      expect(items.map((i) => i.title).sort()).toEqual([...titles].sort());
      expect((await cartOf(state.cart.id)).version).toBe(version + 8);
      const adds = (await eventsOf(state.cart.id)).filter((e) => e.action === 'add' && e.version > version);
      expect(adds.map((e) => e.version).sort((a, b) => a - b)).toEqual(titles.map((_, i) => version + 1 + i));
    }
  });

  it('commits once when two commits of the same version race, and says so to the second', async () => {
    const cart = await balancedCart();
    const [a, b] = await Promise.all([
      changeCart(t.db, AGENT, cart.id, cart.version, { kind: 'commit' }, NOW),
      changeCart(t.db, AGENT, cart.id, cart.version, { kind: 'commit' }, NOW),
    ]);

    expect([a.changed, b.changed].sort()).toEqual([false, true]);
    expect((a.changed ? b : a).notice).toEqual({ kind: 'older_copy' });
    expect((await eventsOf(cart.id)).filter((e) => e.action === 'commit')).toHaveLength(1);
    const items = await t.db.select({ id: cartItems.id }).from(cartItems).where(eq(cartItems.cartId, cart.id));
    const list = await t.db.select().from(tasks).where(eq(tasks.cartId, cart.id));
    expect(list).toHaveLength(items.length);
    expect((a.changed ? a : b).notice).toEqual({ kind: 'committed', tasks: items.length, exception: false });
  });

  it('never leaves two tasks for one item, nor loses a Done, when Done is pressed while the cart is committed again', async () => {
    let cart = await balancedCart();
    const doneIds: number[] = [];
    cart = (await changeCart(t.db, AGENT, cart.id, cart.version, { kind: 'commit' }, NOW)).state.cart;
    for (let round = 0; round < 6; round++) {
      cart = (await changeCart(t.db, AGENT, cart.id, cart.version, { kind: 'reopen' }, NOW)).state.cart;
      const open = await t.db.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.cartId, cart.id), eq(tasks.status, 'open'))).limit(2);
      const [committed] = await Promise.all([
        changeCart(t.db, AGENT, cart.id, cart.version, { kind: 'commit' }, NOW),
        // Either the Done lands (and the commit keeps it) or the commit replaced the task first,
        // and the agent is told it is no longer on the list.
        ...open.map((o) =>
          markTask(t.db, AGENT, o.id, 'done').then(
            () => doneIds.push(o.id),
            (e: Error) => expect(e.message).toBe('task_not_yours'),
          ),
        ),
      ]);
      expect(committed.changed).toBe(true);
      cart = committed.state.cart;

      const list = await t.db.select({ item: tasks.cartItemId, status: tasks.status }).from(tasks).where(eq(tasks.cartId, cart.id));
      const perItem = new Map<number | null, number>();
      for (const task of list) perItem.set(task.item, (perItem.get(task.item) ?? 0) + 1);
      expect([...perItem.values()].every((n) => n === 1)).toBe(true);
      const items = await t.db.select({ id: cartItems.id }).from(cartItems).where(eq(cartItems.cartId, cart.id));
      expect(list).toHaveLength(items.length);
    }
    const done = doneIds.length ? await t.db.select({ id: tasks.id, status: tasks.status }).from(tasks).where(inArray(tasks.id, doneIds)).orderBy(asc(tasks.id)) : [];
    expect(done).toEqual(doneIds.sort((a, b) => a - b).map((id) => ({ id, status: 'done' })));
  });
});

/**
 * Another bot process on the same database: its own handle, so its own kept carts (cart-cache.ts).
 * On the embedded database, a second handle over the same client.
 */
async function inOtherProcess(work: (other: Db) => Promise<void>): Promise<void> {
  if (!t.url) return work((await pgliteDatabase(t.pglite!)).db);
  const other = await openDatabase({ databaseUrl: t.url, max: 2 });
  try {
    await work(other.db);
  } finally {
    await other.close();
  }
}

describe('a cart this process kept from its last click', () => {
  it('takes in what another process changed since: both changes are there, each once', () =>
    inOtherProcess(async (other) => {
      const { state } = await openCart(t.db, AGENT, 'next', NOW);
      await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Kept here')] }, NOW);
      await changeCart(other, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Added by the other process')] }, NOW);
      const r = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Added here after')] }, NOW);

      const titles = ['Kept here', 'Added by the other process', 'Added here after'];
      expect(r.state.tasks.filter((x) => titles.includes(x.title)).map((x) => x.title).sort()).toEqual([...titles].sort());
      const saved = await t.db.select().from(cartItems).where(and(eq(cartItems.cartId, state.cart.id), inArray(cartItems.title, titles)));
      expect(saved.map((x) => x.title).sort()).toEqual([...titles].sort());
      expect(r.state.cart.version).toBe((await cartOf(state.cart.id)).version);
      expect((await eventsOf(state.cart.id)).map((e) => e.version)).toEqual([1, 2, 3, 4].map((v) => v + 1));
    }));

  it('measures the next change against the team’s capacity as it is now, not as it was kept', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    const first = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'balance' }, NOW);
    expect(first.state.measure.committable).toBe(true);
    // An admin's import, by another process: every day's capacity halved.
    await t.db.update(teams).set({ dayCapacityMinutes: 195 }).where(eq(teams.id, state.person.team.id));
    const task = first.state.tasks.find((x) => !x.fixed && x.day === '2026-12-01')!;
    const r = await changeCart(t.db, AGENT, state.cart.id, first.state.cart.version, { kind: 'move', itemId: Number(task.id), day: '2026-12-02' }, NOW);

    expect(r.changed).toBe(true);
    expect(r.state.week.days.find((d) => d.work)!.capacity).toBe(195);
    expect(r.notice).toMatchObject({ kind: 'moved' });
    expect((r.notice as { flagged: unknown[] }).flagged.length).toBeGreaterThan(0);
    expect(r.state.measure.committable).toBe(false);
  });

  it('does not refuse an Add task as committed when another process reopened the cart', () =>
    inOtherProcess(async (other) => {
      const cart = await balancedCart();
      let accepted = 0;
      const submission = (requestKey: string) => ({ requestKey, accepted: async () => void accepted++ });
      const form = { title: 'After the reopen', customerId: null, typeKey: 'custom', day: '2026-12-02', effort: '10', priority: 'normal', notes: null };
      // A form refused for its title: the cart and the task type are now kept here.
      expect(await submitAddTask(t.db, AGENT, cart.id, { ...form, title: '' }, NOW, submission('kept-untitled'))).toMatchObject({ ok: false, errors: { title: {} } });
      const committed = await changeCart(t.db, AGENT, cart.id, CURRENT, { kind: 'commit' }, NOW);
      expect(committed.state.cart.status).toBe('committed');
      await changeCart(other, AGENT, cart.id, CURRENT, { kind: 'reopen' }, NOW);
      const r = await submitAddTask(t.db, AGENT, cart.id, form, NOW, submission('kept-reopen'));

      expect(r.ok).toBe(true);
      expect(accepted).toBe(1);
      expect(r.ok && r.result.state.tasks.some((x) => x.title === 'After the reopen')).toBe(true);
      expect(await t.db.select().from(cartItems).where(eq(cartItems.title, 'After the reopen'))).toHaveLength(1);
    }));

  it('answers on the cart as it is now: a move the kept cart calls needless is made when another process moved the task away', () =>
    inOtherProcess(async (other) => {
      const { state } = await openCart(t.db, AGENT, 'next', NOW);
      const task = state.tasks.find((x) => !x.fixed && x.day === '2026-12-01')!;
      await changeCart(other, AGENT, state.cart.id, CURRENT, { kind: 'move', itemId: Number(task.id), day: '2026-12-03' }, NOW);

      const r = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'move', itemId: Number(task.id), day: '2026-12-01' }, NOW);
      expect(r.notice).toMatchObject({ kind: 'moved', move: { from: '2026-12-03', to: '2026-12-01' } });
      expect((await t.db.select().from(cartItems).where(eq(cartItems.id, Number(task.id))))[0]!.plannedDay).toBe('2026-12-01');
    }));

  it('refuses on the cart as it is now: a task another process removed is gone, not moved', () =>
    inOtherProcess(async (other) => {
      const { state } = await openCart(t.db, AGENT, 'next', NOW);
      const task = state.tasks.find((x) => !x.fixed)!;
      const target = state.week.days.find((d) => d.work && d.day !== task.day)!.day;
      await changeCart(other, AGENT, state.cart.id, CURRENT, { kind: 'remove', itemId: Number(task.id) }, NOW);
      const before = await cartOf(state.cart.id);

      const refused = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'move', itemId: Number(task.id), day: target }, NOW).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect(await cartOf(state.cart.id)).toEqual(before);
      expect((await loadCart(t.db, AGENT, state.cart.id, NOW)).tasks.some((x) => x.id === task.id)).toBe(false);
    }));
});

describe('a cart kept longer than MAX_AGE_MS (an agent clicking minutes apart)', () => {
  /**
   * The cart this process keeps, as if read MAX_AGE_MS + 1 ms ago; with `mark`, one kept task's title
   * changed as no read of the database gives it, to tell a change decided on the kept cart.
   */
  function age(cartId: number, mark?: { title: string; as: string }): void {
    const cache = cacheOf<CartState>(t.db);
    const kept = cache.aged(cartId)!.state;
    const tasks = mark ? kept.tasks.map((x) => (x.title === mark.title ? { ...x, title: mark.as } : x)) : kept.tasks;
    cache.put(withAdvice({ ...kept, tasks }), cache.now() - MAX_AGE_MS - 1);
  }
  /** A move of the cart's first task that can move, to another work day. */
  function moveOne(state: CartState) {
    const task = state.tasks.find((x) => !x.fixed && x.source !== 'custom')!;
    const to = state.week.days.find((d) => d.work && d.day !== task.day)!.day;
    return changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'move', itemId: Number(task.id), day: to }, NOW);
  }
  const titlesIn = async (cartId: number) => (await t.db.select({ title: cartItems.title }).from(cartItems).where(eq(cartItems.cartId, cartId))).map((r) => r.title);

  it('is used as kept for a change, however long ago: the save checks what a probe would; it stays as old as it was read', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Kept here')] }, NOW);
    age(state.cart.id, { title: 'Kept here', as: 'Kept here, as kept' });

    const r = await moveOne(state);
    expect(r.changed).toBe(true);
    // Decided on the kept cart, not on a read: the mark is still there.
    expect(r.state.tasks.map((x) => x.title)).toContain('Kept here, as kept');
    expect(await titlesIn(state.cart.id)).toContain('Kept here');
    const cache = cacheOf<CartState>(t.db);
    expect(cache.aged(state.cart.id)?.state.cart.version).toBe((await cartOf(state.cart.id)).version);
    // Still past MAX_AGE_MS: a cart shown from it is probed first.
    expect(cache.get(state.cart.id)).toBeNull();
  });

  it('shows the names of now after a change decided on a cart read a moment before a rename', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    const task = state.tasks.find((x) => x.customerId === 'C5' && !x.fixed)!;
    expect((await importCsv(t.db, 'customers', `customer_id,name,owner\nC5,客户五 Renamed,${AGENT}\n`)).errors).toEqual([]);
    // The cart was read less than MAX_AGE_MS ago: no probe, and the save says the names changed.
    const to = state.week.days.find((d) => d.work && d.day !== task.day)!.day;
    const r = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'move', itemId: Number(task.id), day: to }, NOW);
    expect(r.changed).toBe(true);
    expect(r.state.tasks.find((x) => x.id === task.id)).toMatchObject({ customerName: '客户五 Renamed', day: to });
  });

  it('is read again when another process changed it since: both changes are there, each once', () =>
    inOtherProcess(async (other) => {
      const { state } = await openCart(t.db, AGENT, 'next', NOW);
      await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Kept here')] }, NOW);
      await changeCart(other, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Added by the other process')] }, NOW);
      age(state.cart.id, { title: 'Kept here', as: 'Kept here, as kept' });

      const r = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Added here after')] }, NOW);
      const titles = ['Kept here', 'Added by the other process', 'Added here after'];
      expect(r.state.tasks.filter((x) => titles.includes(x.title) || x.title.endsWith('as kept')).map((x) => x.title).sort()).toEqual([...titles].sort());
      expect((await titlesIn(state.cart.id)).filter((x) => titles.includes(x)).sort()).toEqual([...titles].sort());
      expect((await eventsOf(state.cart.id)).map((e) => e.version)).toEqual([2, 3, 4, 5]);
    }));

  it('shows a customer renamed and a task type relabelled by an import since, at the next click', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    const task = state.tasks.find((x) => x.customerId === 'C5' && !x.fixed)!;
    expect(task).toMatchObject({ customerName: '客户5 Customer 5', label: 'Follow-up' });
    const to = state.week.days.find((d) => d.work && d.day !== task.day)!.day;
    const moved = await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'move', itemId: Number(task.id), day: to }, NOW);
    // An admin imports the CRM's files meanwhile, by another process.
    expect((await importCsv(t.db, 'customers', `customer_id,name,owner\nC5,客户五 Renamed,${AGENT}\n`)).errors).toEqual([]);
    expect((await importCsv(t.db, 'task-types', 'type,label,effort_minutes,priority\nfollow_up,回访 Follow-up call,8,normal\n')).errors).toEqual([]);
    age(state.cart.id);

    const r = await changeCart(t.db, AGENT, state.cart.id, moved.state.cart.version, { kind: 'move', itemId: Number(task.id), day: task.day }, NOW);
    expect(r.changed).toBe(true);
    expect(r.state.tasks.find((x) => x.id === task.id)).toMatchObject({ customerName: '客户五 Renamed', label: '回访 Follow-up call', day: task.day });
    expect(r.state.tasks.filter((x) => x.type === 'follow_up').every((x) => x.label === '回访 Follow-up call')).toBe(true);
  });

  it('takes an Add task on the kept cart and its task type as they are now: as kept when unchanged, relabelled when an import changed the type', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    const cache = cacheOf<CartState>(t.db);
    let n = 0;
    const add = (title: string) =>
      submitAddTask(t.db, AGENT, state.cart.id, { title, customerId: null, typeKey: 'follow_up', day: '2026-12-02', effort: null, priority: 'normal', notes: null }, NOW, { requestKey: `aged-${++n}`, accepted: async () => {} });
    // Each time read before the import below: at no change to names yet.
    const ageType = () => cache.putType(cache.type('follow_up', 0)!, cache.now() - MAX_AGE_MS - 1, 0);
    expect((await add('Kept here')).ok).toBe(true);
    age(state.cart.id, { title: 'Kept here', as: 'Kept here, as kept' });
    ageType();

    const unchanged = await add('Added, nothing changed');
    expect(unchanged.ok && unchanged.result.state.tasks.map((x) => x.title)).toEqual(expect.arrayContaining(['Kept here, as kept', 'Added, nothing changed']));

    expect((await importCsv(t.db, 'task-types', 'type,label,effort_minutes,priority\nfollow_up,回访 Follow-up call,9,normal\n')).errors).toEqual([]);
    age(state.cart.id);
    ageType();
    const relabelled = await add('Added after the import');
    expect(relabelled.ok && relabelled.result.state.tasks.find((x) => x.title === 'Added after the import')).toMatchObject({ label: '回访 Follow-up call', effort: 9 });
    expect(relabelled.ok && relabelled.result.state.tasks.filter((x) => x.type === 'follow_up').every((x) => x.label === '回访 Follow-up call')).toBe(true);
  });

  it('does not put a task type label older than the cart’s names into it: an Add task after a relabel shows the new label', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    const form = (title: string) => ({ title, customerId: null, typeKey: 'follow_up', day: '2026-12-02', effort: null, priority: 'normal', notes: null });
    let n = 0;
    const add = (title: string) => submitAddTask(t.db, AGENT, state.cart.id, form(title), NOW, { requestKey: `relabel-${++n}`, accepted: async () => {} });
    // The task type is kept here with its label of now, a moment before an import relabels it.
    expect((await add('Before the import')).ok).toBe(true);
    expect((await importCsv(t.db, 'task-types', 'type,label,effort_minutes,priority\nfollow_up,回访 Follow-up call,8,normal\n')).errors).toEqual([]);
    // The cart is read again (a day window opened): its labels are the new ones now.
    await loadCart(t.db, AGENT, state.cart.id, NOW);

    const r = await add('After the import');
    expect(r.ok && r.result.state.tasks.filter((x) => x.type === 'follow_up').map((x) => x.label)).toEqual(expect.arrayContaining(['回访 Follow-up call']));
    expect(r.ok && r.result.state.tasks.filter((x) => x.type === 'follow_up').every((x) => x.label === '回访 Follow-up call')).toBe(true);
  });

  it('shows the new label of a task added on a kept cart another process changed, when an import relabelled its type meanwhile', () =>
    // Found by the property below: the save failed on the kept cart's version, the Add task was
    // decided again on the cart as the save found it (with the names of now), and the task added
    // kept the label read before the import.
    inOtherProcess(async (other) => {
      const { state } = await openCart(t.db, AGENT, 'next', NOW);
      const cartId = state.cart.id;
      const form = (title: string) => ({ title, customerId: null, typeKey: 'follow_up', day: '2026-12-02', effort: null, priority: 'normal', notes: null });
      const add = (title: string) => submitAddTask(t.db, AGENT, cartId, form(title), NOW, { requestKey: `retry-${title}`, accepted: async () => {} });
      expect((await add('Kept here')).ok).toBe(true);
      const task = (await loadCart(other, AGENT, cartId, NOW)).tasks.find((x) => !x.fixed)!;
      expect((await changeCart(other, AGENT, cartId, CURRENT, { kind: 'remove', itemId: Number(task.id) }, NOW)).changed).toBe(true);
      expect((await importCsv(t.db, 'task-types', 'type,label,effort_minutes,priority\nfollow_up,回访 Follow-up call,8,normal\n')).errors).toEqual([]);

      const r = await add('After the import');
      expect(r.ok && r.result.changed).toBe(true);
      expect(r.ok && r.result.state.tasks.find((x) => x.title === 'After the import')).toMatchObject({ label: '回访 Follow-up call' });
      expect(r.ok && r.result.state.tasks.filter((x) => x.type === 'follow_up').every((x) => x.label === '回访 Follow-up call')).toBe(true);
      expect(r.ok && r.result.state.tasks.some((x) => x.id === task.id)).toBe(false);
    }));

  it('is used as kept after an import that renamed nothing (the same file again)', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Kept here')] }, NOW);
    const file = `customer_id,name,owner\nC5,客户5 Customer 5,${AGENT}\nC6,客户6 Customer 6,${AGENT}\n`;
    expect((await importCsv(t.db, 'customers', file)).errors).toEqual([]);
    age(state.cart.id, { title: 'Kept here', as: 'Kept here, as kept' });

    const r = await moveOne(state);
    expect(r.changed).toBe(true);
    expect(r.state.tasks.map((x) => x.title)).toContain('Kept here, as kept');
  });
});

describe('kept carts in two processes, clicks, forms, commits, Done, replays, rebalances, imports and the days passing, in any order (a property)', () => {
  type Proc = 0 | 1;
  type Op =
    | { k: 'add'; p: Proc }
    | { k: 'typed'; p: Proc }
    | { k: 'move'; p: Proc; pick: number; to: number }
    | { k: 'remove'; p: Proc; pick: number }
    | { k: 'rename'; customer: number }
    | { k: 'relabel'; effort: number }
    | { k: 'age'; p: Proc }
    | { k: 'show'; p: Proc }
    | { k: 'apply'; p: Proc; pick: number }
    | { k: 'balance'; p: Proc }
    | { k: 'commit'; p: Proc }
    | { k: 'reopen'; p: Proc }
    | { k: 'done'; p: Proc; pick: number }
    | { k: 'replay'; p: Proc }
    | { k: 'rebalance'; p: Proc }
    | { k: 'day'; p: Proc };
  const proc = fc.constantFrom<Proc>(0, 1);
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ k: fc.constant('add' as const), p: proc }),
    fc.record({ k: fc.constant('typed' as const), p: proc }),
    fc.record({ k: fc.constant('move' as const), p: proc, pick: fc.nat(), to: fc.nat() }),
    fc.record({ k: fc.constant('remove' as const), p: proc, pick: fc.nat() }),
    fc.record({ k: fc.constant('rename' as const), customer: fc.integer({ min: 1, max: 60 }) }),
    fc.record({ k: fc.constant('relabel' as const), effort: fc.integer({ min: 5, max: 60 }) }),
    fc.record({ k: fc.constant('age' as const), p: proc }),
    fc.record({ k: fc.constant('show' as const), p: proc }),
    fc.record({ k: fc.constant('apply' as const), p: proc, pick: fc.nat() }),
    fc.record({ k: fc.constant('balance' as const), p: proc }),
    fc.record({ k: fc.constant('commit' as const), p: proc }),
    fc.record({ k: fc.constant('reopen' as const), p: proc }),
    fc.record({ k: fc.constant('done' as const), p: proc, pick: fc.nat() }),
    fc.record({ k: fc.constant('replay' as const), p: proc }),
    fc.record({ k: fc.constant('rebalance' as const), p: proc }),
    fc.record({ k: fc.constant('day' as const), p: proc }),
  );
  /** What an agent sees of a cart: its version and status, and each task as shown. */
  const seen = (s: CartState) => ({
    version: s.cart.version,
    status: s.cart.status,
    past: s.week.days.filter((d) => d.past).map((d) => d.day),
    tasks: [...s.tasks]
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((x) => ({ id: x.id, title: x.title, day: x.day, effort: x.effort, priority: x.priority, customerName: x.customerName, label: x.label })),
  });

  it.each([
    ['two hosts', 'hosts'],
    ['two workers, each change relayed to the other at once', 'relayed'],
    ['two workers, each change read from the other’s log', 'logs'],
  ] as const)('every cart shown is the database’s, every answer to a change is the database’s right after it, and no change is lost (%s)', async (_how, link) => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 14 }), async (ops) => {
        await reset(t);
        runs += 1;
        await inOtherProcess((other) =>
          inOtherProcess(async (observer) => {
            const dbs = [t.db, other] as const;
            if (link !== 'hosts') {
              const linking = link === 'logs' ? await logged() : linked();
              followPeers(t.db, linking.peers(0));
              followPeers(other, linking.peers(1));
              if ('found' in linking) await linking.found();
            }
            const { state } = await openCart(t.db, AGENT, 'next', NOW);
            const cartId = state.cart.id;
            // The agent beside, with room in their week for a supervisor's rebalance.
            await openCart(t.db, OTHER_AGENT, 'next', NOW);
            /** The cart as the database has it, read by a third process that keeps nothing of its own between reads. */
            const truth = async () => {
              forgetKept(observer);
              return loadCart(observer, AGENT, cartId, at);
            };
            const added = new Set<string>();
            const removed = new Set<string>();
            const removedTitles = new Set<string>();
            const movedTo = new Map<string, string>();
            const doneIds = new Set<number>();
            let n = 0;
            /** The time of the clicks: the clock moves on a day at a time, and the week planned becomes the week worked. */
            let at = NOW;
            /** The last request that changed something, sent again as it was (its key too) to a process: whether that changes anything. */
            let last = null as ((db: Db) => Promise<boolean>) | null;
            /** Sends a request with a key of its own, as Slack's have (an action_ts, a view's id and hash). */
            const request = async <R extends { changed: boolean }>(db: Db, send: (db: Db, requestKey: string) => Promise<R>): Promise<R> => {
              const requestKey = `prop-${runs}-${++n}`;
              const r = await send(db, requestKey);
              if (r.changed) last = async (to) => (await send(to, requestKey)).changed;
              return r;
            };
            for (const o of ops) {
              const now = await truth();
              const open = now.tasks.filter((x) => !x.fixed);
              const workDays = now.week.days.filter((d) => d.work && !d.past).map((d) => d.day);
              let answer: CartState | null = null;
              if (o.k === 'add') {
                const title = `Added ${++n}`;
                // On Tuesday, as long as it is to come.
                const item = { ...custom(title), day: workDays.includes('2026-12-01') ? '2026-12-01' : workDays.at(-1)! };
                const r = await request(dbs[o.p], (db, requestKey) => changeCart(db, AGENT, cartId, CURRENT, { kind: 'add', items: [item] }, at, { requestKey }));
                if (r.changed) added.add(title);
                answer = r.state;
              } else if (o.k === 'typed') {
                const title = `Typed ${++n}`;
                const form = { title, customerId: null, typeKey: 'follow_up', day: workDays[0]!, effort: null, priority: 'normal', notes: null };
                const { r } = await request(dbs[o.p], async (db, requestKey) => {
                  const submitted = await submitAddTask(db, AGENT, cartId, form, at, { requestKey, accepted: async () => {} });
                  return { r: submitted, changed: submitted.ok && submitted.result.changed };
                });
                // Taken on an open cart, however old the cart this process kept. On a committed one nothing
                // is added: refused under its title where this process knows of the commit (it read the
                // cart, or a worker beside it followed the commit); where only a bot on another host
                // committed it, within the 30 s this one keeps a cart, the form closes and the answer
                // says the cart is committed (MAX_AGE_MS, README's Several hosts).
                if (now.cart.status !== 'committed') expect(r.ok).toBe(true);
                else if (r.ok) {
                  expect(link).toBe('hosts');
                  expect(r.result).toMatchObject({ changed: false, notice: { kind: 'committed_already' } });
                }
                if (r.ok && r.result.changed) added.add(title);
                answer = r.ok ? r.result.state : null;
              } else if (o.k === 'move' && open.length) {
                const task = open[o.pick % open.length]!;
                const day = workDays[o.to % workDays.length]!;
                const r = await request(dbs[o.p], (db, requestKey) => changeCart(db, AGENT, cartId, CURRENT, { kind: 'move', itemId: Number(task.id), day }, at, { requestKey }));
                if (r.changed) movedTo.set(task.id, day);
                answer = r.state;
              } else if (o.k === 'remove' && open.length) {
                const task = open[o.pick % open.length]!;
                const r = await request(dbs[o.p], (db, requestKey) => changeCart(db, AGENT, cartId, CURRENT, { kind: 'remove', itemId: Number(task.id) }, at, { requestKey }));
                if (r.changed) {
                  removed.add(task.id);
                  removedTitles.add(task.title);
                }
                answer = r.state;
              } else if (o.k === 'rename') {
                expect((await importCsv(t.db, 'customers', `customer_id,name,owner\nC${o.customer},客户${o.customer} renamed ${++n},${AGENT}\n`)).errors).toEqual([]);
              } else if (o.k === 'relabel') {
                expect((await importCsv(t.db, 'task-types', `type,label,effort_minutes,priority\nfollow_up,回访 ${++n},${o.effort},normal\n`)).errors).toEqual([]);
              } else if (o.k === 'age') {
                const cache = cacheOf<CartState>(dbs[o.p]);
                const kept = cache.aged(cartId);
                if (kept) {
                  cache.put(kept.state, cache.now() - MAX_AGE_MS - 1);
                  const type = cache.type('follow_up', 0);
                  if (type) cache.putType(type, cache.now() - MAX_AGE_MS - 1, 0);
                }
              } else if (o.k === 'apply' || o.k === 'balance' || o.k === 'commit' || o.k === 'reopen') {
                // Buttons of the cart message or a day window: each names the version the agent saw (the newest).
                const withSuggestions = now.advice.filter((a) => a.suggestions.length);
                const change =
                  o.k === 'apply' ? (withSuggestions.length ? { kind: 'apply' as const, day: withSuggestions[o.pick % withSuggestions.length]!.day, index: 0 } : null) : { kind: o.k };
                if (change) {
                  const r = await request(dbs[o.p], (db, requestKey) => changeCart(db, AGENT, cartId, now.cart.version, change, at, { requestKey }));
                  answer = r.state;
                  // A task moved by hand stays where a suggestion or the auto-balance put it since.
                  if (r.changed) for (const id of movedTo.keys()) movedTo.set(id, r.state.tasks.find((x) => x.id === id)?.day ?? movedTo.get(id)!);
                }
              } else if (o.k === 'done') {
                // Done on the task list of a committed cart (App Home, /tasks), reopened since or not.
                const onList = await t.db.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.cartId, cartId), eq(tasks.status, 'open'))).orderBy(asc(tasks.id));
                const task = onList[o.pick % Math.max(onList.length, 1)];
                if (task) {
                  expect((await request(dbs[o.p], async (db, requestKey) => ({ changed: await markTask(db, AGENT, task.id, 'done', requestKey) }))).changed).toBe(true);
                  doneIds.add(task.id);
                }
              } else if (o.k === 'rebalance') {
                // A supervisor's Rebalance, then Apply (/team-carts): tasks of this agent's overloaded days go to the other agent.
                const proposal = await proposeRebalance(dbs[o.p], SUPERVISOR, { teamId: now.person.team.id, weekStart: now.cart.weekStart, agentId: AGENT }, at);
                if (proposal.kind === 'proposal') {
                  const plan = parseApplyPlan(applyValue(proposal))!;
                  const r = await request(dbs[o.p], async (db, requestKey) => {
                    const applied = await applyRebalance(db, SUPERVISOR, plan, at, requestKey);
                    return { applied, changed: applied.kind === 'applied' };
                  });
                  expect(r.applied.kind).toBe('applied');
                  if (r.applied.kind === 'applied') {
                    answer = r.applied.giver;
                    for (const m of r.applied.moves) {
                      // Gone from this agent's cart, as if removed: in the other agent's now.
                      removed.add(String(m.itemId));
                      removedTitles.add(now.tasks.find((x) => x.id === String(m.itemId))!.title);
                    }
                  }
                }
              } else if (o.k === 'replay' && last) {
                // Slack's retry of a request already done, or a replay, reaching either process: nothing changes.
                expect(await last(dbs[o.p])).toBe(false);
                expect(seen(await truth())).toEqual(seen(now));
              } else if (o.k === 'day') {
                // The days pass, the weekend at once: Tuesday of the cart's week (Monday gone by), then Wednesday,
                // then Thursday (Thursday and Friday left to plan on). A cart either process kept is shown and
                // changed as the week stands now, its days gone by too.
                const day = (d: string) => Date.parse(`${d}T07:00:00Z`);
                at = new Date(Math.max(day('2026-12-01'), Math.min(at.getTime() + 86_400_000, day('2026-12-03'))));
                expect(seen(await currentCart(dbs[o.p], AGENT, cartId, at))).toEqual(seen(await truth()));
              } else if (o.k === 'show') {
                // A day window or a form opened: never older than the database, names included.
                expect(seen(await currentCart(dbs[o.p], AGENT, cartId, at))).toEqual(seen(await truth()));
              }
              if (answer) {
                // The answer to a change is the cart right after it, names included: the save says how
                // many renames it saw, and a cart decided on fewer is read again to be shown.
                expect(seen(answer)).toEqual(seen(await truth()));
              }
            }
            // Nothing lost, nothing made twice: each task added is there once unless removed, each
            // removed one is gone, each moved one on its last day; one audit entry a version.
            const end = await truth();
            for (const title of added) expect(end.tasks.filter((x) => x.title === title).length, title).toBe(removedTitles.has(title) ? 0 : 1);
            expect(end.tasks.filter((x) => removed.has(x.id))).toEqual([]);
            for (const [id, day] of movedTo) if (!removed.has(id)) expect(end.tasks.find((x) => x.id === id)?.day).toBe(day);
            // The task list holds at most one task an item, and a committed cart's one for each item. A
            // reopened cart keeps its list (the agent works from it, docs/export.md): an item removed
            // since leaves its task there, without an item, until the cart is committed again.
            const listed = (await t.db.select({ item: tasks.cartItemId }).from(tasks).where(eq(tasks.cartId, cartId))).filter((x) => x.item !== null);
            expect(new Set(listed.map((x) => x.item)).size).toBe(listed.length);
            if (end.cart.status === 'committed') expect(listed.length).toBe(end.tasks.length);
            // Every Done stays done, whatever was committed, reopened or removed after it.
            const done = doneIds.size ? await t.db.select({ id: tasks.id, status: tasks.status }).from(tasks).where(inArray(tasks.id, [...doneIds])) : [];
            expect(done.map((x) => x.status).sort()).toEqual([...doneIds].map(() => 'done'));
            const versions = (await eventsOf(cartId)).map((e) => e.version);
            expect(versions).toEqual(versions.map((_, i) => versions[0]! + i));
            expect(versions.at(-1)).toBe(end.cart.version);
          }),
        );
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});

describe('a cart shown (a day window turned or opened, a form opened)', () => {
  /** The cart this process keeps, with one task's title changed as no read of the database gives it. */
  function mark(cartId: number, title: string, as: string): void {
    const cache = cacheOf<CartState>(t.db);
    const kept = cache.aged(cartId)!;
    cache.put(withAdvice({ ...kept.state, tasks: kept.state.tasks.map((x) => (x.title === title ? { ...x, title: as } : x)) }), kept.at);
  }

  it('is the kept cart when a probe finds it as it is, however long ago it was read', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Kept here')] }, NOW);
    mark(state.cart.id, 'Kept here', 'Kept here, as kept');
    expect((await currentCart(t.db, AGENT, state.cart.id, NOW)).tasks.map((x) => x.title)).toContain('Kept here, as kept');
    const cache = cacheOf<CartState>(t.db);
    cache.put(cache.aged(state.cart.id)!.state, cache.now() - MAX_AGE_MS - 1);
    expect((await currentCart(t.db, AGENT, state.cart.id, NOW)).tasks.map((x) => x.title)).toContain('Kept here, as kept');
  });

  it('is the cart as it is now when another process changed it, even a moment after this one kept it', () =>
    inOtherProcess(async (other) => {
      const { state } = await openCart(t.db, AGENT, 'next', NOW);
      await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Kept here')] }, NOW);
      mark(state.cart.id, 'Kept here', 'Kept here, as kept');
      const there = await changeCart(other, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Added by the other process')] }, NOW);

      const shown = await currentCart(t.db, AGENT, state.cart.id, NOW);
      expect(shown.cart.version).toBe(there.state.cart.version);
      expect(shown.tasks.map((x) => x.title)).toEqual(expect.arrayContaining(['Kept here', 'Added by the other process']));
      expect(shown.tasks.map((x) => x.title)).not.toContain('Kept here, as kept');
    }));

  it('is refused to anyone but its owner, as a read refuses it', async () => {
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    const refused = await currentCart(t.db, OTHER_AGENT, state.cart.id, NOW).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('cart_not_yours');
  });
});

/** Two processes' peers, as the cluster's primary relays them: `lose` drops the next message on its way. */
function linked() {
  const heard: ((c: SharedChange) => void)[] = [];
  let lose = 0;
  const peers = (me: number): Peers => ({
    // Through JSON, as node:cluster's channel carries it.
    publish: (c) => {
      if (lose > 0) lose--;
      else heard.forEach((follow, i) => i !== me && follow(JSON.parse(JSON.stringify(c)) as SharedChange));
    },
    subscribe: (follow) => void (heard[me] = follow),
  });
  return { peers, loseNext: () => void (lose = 1) };
}

/**
 * Two processes' peers as the workers reach each other (src/peer-log.ts): each appends to a log of
 * its own, read by the other when it looks at its carts; both logs found (a round every 20 ms).
 */
async function logged() {
  const folder = makePeerFolder(tempDir('peers'));
  const made: ReturnType<typeof logPeers>[] = [];
  const peers = (me: number): Peers => {
    const p = logPeers(folder, 900 + me, 20);
    made.push(p);
    return p;
  };
  onTestFinished(() => made.forEach((p) => p.close()));
  return { peers, found: () => new Promise((r) => setTimeout(r, 80)) };
}

describe('a change followed by the other processes of one deployment (WORKERS)', () => {
  /**
   * This process and `other` as two linked workers, the agent's cart opened here and kept there
   * from a click of its own; `outcomes`: what became of each change the other process heard of.
   * `logs`: through the workers' logs rather than relayed at once.
   */
  const keptApart = async (other: Db, logs = false) => {
    const link = logs ? await logged() : linked();
    const outcomes: FollowOutcome[] = [];
    followPeers(t.db, link.peers(0));
    followPeers(other, link.peers(1), (_c, outcome) => outcomes.push(outcome));
    if ('found' in link) await link.found();
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    await loadCart(other, AGENT, state.cart.id, NOW);
    return { link, outcomes, state };
  };
  /** Tasks as a fresh read finds them, by id (read apart from either process's kept carts). */
  const asRead = async (cartId: number) => byId((await cartSnapshot(t.db, cartId))!.items);
  const byId = (tasks: readonly CartState['tasks'][number][]) => [...tasks].sort((a, b) => Number(a.id) - Number(b.id));

  it.each([
    ['relayed at once', false],
    ['through the workers’ logs', true],
  ])('keeps the cart in the other process as a fresh read finds it after every kind of change, in the order the deciding process keeps it (%s)', (_how, logs) =>
    inOtherProcess(async (other) => {
      const { outcomes, state } = await keptApart(other, logs);
      const id = state.cart.id;
      const duplicate = state.tasks.find((x) => x.customerId !== null)!;
      const free = () => cacheOf<CartState>(t.db).get(id)!.state.tasks.find((x) => !x.fixed && x.day === '2026-12-01')!;
      const changes = [
        () => changeCart(t.db, AGENT, id, CURRENT, { kind: 'add', items: [custom('Followed'), { ...custom('A duplicate'), typeKey: duplicate.type, customerId: duplicate.customerId, priority: 'urgent' }] }, NOW),
        () => changeCart(t.db, AGENT, id, CURRENT, { kind: 'move', itemId: Number(free().id), day: '2026-12-04' }, NOW),
        () => changeCart(t.db, AGENT, id, CURRENT, { kind: 'apply', day: cacheOf<CartState>(t.db).get(id)!.state.advice[0]!.day, index: 0 }, NOW),
        () => changeCart(t.db, AGENT, id, CURRENT, { kind: 'balance' }, NOW),
        () => changeCart(t.db, AGENT, id, CURRENT, { kind: 'remove', itemId: Number(free().id) }, NOW),
        () => changeCart(t.db, AGENT, id, CURRENT, { kind: 'add', items: [custom('After the balance')] }, NOW),
        () => changeCart(t.db, AGENT, id, CURRENT, { kind: 'commit' }, NOW),
        () => changeCart(t.db, AGENT, id, CURRENT, { kind: 'reopen' }, NOW),
      ];
      for (const [n, change] of changes.entries()) {
        const r = await change();
        expect(r.changed, `change ${n}`).toBe(true);
        const followed = cacheOf<CartState>(other).get(id)!.state;
        expect(followed.cart).toEqual((await cartOf(id)));
        expect(followed.tasks).toEqual(cacheOf<CartState>(t.db).get(id)!.state.tasks);
        expect(byId(followed.tasks)).toEqual(await asRead(id));
        expect(followed.measure).toEqual(r.state.measure);
        expect(followed.advice).toEqual(r.state.advice);
      }
      expect(outcomes).toEqual(changes.map(() => 'followed'));

      // A click in the other process, on the cart it followed: decided on it as it is, saved once.
      const task = cacheOf<CartState>(other).get(id)!.state.tasks.find((x) => !x.fixed && x.day !== '2026-12-02')!;
      const moved = await changeCart(other, AGENT, id, (await cartOf(id)).version, { kind: 'move', itemId: Number(task.id), day: '2026-12-02' }, NOW);
      expect(moved.notice).toMatchObject({ kind: 'moved', move: { to: '2026-12-02' } });
      expect(byId(cacheOf<CartState>(t.db).get(id)!.state.tasks)).toEqual(await asRead(id));
    }));

  it('drops a cart it cannot follow (a change it never heard of): the next click there reads it again and loses nothing', () =>
    inOtherProcess(async (other) => {
      const { link, outcomes, state } = await keptApart(other);
      (link as ReturnType<typeof linked>).loseNext();
      await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Never heard of')] }, NOW);
      await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Heard of')] }, NOW);
      expect(outcomes).toEqual(['dropped']);
      expect(cacheOf<CartState>(other).get(state.cart.id)).toBeNull();

      const r = await changeCart(other, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('Added there')] }, NOW);
      expect(r.state.tasks.filter((x) => x.source === 'custom').map((x) => x.title).sort()).toEqual(['Added there', 'Heard of', 'Never heard of']);
      expect(byId(r.state.tasks)).toEqual(await asRead(state.cart.id));
    }));

  it('does not follow a change made on settings it did not read: a capacity changed since counts from the next click', () =>
    inOtherProcess(async (other) => {
      const { outcomes, state } = await keptApart(other);
      await t.db.update(teams).set({ dayCapacityMinutes: 195 }).where(eq(teams.id, state.person.team.id));
      await changeCart(t.db, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('On the new capacity')] }, NOW);
      expect(outcomes).toEqual(['dropped']);
      const r = await changeCart(other, AGENT, state.cart.id, CURRENT, { kind: 'add', items: [custom('There too')] }, NOW);
      expect(r.state.week.days.find((d) => d.work)!.capacity).toBe(195);
    }));
});

/**
 * Slack's chat.update as two workers reach it: an edit lands when Slack takes it, and this one's
 * first edit is held (a rate limit waited out, a slow round trip) until `release`.
 */
function slackEdits(options: { refuseAfter?: number } = {}) {
  const landed: { worker: string; versions: number[] }[] = [];
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  let holding = true;
  const client = (worker: string) =>
    ({
      chat: {
        update: async (args: { blocks: unknown[] }) => {
          if (worker === 'here' && holding) {
            holding = false;
            await held;
          }
          if (options.refuseAfter !== undefined && landed.length >= options.refuseAfter) throw Object.assign(new Error('An API error occurred: ratelimited'), { data: { ok: false, error: 'ratelimited' } });
          // The versions the message's buttons carry (`cartId:version`, views/cart.ts).
          landed.push({ worker, versions: [...new Set([...JSON.stringify(args.blocks).matchAll(/"value":"\d+:(\d+)/g)].map((m) => Number(m[1])))] });
          return { ok: true };
        },
      },
    }) as unknown as WebClient;
  return { landed, client, release };
}

describe('the cart message, edited by two workers', () => {
  const en = textsFor('en');

  /** The agent's cart with its message posted, kept by both workers, linked (`logs`: through the workers' logs). */
  const posted = async (other: Db, logs = false) => {
    const link = logs ? await logged() : linked();
    followPeers(t.db, link.peers(0));
    followPeers(other, link.peers(1));
    if ('found' in link) await link.found();
    const { state } = await openCart(t.db, AGENT, 'next', NOW);
    await t.db.update(carts).set({ channelId: 'D0AGENT', messageTs: '1700000000.000100' }).where(eq(carts.id, state.cart.id));
    await loadCart(t.db, AGENT, state.cart.id, NOW);
    await loadCart(other, AGENT, state.cart.id, NOW);
    return state.cart.id;
  };

  for (const logs of [false, true])
    for (const kept of [true, false])
      it(`ends showing the newest cart when an older edit lands after a newer one (the newer one ${kept ? 'followed' : 'not kept'} here; ${logs ? 'through the workers’ logs' : 'relayed at once'})`, () =>
      inOtherProcess(async (other) => {
        const id = await posted(other, logs);
        const slack = slackEdits();
        const here = await changeCart(t.db, AGENT, id, CURRENT, { kind: 'add', items: [custom('Added here')] }, NOW);
        const showing = showCart(en, slack.client('here'), t.db, here.state, NOW, here.notice);
        if (!kept) cacheOf<CartState>(t.db).drop(id);
        const there = await changeCart(other, AGENT, id, CURRENT, { kind: 'add', items: [custom('Added there')] }, NOW);
        await showCart(en, slack.client('there'), other, there.state, NOW, there.notice);
        slack.release();
        await showing;

        const newest = (await cartOf(id)).version;
        expect(newest).toBe(here.state.cart.version + 1);
        // The older edit landed last; this worker then showed the newest, once.
        expect(slack.landed).toEqual([
          { worker: 'there', versions: [newest] },
          { worker: 'here', versions: [newest - 1] },
          { worker: 'here', versions: [newest] },
        ]);
      }));

  it('does not fail the click when showing the other worker’s newer cart fails: its own edit went through', () =>
    inOtherProcess(async (other) => {
      const id = await posted(other);
      const slack = slackEdits({ refuseAfter: 2 });
      const here = await changeCart(t.db, AGENT, id, CURRENT, { kind: 'add', items: [custom('Added here')] }, NOW);
      const showing = showCart(en, slack.client('here'), t.db, here.state, NOW, here.notice);
      const there = await changeCart(other, AGENT, id, CURRENT, { kind: 'add', items: [custom('Added there')] }, NOW);
      await showCart(en, slack.client('there'), other, there.state, NOW, there.notice);
      slack.release();
      await expect(showing).resolves.toBeUndefined();
      expect(slack.landed.map((l) => l.worker)).toEqual(['there', 'here']);
    }));

  it('two workers that each find the message deleted and post the cart anew leave one live copy, showing the newest cart', () =>
    inOtherProcess(async (other) => {
      const id = await posted(other);
      // Slack as both workers reach it: the message is gone, and each post waits until both have posted.
      const live = new Map<string, unknown[]>();
      let posts = 0;
      let bothPosted = () => {};
      const both = new Promise<void>((r) => (bothPosted = r));
      const client = {
        chat: {
          update: async (args: { ts: string; blocks: unknown[] }) => {
            if (!live.has(args.ts)) throw Object.assign(new Error('An API error occurred: message_not_found'), { data: { ok: false, error: 'message_not_found' } });
            live.set(args.ts, args.blocks);
            return { ok: true };
          },
          postMessage: async (args: { blocks: unknown[] }) => {
            const ts = `1700000001.${String(++posts).padStart(6, '0')}`;
            live.set(ts, args.blocks);
            if (posts === 2) bothPosted();
            await both;
            return { ok: true, ts };
          },
        },
        conversations: { open: async () => ({ ok: true, channel: { id: 'D0AGENT' } }) },
      } as unknown as WebClient;
      const here = await changeCart(t.db, AGENT, id, CURRENT, { kind: 'add', items: [custom('Added here')] }, NOW);
      const there = await changeCart(other, AGENT, id, CURRENT, { kind: 'add', items: [custom('Added there')] }, NOW);
      await Promise.all([showCart(en, client, t.db, here.state, NOW, here.notice), showCart(en, client, other, there.state, NOW, there.notice)]);

      const withButtons = [...live].filter(([, blocks]) => JSON.stringify(blocks).includes(ACTIONS.addTask));
      const row = await cartOf(id);
      expect(withButtons.map(([ts]) => ts)).toEqual([row.messageTs]);
      expect(JSON.stringify(withButtons[0]![1])).toContain(`"${id}:${row.version}`);
      expect(live.size).toBe(2); // the other copy: the note that it was replaced
    }));

  it('edits once a change when no other worker saved the cart since', () =>
    inOtherProcess(async (other) => {
      const id = await posted(other);
      const slack = slackEdits();
      slack.release();
      const there = await changeCart(other, AGENT, id, CURRENT, { kind: 'add', items: [custom('Added there')] }, NOW);
      await showCart(en, slack.client('there'), other, there.state, NOW, there.notice);
      const here = await changeCart(t.db, AGENT, id, CURRENT, { kind: 'add', items: [custom('Added here')] }, NOW);
      await showCart(en, slack.client('here'), t.db, here.state, NOW, here.notice);
      expect(slack.landed).toEqual([
        { worker: 'there', versions: [there.state.cart.version] },
        { worker: 'here', versions: [here.state.cart.version] },
      ]);
    }));
});

describe('CartCache', () => {
  const cart = (id: number, version: number) => ({ cart: { id, version } });

  it('answers a cart for MAX_AGE_MS after it was read, then only to be probed', () => {
    let now = 0;
    const cache = new CartCache<ReturnType<typeof cart>>(() => now);
    cache.put(cart(1, 3), now);
    now = MAX_AGE_MS;
    expect(cache.get(1)?.state).toEqual(cart(1, 3));
    // Saved on it later: still as old as the read.
    cache.put(cart(1, 4), cache.readAt(1));
    now = MAX_AGE_MS + 1;
    expect(cache.get(1)).toBeNull();
    expect(cache.aged(1)).toEqual({ state: cart(1, 4), at: 0 });
    // Probed and found unchanged: kept as if read now.
    cache.put(cart(1, 4), now);
    expect(cache.get(1)?.state).toEqual(cart(1, 4));
  });

  it('never puts back a cart older than the one it holds, and keeps at most MAX_CARTS', () => {
    const cache = new CartCache<ReturnType<typeof cart>>(() => 0);
    cache.put(cart(1, 5), 0);
    cache.put(cart(1, 4), 0);
    expect(cache.get(1)?.state.cart.version).toBe(5);
    for (let id = 2; id <= MAX_CARTS + 1; id++) cache.put(cart(id, 1), 0);
    expect(cache.get(1)).toBeNull();
    expect(cache.get(2)).not.toBeNull();
    expect(cache.get(MAX_CARTS + 1)).not.toBeNull();
  });
});
