// Runs the command line as an admin does: its own process, its own environment, exit code and output;
// or, for the many runs a file makes after that, its in-process entry (src/cli/run.ts: what the
// process runs between reading .env and exiting), with the same environment, lines and exit code.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { format } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startPglite, type Database } from '../../db/client.ts';
import type { TestDatabase } from './db.ts';
import { BOT_TOKEN } from './signed.ts';
import { program } from './spawn.ts';
import { tempDir } from './temp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `npm run cli -- …args`, in the repository's folder: node running this run's compiled copy of the
 * current sources (spawn.ts `program`), or with `npm`, npm itself running dist/ as `npm run cli` does.
 */
export async function cli(args: string[], env: NodeJS.ProcessEnv, command: 'node' | 'npm' = 'node'): Promise<CliRun> {
  const [file, argv] = command === 'npm' ? ['npm', ['run', '-s', 'cli', '--', ...args]] : [process.execPath, [...program('src/cli/index.ts'), ...args]];
  const child = spawn(file, argv as string[], { cwd: root, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const [code] = (await once(child, 'close')) as [number];
  return { code, stdout, stderr };
}

/**
 * `npm run cli -- …args` without a process of its own: src/cli/run.ts, which the command line's
 * process runs, with `env` (and nothing of this process's but what `cli()` passes too). Its lines,
 * and anything else written to the console or to stdout/stderr while it runs (a library's warning,
 * a notice), are what the process would have printed. A command opens and closes its database as
 * in its own process (the embedded database's lock included); only node's start, about half a
 * second of CPU a command, is saved. Given `database` (the database of `env`, open), the command
 * uses it and leaves it open (src/cli/command.ts `Io.database`): a file that runs many commands
 * saves opening the embedded database each time, about a quarter of a second of CPU. What the
 * process adds (reading .env, the exit code) is `cli()`'s to test. One command at a time in a file
 * (the console is this process's).
 */
export async function cliInProcess(args: string[], env: NodeJS.ProcessEnv, database?: Database): Promise<CliRun> {
  const { runCli } = await import('../../src/cli/run.ts');
  const printed = { stdout: '', stderr: '' };
  const to = (stream: 'stdout' | 'stderr') => (...values: unknown[]) => void (printed[stream] += `${format(...values)}\n`);
  const writeTo = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const done = rest.find((r): r is () => void => typeof r === 'function');
      if (done) queueMicrotask(done);
      return true;
    }) as typeof process.stdout.write;
  const saved = { console: { ...console }, out: process.stdout.write, err: process.stderr.write };
  Object.assign(console, { log: to('stdout'), info: to('stdout'), debug: to('stdout'), warn: to('stderr'), error: to('stderr') });
  process.stdout.write = writeTo('stdout');
  process.stderr.write = writeTo('stderr');
  try {
    const code = await runCli(args, { out: (line) => console.log(line), err: (line) => console.error(line), env: { ...process.env, ...env }, database });
    return { code, ...printed };
  } finally {
    Object.assign(console, saved.console);
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

/**
 * A runner of `npm run cli -- …` against a test's database, talking to the Web API at `slackUrl`. In
 * its own process: the same PostgreSQL database, or, embedded, a copy of the database as it is when
 * the first such command runs, in a data folder of its own (the embedded database serves one
 * process). In this process (`inProcess`): the test's own database, open, on either — as a command
 * in its own process shares a PostgreSQL database with the bot.
 */
export interface CommandLine {
  (...args: string[]): Promise<CliRun>;
  /** The same command line, run in this process on the test's database (cliInProcess). */
  inProcess(...args: string[]): Promise<CliRun>;
}

export async function commandLine(t: TestDatabase, slackUrl: string): Promise<CommandLine> {
  const dir = tempDir('taskcart-cli-');
  const env: NodeJS.ProcessEnv = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slackUrl, DATA_DIR: join(dir, 'data'), DATABASE_URL: t.url ?? '' };
  // Made only for a command in its own process: copying the embedded database costs about a second of CPU.
  let copied: Promise<void> | undefined;
  const copy = async () => {
    if (t.url) return;
    const folder = await startPglite({ dataDir: env.DATA_DIR, loadDataDir: await t.dump!() });
    await folder.close();
  };
  const run = async (...args: string[]) => {
    await (copied ??= copy());
    return cli(args, env);
  };
  return Object.assign(run, { inProcess: (...args: string[]) => cliInProcess(args, env, t) });
}
