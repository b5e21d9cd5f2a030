// A fresh database per test file, on whichever driver the run uses: PGlite as the global snapshot
// left it (embedded.ts: the worker's kept one, put back and checked), or a new PostgreSQL database
// copied from the migrated template.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, postgresClient, type Database } from '../../db/client.ts';
import { forgetKept } from '../../src/services/cart-cache.ts';
import { embeddedDatabase } from './embedded.ts';

export const adminUrl = (url: string) => withDb(url, 'postgres');
export const templateName = () => `taskcart_template_${process.pid}`;

export function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestDatabase extends Database {
  /** The URL of this file's own PostgreSQL database (server runs only). */
  url?: string;
  /** The embedded database's client (embedded runs only): faults.ts wraps it. */
  pglite?: PGlite;
}

export async function testDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) return embeddedDatabase();
  const name = `taskcart_test_${randomBytes(6).toString('hex')}`;
  const admin = await postgresClient(adminUrl(url), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${inject('pgTemplate')}`);
  const dbUrl = withDb(url, name);
  const db = await openDatabase({ databaseUrl: dbUrl, migrate: false });
  return {
    ...db,
    url: dbUrl,
    close: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

const defaultTaskTypes = readFileSync(new URL('../../db/migrations/0001_default_task_types.sql', import.meta.url), 'utf8');

/**
 * Every table's rows deleted, foreign keys unchecked (the tables go empty together). Between tests
 * this is `delete`, not `truncate`: a truncate gives each table and index a new file, which cost
 * 31–41 ms a reset on PGlite against 3 ms for the deletes of these few rows (2 × Intel Xeon,
 * 2026-11-27, 17 tables); a test's dead rows go with the file's next database (embedded.ts
 * putBack truncates, once a file) or with PostgreSQL's autovacuum.
 */
const emptied = (tables: readonly string[]) => ['set local session_replication_role = replica', ...tables.map((t) => `delete from ${t}`)];

const publicTables = async (db: Database) =>
  (await db.query<{ name: string }>(`select format('public.%I', tablename) as name from pg_tables where schemaname = 'public' order by 1`)).map((r) => r.name);

/** Empties every table between tests, keeping the task types a fresh install ships with; ids start again. */
export async function resetDatabase(db: Database): Promise<void> {
  // The ids start again: carts the bot kept from before would be taken for the new ones.
  forgetKept(db.db);
  const tables = await publicTables(db);
  await db.db.transaction(async (tx) => {
    for (const statement of [
      ...emptied(tables),
      `select setval(format('%I.%I', schemaname, sequencename), start_value, false) from pg_sequences where schemaname = 'public'`,
    ])
      await tx.execute(sql.raw(statement));
  });
  await db.exec(defaultTaskTypes);
}

/** A file's seeded data, kept in the database itself: put back before each test instead of seeding again. */
export interface Seeded {
  tables: string[];
  sequences: Array<{ name: string; last: string | null }>;
}

const KEPT = 'test_seeded';

/**
 * Keeps a copy of every table's rows and every sequence's position as they are now (just seeded),
 * in a schema of their own that the app never reads.
 */
export async function keepSeed(db: Database): Promise<Seeded> {
  const tables = (await db.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`)).map((r) => r.name);
  const sequences = (await db.query<{ name: string; last: string | null }>(`select sequencename as name, last_value::text as last from pg_sequences where schemaname = 'public' order by 1`)).map((r) => ({ name: r.name, last: r.last }));
  await db.exec(`drop schema if exists ${KEPT} cascade; create schema ${KEPT}; ${tables.map((t) => `create table ${KEPT}."${t}" as select * from public."${t}";`).join(' ')}`);
  return { tables, sequences };
}

/**
 * Puts the database back as keepSeed found it, in one transaction: the same rows (ids, timestamps
 * and all), and each sequence where it stood, so that the next ids are those a fresh seed would give.
 */
export async function restoreSeed(db: Database, seeded: Seeded): Promise<void> {
  forgetKept(db.db);
  const positions = seeded.sequences.map((s) => (s.last === null ? `setval('public."${s.name}"', 1, false)` : `setval('public."${s.name}"', ${Number(s.last)}, true)`));
  await db.db.transaction(async (tx) => {
    for (const statement of [
      // Foreign keys are not checked while the rows go back, in whatever order: they were consistent when kept.
      ...emptied(seeded.tables.map((t) => `public."${t}"`)),
      ...seeded.tables.map((t) => `insert into public."${t}" select * from ${KEPT}."${t}"`),
      ...(positions.length ? [`select ${positions.join(', ')}`] : []),
    ])
      await tx.execute(sql.raw(statement));
  });
}

/**
 * For a file's beforeEach: the first time, empties the database and runs `seed`; every later time,
 * puts back what that seed made (restoreSeed), which is the same and much cheaper.
 */
export function seedOnce(seed: (db: TestDatabase) => Promise<unknown>): (db: TestDatabase) => Promise<void> {
  let seeded: Seeded | undefined;
  return async (db) => {
    if (seeded) return restoreSeed(db, seeded);
    await resetDatabase(db);
    await seed(db);
    seeded = await keepSeed(db);
  };
}
