// A team's carts read in one round trip (a rebalance's teammates): each as the one-cart read gives it;
// a cart's read at the size of a busy week.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.ts';
import { cartSnapshot, cartSnapshots, snapshotQuery } from '../../db/queries/carts.ts';
import { openCart } from '../../src/services/cart.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { AGENT, NOW, OTHER_AGENT, loadCenter } from '../support/fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase();
  await loadCenter(t.db);
});
afterAll(() => t.close());

/** The two agents' carts of next week (made by the first call, the same ones after). */
async function twoCarts(): Promise<number[]> {
  const ids = [];
  for (const agent of [AGENT, OTHER_AGENT]) ids.push((await openCart(t.db, agent, 'next', NOW)).state.cart.id);
  return ids;
}

describe('several carts in one read', () => {
  it('gives each cart as the one-cart read does, leaves out one that does not exist, and nothing for no ids', async () => {
    const ids = await twoCarts();
    const one = await Promise.all(ids.map((id) => cartSnapshot(t.db, id)));
    expect(one.every((s) => s !== null && s.items.length > 0)).toBe(true);
    const many = await cartSnapshots(t.db, [...ids, 2_000_000_000]);
    expect(new Map(many.map((s) => [s.cart.id, s]))).toEqual(new Map(one.map((s) => [s!.cart.id, s])));
    expect(await cartSnapshots(t.db, [])).toEqual([]);
  });
});

describe('a cart read late in its week', () => {
  it('takes its merge note from its created event by one probe, however many clicks its week has logged', async () => {
    const ids = await twoCarts();
    const before = await cartSnapshot(t.db, ids[0]!);
    // A busy week: 400 changes on each cart, logged in turn as the clicks came.
    await t.db.execute(sql`insert into cart_events (cart_id, action, version, detail)
      select c, 'moved', g, '{"moves":1}'::jsonb from generate_series(1, 400) g, unnest(${`{${ids.join(',')}}`}::int[]) c order by g, c`);
    await t.db.execute(sql`analyze cart_events`);
    const after = await cartSnapshot(t.db, ids[0]!);
    expect(after!.merged).toEqual(before!.merged);
    const [row] = await rowsOf<Record<string, unknown>>(t.db, sql`explain (format json) ${snapshotQuery(ids[0]!, null, null)}`);
    const plan = JSON.stringify(Object.values(row!)[0]);
    // The merge note's subquery: the index of created events, backwards from the newest; not the cart's every event.
    expect(plan).toContain('"Index Name":"cart_events_created_idx"');
    expect(plan).not.toContain('"Index Name":"cart_events_cart_idx"');
  });
});
