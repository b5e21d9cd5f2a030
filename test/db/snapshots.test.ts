// A team's carts read in one round trip (a rebalance's teammates): each as the one-cart read gives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartSnapshot, cartSnapshots } from '../../db/queries/carts.ts';
import { openCart } from '../../src/services/cart.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { AGENT, NOW, OTHER_AGENT, loadCenter } from '../support/fixtures.ts';

describe('several carts in one read', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await testDatabase();
    await loadCenter(t.db);
  });
  afterAll(() => t.close());

  it('gives each cart as the one-cart read does, leaves out one that does not exist, and nothing for no ids', async () => {
    const ids = [];
    for (const agent of [AGENT, OTHER_AGENT]) ids.push((await openCart(t.db, agent, 'next', NOW)).state.cart.id);
    const one = await Promise.all(ids.map((id) => cartSnapshot(t.db, id)));
    expect(one.every((s) => s !== null && s.items.length > 0)).toBe(true);
    const many = await cartSnapshots(t.db, [...ids, 2_000_000_000]);
    expect(new Map(many.map((s) => [s.cart.id, s]))).toEqual(new Map(one.map((s) => [s!.cart.id, s])));
    expect(await cartSnapshots(t.db, [])).toEqual([]);
  });
});
