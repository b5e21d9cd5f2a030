// PostgreSQL keeps the bot's statements prepared on each connection (db/client.ts): a click's
// read and write are planned once, not on every click; `?prepare=false` in DATABASE_URL, for a
// pooler that cannot keep statements, turns that off and everything still works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { CURRENT, changeCart, openCart } from '../../src/services/cart.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { AGENT, NOW, loadCenter } from '../support/fixtures.ts';

const pg = process.env.DATABASE_URL;

describe.skipIf(!pg)('prepared statements on PostgreSQL (DATABASE_URL runs only)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await testDatabase();
    await loadCenter(t.db);
  });
  afterAll(() => t.close());

  /** Two changes through one connection; what that connection has prepared after. */
  const twoChanges = async (database: Database) => {
    const { state } = await openCart(database.db, AGENT, 'next', NOW);
    await changeCart(database.db, AGENT, state.cart.id, CURRENT, { kind: 'balance' }, NOW);
    const again = await changeCart(database.db, AGENT, state.cart.id, CURRENT, { kind: 'balance' }, NOW);
    // The change's own statement (it claims the cart's next version), kept by the connection for the next click.
    const [kept] = await database.query<{ n: number }>(`select count(*)::int as n from pg_prepared_statements where statement like '%claim as (update "carts"%'`);
    return { kept: kept!.n, state: again.state };
  };

  it('prepares a click’s statements once per connection, and keeps none with ?prepare=false', async () => {
    const prepared = await openDatabase({ databaseUrl: t.url!, migrate: false, max: 1 });
    // Beside the URL's own parameters (a Unix socket's `?host=…`).
    const url = new URL(t.url!);
    url.searchParams.set('prepare', 'false');
    const unprepared = await openDatabase({ databaseUrl: url.toString(), migrate: false, max: 1 });
    try {
      const a = await twoChanges(prepared);
      expect(a.kept).toBeGreaterThan(0);
      const b = await twoChanges(unprepared);
      expect(b.kept).toBe(0);
      // Either way the cart reads the same.
      expect(b.state.tasks).toEqual(a.state.tasks);
    } finally {
      await prepared.close();
      await unprepared.close();
    }
  });
});
