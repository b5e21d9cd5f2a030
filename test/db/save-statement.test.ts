// The cart change's one statement (db/queries/carts.ts) is made by Drizzle once per shape and kept,
// its values passed as parameters, and so is the read of one cart: for every shape — each step there or not, any values, hostile
// text among them — it is the very statement Drizzle makes afresh: the same text, the same
// parameters in the same order. The database tests run it (cart-changes.test.ts and the app's).
import fc from 'fast-check';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { compiledSave, saveSql, snapshotQuery, snapshotSql, type SaveShape, type SaveValues } from '../../db/queries/carts.ts';

const dialect = new PgDialect();
const text = fc.oneof(fc.string(), fc.constantFrom('$1', '@@value:cartId@@', "'; drop table carts; --", '<@U0X>', '周一 ✓'));

const shapeArb: fc.Arbitrary<SaveShape> = fc.record({
  status: fc.constantFrom(null, 'open' as const, 'committed' as const),
  reason: fc.boolean(),
  key: fc.boolean(),
  context: fc.boolean(),
  moves: fc.boolean(),
  revise: fc.boolean(),
  remove: fc.boolean(),
  insert: fc.boolean(),
  taskList: fc.boolean(),
  exception: fc.boolean(),
});

const valuesArb: fc.Arbitrary<SaveValues> = fc.record({
  cartId: fc.integer({ min: 1, max: 2_147_483_647 }),
  version: fc.integer({ min: 1, max: 1_000_000 }),
  agentId: text,
  now: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  status: fc.option(fc.constantFrom('open', 'committed')),
  reason: fc.option(text),
  key: fc.option(text),
  context: fc.option(text),
  moves: text,
  revise: text,
  remove: text,
  insert: text,
  actorId: text,
  action: text,
  detail: text,
  exceptionReason: fc.option(text),
  flagged: text,
});

describe('the cart change’s statement, made once per shape', () => {
  it('is the statement Drizzle makes afresh, for every shape and any values', () => {
    fc.assert(
      fc.property(shapeArb, valuesArb, (shape, values) => {
        expect(dialect.sqlToQuery(compiledSave(shape, values))).toEqual(dialect.sqlToQuery(saveSql(shape, values)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('the cart’s read, made once too, is the one Drizzle makes afresh, whatever asks for it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_147_483_647 }), fc.option(text), fc.option(text), (cartId, key, typeKey) => {
        expect(dialect.sqlToQuery(snapshotQuery(cartId, key, typeKey))).toEqual(dialect.sqlToQuery(snapshotSql(cartId, key, typeKey)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives each shape its own text, and each call its own values', () => {
    const base: SaveShape = { status: null, reason: false, key: true, context: true, moves: true, revise: false, remove: false, insert: false, taskList: false, exception: false };
    const values = (cartId: number, key: string): SaveValues => ({ cartId, version: 3, agentId: 'U0A', now: '2026-11-27T07:00:00.000Z', status: null, reason: null, key, context: 'c', moves: '[]', revise: '[]', remove: '[]', insert: '[]', actorId: 'U0A', action: 'move', detail: '{}', exceptionReason: null, flagged: '[]' });
    const a = dialect.sqlToQuery(compiledSave(base, values(1, 'k1')));
    const b = dialect.sqlToQuery(compiledSave(base, values(2, 'k2')));
    const c = dialect.sqlToQuery(compiledSave({ ...base, moves: false, remove: true }, values(1, 'k1')));
    expect(b.sql).toBe(a.sql);
    expect(b.params).not.toEqual(a.params);
    expect(b.params).toContain('k2');
    expect(c.sql).not.toBe(a.sql);
    expect(c.sql).toContain('delete from "cart_items"');
  });
});
