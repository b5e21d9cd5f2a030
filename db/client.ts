// The database, embedded (PGlite in a data folder) or a PostgreSQL server
// (postgres.js), behind one type so that no query knows which it has.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTableColumns, type InferSelectModel, type SQL, type Table } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { lockDataDir } from './data-dir-lock.ts';
import { preparingPglite } from './pglite-statements.ts';
import { CONNECT_TIMEOUT_S, DatabaseError } from './errors.ts';
import { postgresTarget } from './postgres-url.ts';
import { schema } from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle: query functions take `Db | Tx`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** DATABASE_URL, for a PostgreSQL server. */
  url?: string;
  /** Runs a parameterless SQL script (used by pg-boss's adapter and tests). */
  exec(sqlText: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a parameterless script of one or more statements; the rows of every statement, in order. */
  script(text: string): Promise<Record<string, unknown>[]>;
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

/**
 * The migrations: `db/migrations` in the first folder up from this module's that has them. In the
 * repository that is the folder beside this file; in the build, which bundles this module into
 * dist/chunks (scripts/bundle.mjs), the copy the build puts in dist/db/migrations.
 */
export const migrationsFolder = migrationsAbove(fileURLToPath(new URL('.', import.meta.url)));

function migrationsAbove(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const folder = join(dir, 'db', 'migrations');
    if (existsSync(join(folder, 'meta', '_journal.json'))) return folder;
    // None anywhere: drizzle's error names the folder it looked in, beside this module.
    if (dirname(dir) === dir) return join(from, 'migrations');
  }
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; `memory://` keeps it in memory. */
  dataDir?: string;
  /** A PGlite snapshot (from dumpDataDir) to start from: tests start in ~1 s instead of ~5 s. */
  snapshot?: Blob;
  /**
   * Apply pending migrations (the default; under a lock, so several processes may start at once),
   * or only `check` that none is pending (when migrations run as their own step), or neither.
   */
  migrate?: boolean | 'check';
  /** Connections in the postgres.js pool. */
  max?: number;
  /**
   * Embedded only: PostgreSQL's buffer cache in MB (a short-lived command wants the least); by
   * default sized to the data (`bufferCacheMb`).
   */
  sharedBuffersMb?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const database = options.databaseUrl ? await openPostgres(options.databaseUrl, options.max) : await openPglite(options);
  try {
    if (options.migrate === 'check') await checkMigrated(database);
    else if (options.migrate !== false) await migrateDatabase(database);
  } catch (e) {
    await database.close().catch(() => {});
    throw e;
  }
  return database;
}

/**
 * Seconds before a dropped connection is tried again, after `retries` failures across the pool.
 * postgres.js's own grows to 10–20 s within seconds of an outage (its count is the pool's), so the
 * clicks a person was told are "not done yet" waited up to 20 s after the database came back; here at
 * most 1–2 s, one attempt a connection at that pace while it is down.
 */
const reconnectBackoff = (retries: number): number => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 2);

/**
 * Connections a process's pool opens at most on PostgreSQL (src/cluster.ts counts them per worker).
 * Few, because postgres.js hands each query to the connection idle longest: every connection the
 * pool ever opened (a burst opens them all) then takes its turn, and each server process plans and
 * caches each statement for itself, so with more connections each one's statements stay colder. With
 * 10 a worker, the server spent twice the CPU a click that it does with 4 (issue 13, measured in
 * docs/performance.md: paced with two workers 3.2–3.4 ms against 1.6–1.7, a burst's 2.6–2.9 against
 * 1.2). When both are busy, postgres.js sends a query on one of them at once, behind the others
 * (pipelined): the server takes several in one wake-up, and a burst keeps two server processes busy
 * a worker instead of four. With 2 against 4 (2 × AMD EPYC, 2026-11-28, alternating runs): a burst's
 * "message updated" p95 with two workers 158–183 ms against 160–218 (medians 163 and 186), with one
 * process 138–163 against 165–167, the server's CPU a click 0.5–1.05 ms against 0.7–1.35; paced the
 * same. A transaction holds one of them while it lasts (a few milliseconds). A fan-out's lock is held
 * on a connection apart (LOCK_CONNECTIONS): held on one of these two, a run would wait for the other
 * for each of its queries, and two runs at once in one process (a slot's and the minute tick's) would
 * wait for each other for ever.
 */
export const POOL_MAX = 2;
/**
 * Connections that hold a fan-out's advisory lock for as long as it runs (db/queries/jobs.ts
 * `oneAtATime`), apart from the pool its queries use; opened when a run starts, closed when idle. A
 * process runs at most two at once (a slot's job, the minute tick's reminders); a third waits its turn.
 */
