// The embedded database prepares each statement with parameters once (db/pglite-statements.ts):
// what a query answers, how it fails and what it sees must be exactly what PGlite's own `query`
// gives, only without planning it again. Runs on either suite: it opens a PGlite of its own, from
// the run's migrated image (global-setup.ts: about 1.5 s of CPU instead of the 3.4 s of a new
// database's initdb), its tables left alone.
import { PGlite, types } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPglite } from '../../db/client.ts';
import { preparingPglite } from '../../db/pglite-statements.ts';
import { snapshotImage } from '../support/embedded.ts';

let raw: PGlite;
let client: PGlite;
beforeAll(async () => {
  raw = await startPglite({ loadDataDir: snapshotImage() });
  client = preparingPglite(raw);
  await raw.exec(`
    create table notes (id serial primary key, who text not null, body text, n int, ok boolean, doc json, day date, at timestamptz, unique (who, n));
    insert into notes (who, body, n, ok, doc, day, at) values ('a', 'first', 1, true, '{"x":[1,2]}', '2026-11-30', '2026-11-27T08:00:00Z');`);
}, 60_000);
afterAll(() => raw.close());

const prepared = async () => (await raw.query<{ n: number }>(`select count(*)::int as n from pg_prepared_statements`)).rows[0]!.n;
// As drizzle asks for rows: arrays, dates and times left as the text the database sends.
const drizzleLike = { rowMode: 'array' as const, parsers: { [types.TIMESTAMPTZ]: (v: string) => v, [types.DATE]: (v: string) => v } };

describe('statements prepared on the embedded database', () => {
  it('answers what PGlite answers, whatever the values, and plans a text once', async () => {
    const text = `select $1::text as t, $2::int as n, $3::boolean as b, $4::json as j, $5::date as d, $6::timestamptz as at, length($1::text) as len`;
    const before = await prepared();
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\u0000'))),
        fc.option(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 })),
        fc.option(fc.boolean()),
        fc.option(fc.jsonValue()),
        fc.option(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))),
        async (t, n, b, j, d) => {
          const params = [t, n, b, j === null ? null : JSON.stringify(j), d, d === null ? null : `${d}T12:34:56Z`];
          for (const options of [undefined, drizzleLike]) {
            const mine = await client.query(text, params, options);
            const theirs = await raw.query(text, params, options);
            expect(mine.rows).toEqual(theirs.rows);
            expect(mine.fields).toEqual(theirs.fields);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect((await prepared()) - before).toBe(1);
  });

  it('writes as PGlite does: rows changed, returned and counted; a conflict is the same error, and the next statement runs', async () => {
    const insert = `insert into notes (who, body, n) values ($1, $2, $3) returning id, who, body`;
    const done = await client.query<{ who: string; body: string }>(insert, ['b', 'hello', 1]);
    expect(done.rows).toEqual([{ id: expect.any(Number), who: 'b', body: 'hello' }]);
    expect(done.affectedRows).toBe(1);
    const mine = await client.query(insert, ['b', 'again', 1]).catch((e: unknown) => e);
    const theirs = await raw.query(insert, ['b', 'again', 1]).catch((e: unknown) => e);
    expect(mine).toMatchObject({ code: '23505', constraint: 'notes_who_n_key' });
    expect((mine as Error).constructor).toBe((theirs as Error).constructor);
    expect((await client.query(`select count(*)::int as n from notes where who = $1`, ['b'])).rows).toEqual([{ n: 1 }]);
  });

  it('never runs inside a transaction another caller holds open: it waits for it, and what it wrote stays when that one rolls back', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = raw.transaction(async (t) => {
      await t.query(`insert into notes (who, n) values ('tx', 1)`);
      await held;
      await t.rollback();
    });
    // Let the transaction begin first.
    await new Promise((r) => setTimeout(r, 50));
    let wrote = false;
    const write = client.query(`insert into notes (who, n) values ($1, 2)`, ['outside']).then(() => (wrote = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(wrote).toBe(false);
    release();
    await Promise.all([tx, write]);
    expect((await raw.query(`select who from notes where who in ('tx', 'outside') order by who`)).rows).toEqual([{ who: 'outside' }]);
  });

  it('still answers after the table it reads changed shape, and after the session dropped every statement', async () => {
    const text = `select * from notes where who = $1 order by id`;
    expect((await client.query<{ body: string }>(text, ['a'])).rows.map((r) => r.body)).toEqual(['first']);
    const before = await prepared();
    await raw.exec(`alter table notes add column extra text default 'new'`);
    expect((await client.query<{ extra: string }>(text, ['a'])).rows.map((r) => r.extra)).toEqual(['new']);
    // The plan that no longer fitted is not left behind.
    expect(await prepared()).toBe(before);
    await raw.exec('discard all');
    expect(await prepared()).toBe(0);
    expect((await client.query<{ body: string }>(text, ['a'])).rows.map((r) => r.body)).toEqual(['first']);
    expect((await client.query(`select $1::int + 1 as n`, [41])).rows).toEqual([{ n: 42 }]);
  });

  it('keeps at most 200 statements: texts past that run unprepared, and answer the same', async () => {
    await raw.exec('discard all');
    for (let i = 0; i < 230; i++) expect((await client.query<{ n: number }>(`select $1::int + ${i} as n`, [1])).rows).toEqual([{ n: 1 + i }]);
    expect(await prepared()).toBeLessThanOrEqual(200);
  });
});
