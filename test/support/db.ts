// A fresh database per test file, on whichever driver the run uses:
// PGlite from the global snapshot, or a new PostgreSQL database copied from the migrated template.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, pgliteDatabase, type Database } from '../../db/client.ts';

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
  if (!url) {
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteSnapshot'))]) });
    return { ...(await pgliteDatabase(pglite)), pglite };
  }
  const name = `taskcart_test_${randomBytes(6).toString('hex')}`;
  const postgres = (await import('postgres')).default;
  const admin = postgres(adminUrl(url), { max: 1, onnotice: () => {} });
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

/** Empties every table between tests, keeping the task types a fresh install ships with. */
export async function resetDatabase(db: Database): Promise<void> {
  await db.exec(
    'truncate request_keys, deliveries, segment_cadences, cart_events, tasks, cart_items, carts, system_tasks, recommendations, customers, time_off, task_types, people, teams restart identity cascade',
  );
  await db.exec(defaultTaskTypes);
}