export const LOCK_CONNECTIONS = 2;
/** A lock connection idle this long is closed: runs come a minute apart at most. */
const LOCK_IDLE_S = 90;
/** The lock connections of each PostgreSQL handle (none on the embedded database, which locks in memory). */
const lockSessions = new WeakMap<object, Sql>();

/** The connections `db`'s fan-outs hold their locks on; none on the embedded database. */
export function lockSessionsOf(db: Db): Sql | undefined {
  return lockSessions.get(db);
}
/** Connections the job queue (pg-boss, src/jobs/scheduler.ts) opens at most on PostgreSQL, besides. */
export const QUEUE_CONNECTIONS = 3;

/** A postgres.js client for a DATABASE_URL, a Unix socket's included (postgresTarget). */
export async function postgresClient(url: string, options: import('postgres').Options<Record<string, never>>): Promise<Sql> {
  const { default: postgres } = await import('postgres');
  const target = postgresTarget(url);
  return postgres(target.url, { ...options, ...(target.socket ? { path: target.socket.path } : {}) }) as unknown as Sql;
}

async function openPostgres(url: string, max = POOL_MAX): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = await postgresClient(url, { max, onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S, backoff: reconnectBackoff });
  // postgres.js keeps a query waiting while it retries a connection that times out: time-box the first one.
  await firstConnection(client.unsafe('select 1').execute(), () => client.end({ timeout: 0 }));
  const db = drizzle(preparing(client), { schema }) as unknown as Db;
  // Nothing connects until a run takes a lock.
  const locks = await postgresClient(url, { max: LOCK_CONNECTIONS, onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S, backoff: reconnectBackoff, idle_timeout: LOCK_IDLE_S });
  lockSessions.set(db, locks);
  return {
    db,
    kind: 'postgres',
    url,
    exec: async (text) => {
      await client.unsafe(text);
    },
    query: async <T,>(text: string, params: unknown[] = []) =>
      (await client.unsafe(text, params as never[])) as unknown as T[],
    script: async (text) => {
      const result = (await client.unsafe(text).simple()) as unknown as Record<string, unknown>[] | Record<string, unknown>[][];
      return Array.isArray(result[0]) ? (result as Record<string, unknown>[][]).flat() : (result as Record<string, unknown>[]);
    },
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), locks.end({ timeout: 5 })]);
    },
  };
}

type Sql = import('postgres').Sql;

/**
 * The client drizzle is given: a statement with parameters is prepared once per connection and
 * kept, as postgres.js does for its own tagged queries. Drizzle asks for an unnamed statement each
 * time, which PostgreSQL parses and plans again on every click — most of the database's CPU of an
 * Add task (issue 13). The statements' texts are few: lists travel as one JSON parameter
 * (queries/carts.ts). `?prepare=false` in DATABASE_URL turns it off (postgres.js's own setting),
 * for a pooler that does not keep prepared statements; a pooler must pool by session, for the
 * advisory locks (docs/settings.md).
 */
