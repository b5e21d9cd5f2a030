// The admin's command line, run as a separate process as the README says, against a test's
// database: the same PostgreSQL database, or, embedded, a copy of it in a data folder of its own
// (the embedded database serves one process).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestDatabase } from './db.ts';
import { BOT_TOKEN } from './signed.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A runner of `npm run cli -- …` against the database as it is now, talking to the Web API at `slackUrl`. */
export async function commandLine(t: TestDatabase, slackUrl: string): Promise<(...args: string[]) => Promise<CliRun>> {
  const dir = mkdtempSync(join(tmpdir(), 'taskcart-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slackUrl, DATA_DIR: join(dir, 'data') };
  if (t.url) env.DATABASE_URL = t.url;
  else {
    delete env.DATABASE_URL;
    const { PGlite } = await import('@electric-sql/pglite');
    const copy = await PGlite.create({ dataDir: env.DATA_DIR, loadDataDir: await t.dump!() });
    await copy.close();
  }
  return (...args) =>
    new Promise((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
}
