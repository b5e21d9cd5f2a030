// Runs one of the program's entry points (the bot, the command line, db:migrate) as its own
// process, from the current sources, with exactly the environment given: never the developer's
// `.env` (TASKCART_ENV_FILE=none unless the test says otherwise).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inject } from 'vitest';
import { startPglite } from '../../db/client.ts';
import { blankImage, snapshotImage } from './embedded.ts';
import { tempDir } from './temp.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * Node's arguments that run an entry point (`src/main.ts`, `src/cli/index.ts`, `src/migrate.ts`):
 * its compiled copy of this run (global-setup.ts compiles the sources as they are now, see
 * compile.ts), as `npm start` runs dist/; outside vitest, the sources through tsx.
 *
 * With `--liftoff-only`: V8 compiles WebAssembly (the embedded database's 9 MB Postgres, HiGHS) with
 * its baseline compiler only. A test's process lives for seconds, and optimising the functions
 * Postgres runs as it starts was half of its CPU: a bot's start 4.5 s of CPU with it, 2.2 s without
 * (2 × AMD EPYC, 2026-11-27), some twenty such processes a run. What the program does does not depend
 * on V8's compiler; the bot runs for hours and keeps the default, and `npm-start.test.ts` runs
 * `npm start` itself, flags and all.
 */
export function program(entry: string): string[] {
  let compiled: string | undefined;
  try {
    compiled = inject('compiledProgram');
  } catch {
    compiled = undefined;
  }
  return compiled ? ['--liftoff-only', '--enable-source-maps', join(compiled, entry.replace(/\.ts$/, '.js'))] : ['--import', TSX, join(ROOT, entry)];
}

export interface Running {
  child: ChildProcess;
  /** stdout, line by line (JSON log lines). */
  out: string[];
  /** stderr, line by line. */
  err: string[];
  /** The exit code (null when killed by a signal) and how long the process ran. */
  exited: Promise<{ code: number | null; ms: number }>;
  /** stdout lines parsed as JSON (lines that are not JSON are left out). */
  logs(): Array<Record<string, any>>;
}

export function runEntry(entry: string, args: string[], env: Record<string, string | undefined>, options: { cwd?: string } = {}): Running {
  const started = Date.now();
  const child = spawn(process.execPath, [...program(entry), ...args], {
    cwd: options.cwd ?? ROOT,
    env: clean({ PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', TASKCART_ENV_FILE: 'none', ...env }),
  });
  return watch(child, started);
}

// A test that fails half-way must not leave a bot running: whatever a file started and left running
// (a test that timed out waiting for it to exit) is killed when the file ends (per-file.ts), and
// whatever is still running when the test process ends. A bot left by a timed-out start-up test once
// ran on, holding a port, through the rest of the run and after it.
const running = new Set<ChildProcess>();
process.on('exit', () => stopLeftovers());

/** Kills every process a test started that is still running. */
export function stopLeftovers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Follows a child's output and exit. */
export function watch(child: ChildProcess, started = Date.now()): Running {
  running.add(child);
  child.on('exit', () => running.delete(child));
  const out: string[] = [];
  const err: string[] = [];
  const lines = (into: string[]) => {
    let rest = '';
    return (d: Buffer) => {
      const parts = (rest + d.toString()).split('\n');
      rest = parts.pop()!;
      into.push(...parts.filter(Boolean));
    };
  };
  child.stdout?.on('data', lines(out));
  child.stderr?.on('data', lines(err));
  const exited = new Promise<{ code: number | null; ms: number }>((resolve) => child.on('exit', (code) => resolve({ code, ms: Date.now() - started })));
  return {
    child,
    out,
    err,
    exited,
    logs: () =>
      out.flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, any>];
        } catch {
          return [];
        }
      }),
  };
}

function clean(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The first port the kernel hands out for port 0 and outgoing connections (Linux's ip_local_port_range). */
function ephemeralFrom(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

// Ports the tests choose themselves lie below the kernel's ephemeral range, which every listener
// opened on port 0 and every outgoing connection draw from: a port taken from that range was free
// only when it was drawn. With three workers, another file's Slack stand-in once took a port a
// start-up test meant to have nothing listening, and the bot the test expected to fail started.
// Ports to listen on and ports to leave closed come from two ranges of their own.
const CLOSED_PORTS = [10_000, 20_000] as const;
const randomIn = ([from, to]: readonly [number, number]) => from + Math.floor(Math.random() * (to - from));

/** A port nothing listens on, and nothing the tests start will come to listen on. */
export async function closedPort(): Promise<number> {
  for (;;) {
    const port = randomIn(CLOSED_PORTS);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    });
    if (refused) return port;
  }
}

/** A port free to listen on (every interface, as the bot listens) when drawn, for a process a test starts. */
export async function freePort(): Promise<number> {
  const below = Math.max(CLOSED_PORTS[1] + 1_000, Math.min(ephemeralFrom(), 65_536));
  for (;;) {
    const port = randomIn([CLOSED_PORTS[1], below]);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export async function until(check: () => boolean | Promise<boolean>, ms = 40_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let seed: Promise<string> | undefined;
/**
 * A new embedded database folder (a `DATA_DIR`) holding a migrated database, as a first run leaves
 * it: the run's migrated snapshot (global-setup.ts, on either run) written out once per test worker,
 * then copied (milliseconds) for each caller. A process migrating a new folder itself costs some five
 * seconds of CPU: a test that is about that uses an empty folder.
 */
export async function migratedDataDir(): Promise<string> {
  seed ??= (async () => {
    const dir = join(tempDir('taskcart-seed-'), 'data');
    await (await startPglite({ dataDir: dir, loadDataDir: snapshotImage() })).close();
    return dir;
  })();
  const dir = join(tempDir('taskcart-'), 'data');
  cpSync(await seed, dir, { recursive: true });
  return dir;
}

/**
 * A new embedded database folder holding a database that was never migrated, as PGlite makes one
 * (from the run's image of it: global-setup.ts). About a second of CPU, where a process making the
 * folder itself spends five on PGlite's initdb: only `process.test.ts` has a bot start on no folder at all.
 */
export async function blankDataDir(): Promise<string> {
  const dir = join(tempDir('taskcart-'), 'data');
  await (await startPglite({ dataDir: dir, loadDataDir: blankImage() })).close();
  return dir;
}