function preparing(sql: Sql): Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (text: string, params: unknown[] = [], options: Record<string, unknown> = {}) =>
          target.unsafe(text, params as never[], { ...options, prepare: params.length > 0 });
      }
      if (property === 'begin') {
        // A transaction's queries go through the transaction's own client: that one prepares too.
        return (...args: unknown[]) => {
          const work = args.pop() as (tx: Sql) => unknown;
          return (target.begin as (...a: unknown[]) => unknown)(...args, (tx: Sql) => work(preparing(tx)));
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

// The embedded database's buffer cache. PostgreSQL sets up all of `shared_buffers` as it starts: its
// default 128 MB cost about 0.6 s of CPU and 120 MB of memory at every start of the bot, a command or
// a test's database (2 × AMD EPYC, 2026-11-28: 1.37 s of CPU to open a fresh folder, 0.78 s with
// 16 MB), while a team's database is a few megabytes to begin with and the operating system caches
// its files anyway. So the cache is the size of the data, between 16 MB and PostgreSQL's default,
// measured at each start: it grows with the team's history up to 128 MB, as on a server.
export const LEAST_BUFFERS_MB = 16;
const MOST_BUFFERS_MB = 128;

/**
 * Starts PGlite with the buffer cache given (by default the least), as PostgreSQL's `-c` after
 * PGlite's own arguments. Not through PGlite's `postgresqlconf`, which writes the folder's
 * postgresql.conf over with those lines alone: every command did so to its folder until 2026-11-28.
 */
export async function startPglite(options: Omit<PGliteOptions, 'startParams'>, sharedBuffersMb = LEAST_BUFFERS_MB): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create({ ...options, startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`] });
}

/**
 * The buffer cache for a data folder: its largest database (the team's; the others are PostgreSQL's
 * templates, read only to create a database), in whole MB, between 16 and 128.
 */
export function bufferCacheMb(dataDir: string): number {
  let largest = 0;
  try {
    const base = join(dataDir, 'base');
    for (const database of readdirSync(base)) {
      const folder = join(base, database);
      let bytes = 0;
      for (const file of readdirSync(folder)) bytes += statSync(join(folder, file), { throwIfNoEntry: false })?.size ?? 0;
      largest = Math.max(largest, bytes);
    }
  } catch {
    // A new folder (PGlite creates it) or one PGlite will refuse: the least.
  }
  return Math.min(MOST_BUFFERS_MB, Math.max(LEAST_BUFFERS_MB, Math.ceil(largest / 2 ** 20)));
}

async function openPglite(options: OpenOptions): Promise<Database> {
  const dataDir = options.dataDir ?? './data';
  const onDisk = !dataDir.startsWith('memory://') && !options.snapshot;
  if (onDisk) mkdirSync(dataDir, { recursive: true });
  const unlock = onDisk ? lockDataDir(dataDir) : () => {};
  let client;
  try {
    client = await startPglite(
      { dataDir: options.snapshot ? undefined : dataDir, loadDataDir: options.snapshot },
      options.sharedBuffersMb ?? (onDisk ? bufferCacheMb(dataDir) : LEAST_BUFFERS_MB),
    );
  } catch (e) {
    unlock();
    throw new DatabaseError(`the embedded database in ${dataDir} cannot be opened (${(e as Error).message}): check DATA_DIR, or move the folder away to start afresh`);
  }
  return pgliteDatabase(client, unlock);
}

/** The embedded database over a PGlite client (tests wrap the client to make it fail on purpose); `unlock` frees its data folder. */
export async function pgliteDatabase(client: PGlite, unlock: () => void = () => {}): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/pglite');
  // Drizzle's statements and pg-boss's (through `query`) are prepared once; scripts run as they are.
  const prepared = preparingPglite(client);
  const db = drizzle(prepared, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    exec: async (text) => {
      await client.exec(text);
    },
    query: async <T,>(text: string, params: unknown[] = []) => (await prepared.query<T>(text, params)).rows,
    script: async (text) => (await client.exec(text)).flatMap((r) => r.rows) as Record<string, unknown>[],
    close: async () => {
      try {
        if (!client.closed) await client.close();
      } finally {
        unlock();
      }
    },
    dump: async () => {
      const dump = await client.dumpDataDir('none');
      return dump;
    },
  };
}

async function firstConnection(first: Promise<unknown>, abandon: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no connection within ${CONNECT_TIMEOUT_S} s`), { code: 'CONNECT_TIMEOUT' })), CONNECT_TIMEOUT_S * 1000);
  });
  try {
    await Promise.race([first, timedOut]);
  } catch (e) {
    await abandon().catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

// Any constant shared by every Task Cart process: the advisory lock that serialises migrations.
const MIGRATION_LOCK = 7_461_001;

/**
 * Applies the committed drizzle-kit migrations; never `push`. On PostgreSQL, under an advisory
 * lock held by the session that migrates: processes starting together on a new database take
 * turns, and all but the first find nothing to do.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const session = await postgresClient(database.url!, { max: 1, onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S });
    try {
      await session`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migrate(drizzle(session), { migrationsFolder });
      await session`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    } finally {
      // Closing the session releases the lock too, should a migration fail.
      await session.end({ timeout: 5 });
    }
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder });
  }
}

/** Refuses to go on when the database lacks migrations this version needs (MIGRATE_ON_START=false). */
export async function checkMigrated(database: Database): Promise<void> {
  const files = readMigrationFiles({ migrationsFolder });
  let last = 0;
  try {
    const [row] = await database.query<{ created_at: string }>('select max(created_at) as created_at from drizzle.__drizzle_migrations');
    last = Number(row?.created_at ?? 0);
  } catch {
    // no migrations table: nothing applied yet
  }
  const pending = files.filter((m) => m.folderMillis > last).length;
  if (pending) {
    throw new DatabaseError(`the database lacks ${pending} of this version's ${files.length} migrations and MIGRATE_ON_START is false: run npm run db:migrate first`);
  }
}
