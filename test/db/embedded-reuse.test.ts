// The embedded database a test worker keeps from one file to the next (test/support/embedded.ts):
// whatever one file leaves behind, the next file's database is the migrated image, as a database
// started afresh from it is. Embedded runs only: on a PostgreSQL server each file gets a new database.
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { underlying } from '../support/embedded.ts';

const opened: TestDatabase[] = [];
async function open(): Promise<TestDatabase> {
  const t = await testDatabase();
  opened.push(t);
  return t;
}
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
});

/** What a test could notice of a database: its schemas, tables and rows, the next ids, the session's settings and locks. */
async function seen(t: TestDatabase) {
  const schemas = await t.query<{ name: string }>(`select nspname as name from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by 1`);
  const tables = await t.query<{ name: string }>(`select format('%I.%I', table_schema, table_name) as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1`);
  const rows: Record<string, unknown> = {};
  for (const { name } of tables) rows[name] = await t.query(`select * from ${name} order by 1`);
  const sequences = await t.query(`select sequencename, last_value::text from pg_sequences order by 1`);
  const session = await t.query(`select current_setting('statement_timeout') as timeout, (select count(*)::int from pg_locks where locktype = 'advisory') as locks, (select count(*)::int from pg_prepared_statements) as prepared`);
  return { schemas, tables, rows, sequences, session };
}

describe.skipIf(!!process.env.DATABASE_URL)('the embedded database a test worker keeps between files', () => {
  it('comes back to the next file as the migrated image, whatever the file left: rows, schemas, ids, settings, locks, an open transaction', async () => {
    const first = await open();
    const fresh = await seen(first);
    await first.exec(`
      insert into teams (name) values ('Left behind');
      delete from task_types where key = (select min(key) from task_types);
      create schema leftovers; create table leftovers.things (x int); insert into leftovers.things values (1);
      select setval('carts_id_seq', 500);
      set statement_timeout = '1s';
      prepare leftover as select 1;
      select pg_advisory_lock(42);
      create temporary table scratch (x int);`);
    // Apart: in one string, the statements before a begin would join its transaction.
    await first.exec(`begin; insert into teams (name) values ('Never committed');`);
    expect(await seen(first)).not.toEqual(fresh);
    await first.close();
    opened.length = 0;
    // What the file's client does after it closed fails, as on a closed database: never reaching the next file's.
    expect(first.pglite!.closed).toBe(true);
    await expect(first.query('select 1')).rejects.toThrow('PGlite is closed');

    const next = await open();
    expect(underlying(next.pglite!)).toBe(underlying(first.pglite!)); // the same database, kept
    expect(await seen(next)).toEqual(fresh);
    // A database started afresh from the image while the kept one is in use: the same again.
    const other = await open();
    expect(underlying(other.pglite!)).not.toBe(underlying(next.pglite!));
    expect(await seen(other)).toEqual(fresh);
  });

  it('is not kept when putting it back cannot undo what a file did: the next file gets a new one', async () => {
    const first = await open();
    const fresh = await seen(first);
    await first.exec(`create table public.extra (x int); create role leftover_role`);
    await first.close();
    opened.length = 0;

    const next = await open();
    expect(underlying(next.pglite!)).not.toBe(underlying(first.pglite!));
    expect(underlying(first.pglite!).closed).toBe(true);
    expect(await seen(next)).toEqual(fresh);
  });
});
