// A test file's embedded database (db.ts `testDatabase`, runs without DATABASE_URL): PGlite started
// from the run's migrated snapshot (global-setup.ts).
//
// Starting one costs some 1.2 s of CPU on a 2-core machine (1.6–1.7 s with PostgreSQL's default 128 MB
// of buffers instead of db/client.ts's 16, 2 × AMD EPYC, 2026-11-28): reading the image (41 MB then,
// 32 since its WAL segments are 1 MB: global-setup.ts), unpacking it into PGlite's in-memory file
// system, starting Postgres. A vitest worker runs its files one after
// another in one module graph (vitest.config.ts, isolate: false), so each worker keeps the database
// a file closes and hands it to the next file put back as the snapshot left it. Put back, and proven
// so: a fingerprint of everything a file can change — schemas, relations, columns and defaults,
// constraints, indexes, functions, types, triggers, roles, the database's settings, every sequence's
// position and every table's rows — must equal the one taken when the database started, or the
// database is closed and the next file starts a new one. A file can never see another's leftovers;
// at worst it waits for a start.
import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { pgliteDatabase, startPglite } from '../../db/client.ts';
import type { TestDatabase } from './db.ts';

/** How the migrated image looked when the kept database started: what every later file gets. */
interface Image {
  fingerprint: string;
  schemas: string[];
  /** Each table (schema-qualified, quoted) with its rows as JSON, null when it has none. */
  tables: Array<{ name: string; rows: string | null }>;
  sequences: Array<{ name: string; start: string; last: string | null }>;
}

interface Kept {
  pglite: PGlite;
  image: Image;
  busy: boolean;
}

let kept: Kept | undefined;

const UNDERLYING = Symbol('the PGlite a file was lent');
/** The database a file's client reaches: the kept one after it was lent, or its own. */
export function underlying(client: PGlite): PGlite {
  return ((client as unknown as Record<symbol, PGlite | undefined>)[UNDERLYING]) ?? client;
}

export async function embeddedDatabase(): Promise<TestDatabase> {
  if (kept && !kept.busy && !kept.pglite.closed) {
    kept.busy = true;
    return lend(kept);
  }
  const pglite = await start();
  // The kept one is in use (a file with two databases at once): this one is the file's own.
  if (kept) return { ...(await pgliteDatabase(pglite)), pglite };
  kept = { pglite, image: await imageOf(pglite), busy: true };
  return lend(kept);
}

/**
 * The kept database for one file: closing it puts it back for the next. The file's client is its own
 * and closes with it (a query after that fails as on a closed database), so that nothing the file left
 * running — a timer, a job — can reach the next file's database.
 */
async function lend(k: Kept): Promise<TestDatabase> {
  let returned = false;
  const client = new Proxy(k.pglite, {
    get(real, property) {
      if (property === 'closed') return returned || real.closed;
      if (property === UNDERLYING) return real;
      const value = Reflect.get(real, property, real) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (returned ? Promise.reject(new Error('PGlite is closed')) : (value as (...a: unknown[]) => unknown).apply(real, args));
    },
  });
  return {
    ...(await pgliteDatabase(client)),
    pglite: client,
    close: async () => {
      if (returned) return;
      returned = true;
      await giveBack(k);
    },
  };
}

async function giveBack(k: Kept): Promise<void> {
  try {
    if (!k.pglite.closed) {
      await putBack(k.pglite, k.image);
      if ((await fingerprintOf(k.pglite)) === k.image.fingerprint) {
        k.busy = false;
        return;
      }
    }
  } catch {
    // Whatever the file left (a broken transaction, a closed client) that putting back cannot mend.
  }
  if (kept === k) kept = undefined;
  if (!k.pglite.closed) await k.pglite.close().catch(() => {});
}

/**
 * Node 20 reads a Blob built from a Buffer in small chunks, copying each: a third of a second for
 * the 41 MB image. This Blob hands PGlite the bytes read once (PGlite reads a data folder image
 * with `arrayBuffer()`, and a tar's type is empty, as here), not even copied: PGlite only reads
 * them, its untar copying each file into its own file system (`loadTar` in PGlite 0.5). A copy of
 * the image for each start cost 0.13–0.2 s of CPU on the 2 × AMD EPYC of 2026-11-28, where memory the
 * kernel hands out for the first time is dear; `embedded-reuse.test.ts` starts from the image after
 * other files did and finds the database as new.
 */
class ImageBytes extends Blob {
  constructor(private readonly held: Buffer) {
    super([]);
  }
  override get size(): number {
    return this.held.byteLength;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, byteLength } = this.held;
    // readFileSync gives a file this large a memory of its own; a slice only of a shared one.
    const whole = byteOffset === 0 && byteLength === buffer.byteLength;
    return Promise.resolve((whole ? buffer : buffer.slice(byteOffset, byteOffset + byteLength)) as ArrayBuffer);
  }
}

let image: Buffer | undefined;
/** The run's migrated snapshot (global-setup.ts), as PGlite's `loadDataDir`: read from disk once a worker. */
export function snapshotImage(): Blob {
  image ??= readFileSync(inject('pgliteSnapshot'));
  return new ImageBytes(image);
}

/** The run's image of a database never migrated (global-setup.ts), as PGlite's `loadDataDir`. */
export function blankImage(): Blob {
  return new ImageBytes(readFileSync(inject('pgliteBlank')));
}

async function start(): Promise<PGlite> {
  return startPglite({ loadDataDir: snapshotImage() });
}

