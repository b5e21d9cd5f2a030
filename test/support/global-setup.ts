// Prepares what every test file shares, once for the whole run:
// - one migrated database image, so each test file starts from it in about a second: a PGlite
//   snapshot on the embedded database (kept between runs while the migrations are the same), a
//   template database on a PostgreSQL server (DATABASE_URL); the PGlite snapshot on those runs too,
//   for the tests of the embedded database that run on both (a data folder, PGlite itself);
// - the program compiled from the current sources, which the tests' child processes run
//   (compile.ts, spawn.ts `program`);
// - a folder for the folders the tests make, removed when the run ends (temp.ts).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase, pgliteDatabase, postgresClient, startPglite } from '../../db/client.ts';
import { cacheFolder, compileProgram, digestOf } from './compile.ts';
import { adminUrl, templateName, withDb } from './db.ts';
import { makeRunFolder } from './temp.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Everything the images are made from: the migrations, the code that applies them, and this file's recipe. */
const SNAPSHOT_INPUTS = ['db/migrations', 'db/client.ts', 'package-lock.json', 'test/support/global-setup.ts'];

export default async function setup(project: TestProject) {
  const folder = makeRunFolder();
  project.provide('tempRoot', folder.root);
  // esbuild compiles in a process of its own while this one makes the snapshot. The template database
  // comes after: a run whose sources do not compile leaves none on the server.
  const [compiled, snapshot] = await Promise.all([compileProgram(ROOT), prepareSnapshot()]);
  project.provide('compiledProgram', compiled.dir);
  project.provide('pgliteSnapshot', snapshot.migrated);
  project.provide('pgliteBlank', snapshot.blank);
  const database = await prepareDatabase(project);
  // In watch mode, sources edited since: compiled again (into the same folder) before each rerun.
  project.onTestsRerun(async () => {
    await compileProgram(ROOT);
  });
  return async () => {
    await database();
    compiled.remove();
    folder.remove();
  };
}

/** On a PostgreSQL server (DATABASE_URL): a migrated template database, dropped when the run ends. */
async function prepareDatabase(project: TestProject): Promise<() => void | Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (!url) return () => {};
  const template = templateName();
  const admin = await postgresClient(adminUrl(url), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${template}`);
  await admin.unsafe(`create database ${template}`);
  const db = await openDatabase({ databaseUrl: withDb(url, template), max: 1 });
  await db.close();
  project.provide('pgTemplate', template);
  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end();
  };
}

/**
 * The images' write-ahead log in segments of 1 MB, not PostgreSQL's 16: a new folder holds one whole
 * segment, so an image is 32 MB instead of 41, and every copy of it a test writes, reads and removes
 * smaller (copying and removing cost 60 µs a page on the 2 × AMD EPYC of 2026-11-28; the run's
 * folders took 3.5 s to remove at its end). Nothing the program does depends on it; a bot's own new
 * folder (process.test.ts) keeps PostgreSQL's 16.
 */
const WAL_SEGMENT_MB = 1;

/**
 * The migrated image depends only on the migrations and the code that applies them: made once, then
 * kept in the cache for the next runs (a new migration, or a new PGlite or drizzle, makes a new one).
 * Made on a run against PostgreSQL too: its tests of the embedded database start from it, a second
 * or two of CPU each where a new database's initdb and migrations took five (and in CI the embedded
 * run before has made it). Beside it, from the same initdb, the image of a database never migrated.
 */
async function prepareSnapshot(): Promise<{ migrated: string; blank: string }> {
  const digest = digestOf(ROOT, SNAPSHOT_INPUTS);
  const migrated = join(cacheFolder(ROOT), `snapshot-${digest}.tar`);
  const blank = join(cacheFolder(ROOT), `blank-${digest}.tar`);
  if (!existsSync(migrated) || !existsSync(blank)) {
    const db = await pgliteDatabase(await startPglite({ initDbStartParams: [`--wal-segsize=${WAL_SEGMENT_MB}`] }));
    const before = await db.dump!();
    await migrateDatabase(db);
    const after = await db.dump!();
    await db.close();
    mkdirSync(dirname(migrated), { recursive: true });
    for (const old of readdirSync(dirname(migrated)).filter((f) => /^(snapshot|blank)-.*\.tar$/.test(f))) rmSync(join(dirname(migrated), old), { force: true });
    for (const [file, blob] of [[blank, before], [migrated, after]] as const) {
      // Written aside and renamed: a run started meanwhile never reads half a file.
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
      renameSync(partial, file);
    }
  }
  return { migrated, blank };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
    pgliteSnapshot: string;
    /** The same initdb as pgliteSnapshot's, never migrated. */
    pgliteBlank: string;
    /** The folder of this run's compiled program (compile.ts). */
    compiledProgram: string;
  }
}
