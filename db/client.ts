// The database, embedded (PGlite in a data folder) or a PostgreSQL server
// (postgres.js), behind one type so that no query knows which it has.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getTableColumns, sql, type InferSelectModel, type SQL, type Table } from 'drizzle-orm';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { schema } from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle: query functions take `Db | Tx`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Runs a parameterless SQL script (used by pg-boss's adapter and tests). */
  exec(sqlText: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a parameterless script of one or more statements; the rows of every statement, in order. */
  script(text: string): Promise<Record<string, unknown>[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** Embedded only: the whole data folder as a tarball, to start other instances from. */
  dump?(): Promise<Blob>;
}

/** Rows of a raw SQL query, whichever driver ran it (postgres.js answers an array, PGlite `{ rows }`). */
export async function rowsOf<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * A table's row that the database sent as JSON (`to_json(t)`), mapped as Drizzle maps a selected
 * row: one query can then return several rows of several tables without a column list to build.
 */
export function rowFromJson<T extends Table>(table: T, json: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; `memory://` keeps it in memory. */
  dataDir?: string;
  /** A PGlite snapshot (from dumpDataDir) to start from: tests start in ~1 s instead of ~5 s. */
  snapshot?: Blob;
  migrate?: boolean;
  /** Connections in the postgres.js pool. */
  max?: number;
  /** Embedded only: postgresql.conf lines, e.g. a smaller `shared_buffers` for a short-lived command. */
  embeddedConf?: string[];
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const database = options.databaseUrl ? await openPostgres(options.databaseUrl, options.max) : await openPglite(options);
  if (options.migrate !== false) await migrateDatabase(database);
  return database;
}

async function openPostgres(url: string, max = 10): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    exec: async (text) => {
      await client.unsafe(text);
    },
    query: async <T,>(text: string, params: unknown[] = []) =>
      (await client.unsafe(text, params as never[])) as unknown as T[],
    script: async (text) => {
      const result = (await client.unsafe(text).simple()) as unknown as Record<string, unknown>[] | Record<string, unknown>[][];
      return Array.isArray(result[0]) ? (result as Record<string, unknown>[][]).flat() : (result as Record<string, unknown>[]);
    },
    ping: () => ping(db),
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(options: OpenOptions): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const dataDir = options.dataDir ?? './data';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({
    dataDir: options.snapshot ? undefined : dataDir,
    loadDataDir: options.snapshot,
    ...(options.embeddedConf?.length ? { postgresqlconf: options.embeddedConf } : {}),
  });
  return pgliteDatabase(client);
}

/** The embedded database over a PGlite client (tests wrap the client to make it fail on purpose). */
export async function pgliteDatabase(client: PGlite): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    exec: async (text) => {
      await client.exec(text);
    },
    query: async <T,>(text: string, params: unknown[] = []) => (await client.query<T>(text, params)).rows,
    script: async (text) => (await client.exec(text)).flatMap((r) => r.rows) as Record<string, unknown>[],
    ping: () => ping(db),
    close: () => client.close(),
    dump: async () => {
      const dump = await client.dumpDataDir('none');
      return dump;
    },
  };
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/** Applies the committed drizzle-kit migrations; never `push`. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    // The migrator only needs `dialect` and `session`, which every PgDatabase has.
    await migrate(database.db as never, { migrationsFolder });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder });
  }
}
