// Prepares what every test file shares, once for the whole run:
// - one migrated database image, so each test file starts from it in about a second: a PGlite
//   snapshot on the embedded database, a template database on a PostgreSQL server (DATABASE_URL);
// - the program compiled from the current sources, which the tests' child processes run
//   (compile.ts, spawn.ts `program`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.ts';
import { compileProgram } from './compile.ts';
import { adminUrl, templateName, withDb } from './db.ts';

export default async function setup(project: TestProject) {
  const compiled = await compileProgram(fileURLToPath(new URL('../..', import.meta.url)));
  project.provide('compiledProgram', compiled.dir);
  const database = await prepareDatabase(project);
  return async () => {
    await database();
    compiled.remove();
  };
}

async function prepareDatabase(project: TestProject): Promise<() => void | Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = templateName();
    const postgres = (await import('postgres')).default;
    const admin = postgres(adminUrl(url), { max: 1, onnotice: () => {} });
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
  const dir = mkdtempSync(join(tmpdir(), 'taskcart-'));
  const db = await openDatabase({ dataDir: 'memory://' });
  const file = join(dir, 'snapshot.tar');
  const blob = await db.dump!();
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  await db.close();
  project.provide('pgliteSnapshot', file);
  return () => rmSync(dir, { recursive: true, force: true });
}


declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
    pgliteSnapshot: string;
    /** The folder of this run's compiled program (compile.ts). */
    compiledProgram: string;
  }
}