const SYSTEM = `(nspname in ('pg_catalog', 'information_schema', 'pg_toast') or nspname like 'pg\\_temp\\_%' or nspname like 'pg\\_toast\\_temp\\_%')`;
const USER_NS = `(select oid from pg_namespace where not ${SYSTEM})`;

async function imageOf(pglite: PGlite): Promise<Image> {
  const schemas = (await pglite.query<{ name: string }>(`select nspname as name from pg_namespace where not ${SYSTEM} order by 1`)).rows.map((r) => r.name);
  const names = (await tablesOf(pglite)).map((t) => t.name);
  const tables = [];
  for (const name of names) tables.push({ name, rows: (await pglite.query<{ rows: string | null }>(`select json_agg(t)::text as rows from ${name} t`)).rows[0]!.rows });
  const sequences = (
    await pglite.query<{ name: string; start: string; last: string | null }>(
      `select format('%I.%I', schemaname, sequencename) as name, start_value::text as start, last_value::text as last from pg_sequences order by 1`,
    )
  ).rows;
  return { fingerprint: await fingerprintOf(pglite), schemas, tables, sequences };
}

async function tablesOf(pglite: PGlite): Promise<Array<{ name: string }>> {
  return (await pglite.query<{ name: string }>(`select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p') and not ${SYSTEM} order by 1`)).rows;
}

/** Everything a file could have changed, as one text: equal texts, equal databases (for what the app and tests can see). */
async function fingerprintOf(pglite: PGlite): Promise<string> {
  const catalog = await pglite.query<{ line: string }>(`
    select line from (
      select 'schema ' || nspname as line from pg_namespace where not ${SYSTEM}
      union all select format('relation %s.%s %s %s', relnamespace::regnamespace, relname, relkind, relpersistence) from pg_class where relnamespace in ${USER_NS}
      union all select format('column %s %s %s %s %s', a.attrelid::regclass, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
        from pg_attribute a join pg_class c on c.oid = a.attrelid left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where c.relnamespace in ${USER_NS} and a.attnum > 0 and not a.attisdropped
      union all select format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) from pg_constraint where connamespace in ${USER_NS}
      union all select format('index %s', pg_get_indexdef(i.indexrelid)) from pg_index i join pg_class c on c.oid = i.indexrelid where c.relnamespace in ${USER_NS}
      union all select format('view %s %s', oid::regclass, md5(pg_get_viewdef(oid))) from pg_class where relkind in ('v', 'm') and relnamespace in ${USER_NS}
      union all select format('function %s %s', oid::regprocedure, md5(prosrc)) from pg_proc where pronamespace in ${USER_NS}
      union all select format('type %s', oid::regtype) from pg_type where typnamespace in ${USER_NS}
      union all select format('trigger %s %s %s', tgrelid::regclass, tgname, tgenabled) from pg_trigger where not tgisinternal
      union all select format('policy %s %s', polrelid::regclass, polname) from pg_policy
      union all select format('extension %s %s', extname, extversion) from pg_extension
      union all select format('role %s %s %s', rolname, rolsuper, rolcanlogin) from pg_roles
      union all select format('setting %s %s %s', setdatabase, setrole, setconfig) from pg_db_role_setting
      union all select format('sequence %s.%s %s %s', schemaname, sequencename, last_value, increment_by) from pg_sequences
      union all select format('session %s=%s', name, setting) from pg_settings where source not in ('default', 'override') and name not like 'transaction\\_%'
      union all select format('prepared %s', name) from pg_prepared_statements
      union all select format('lock %s %s', locktype, objid) from pg_locks where locktype = 'advisory'
      union all select format('cursor %s', name) from pg_cursors
    ) lines order by line`);
  const rows: string[] = [];
  for (const { name } of await tablesOf(pglite)) rows.push(`rows ${name} ${(await pglite.query<{ md5: string }>(`select md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from ${name} t`)).rows[0]!.md5}`);
  return [...catalog.rows.map((r) => r.line), ...rows].join('\n');
}

/**
 * Puts the database back as the image found it: the session as new (a transaction left open ended,
 * settings, prepared statements, locks, temporary tables dropped), schemas made since dropped (pg-boss's, a
 * seed's copy), every table's rows and every sequence's position as they were. What this cannot put
 * back (a table added to a schema of the image, a role) the fingerprint shows.
 */
async function putBack(pglite: PGlite, image: Image): Promise<void> {
  // Ends a transaction the file left open; outside one, Postgres only warns.
  await pglite.exec('rollback', { onNotice: () => {} }).catch(() => {});
  await pglite.exec('discard all');
  const extra = (await pglite.query<{ name: string }>(`select format('%I', nspname) as name from pg_namespace where not ${SYSTEM} and nspname <> all($1)`, [image.schemas])).rows.map((r) => r.name);
  if (extra.length) await pglite.exec(`drop schema ${extra.join(', ')} cascade`);
  await pglite.transaction(async (tx) => {
    // Foreign keys are not checked while the rows go back: they were consistent in the image.
    await tx.exec('set local session_replication_role = replica');
    await tx.exec(`truncate ${image.tables.map((t) => t.name).join(', ')} restart identity cascade`);
    for (const t of image.tables) if (t.rows) await tx.query(`insert into ${t.name} overriding system value select * from json_populate_recordset(null::${t.name}, $1::json)`, [t.rows]);
    for (const s of image.sequences) await tx.query(s.last === null ? `select setval('${s.name}', $1, false)` : `select setval('${s.name}', $1, true)`, [s.last ?? s.start]);
  });
}
