// `npm run build` and `npm start` exactly as the README says, in a copy of the repository: the bot
// is compiled JavaScript run by node, and SIGTERM to npm drains it — the request in flight is
// finished, the database closed — and leaves no process behind and the port free.
// The build (tsc's type check, some eleven seconds of CPU, and esbuild's bundle) is kept between runs,
// as the database snapshot is (global-setup.ts): the dist/ that `npm run build` made in a copy of
// exactly these files, with this TypeScript and this esbuild; any change to them makes the next run
// build again. Where no run kept one, the
// repository's own dist/ is taken if `npm run build` made it after those files last changed.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { AGENT, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN, SIGNING_SECRET, commandBody, post } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';
import { cacheFolder, digestOf, filesAt } from '../support/compile.ts';
import { freePort, migratedDataDir, ROOT, until, watch } from '../support/spawn.ts';
import { tempDir } from '../support/temp.ts';

/** What the copy of the repository holds: everything `npm run build` reads, besides node_modules. */
const COPIED = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'src', 'db', 'commands', 'views'];

/** Every file `npm run build` reads: the copied ones, the lock file, the TypeScript that checks them and the esbuild that bundles them. */
const BUILD_INPUTS = [...COPIED, 'package-lock.json', 'node_modules/typescript/package.json', 'node_modules/esbuild/package.json'];

/** When each file at these paths under the repository (a folder: every file in it) last changed. */
const changedAt = (paths: string[]) => filesAt(ROOT, paths).map((f) => statSync(join(ROOT, f)).mtimeMs);

/**
 * Runs `npm run build` in the copy, or puts there the dist/ it made of the same files: in an earlier
 * run, or the repository's own when `npm run build` made it after every file it reads last changed
 * (a fresh clone's `npm ci` builds it through `prepare`, as CI does: some twenty seconds of CPU
 * saved on a slow machine).
 */
async function build(copy: string): Promise<void> {
  const kept = join(cacheFolder(ROOT), `dist-${digestOf(ROOT, BUILD_INPUTS)}`);
  if (!existsSync(kept)) {
    const own = join(ROOT, 'dist');
    const built = existsSync(own) ? changedAt(['dist']) : [];
    if (built.length && Math.min(...built) > Math.max(...changedAt(BUILD_INPUTS))) cpSync(own, join(copy, 'dist'), { recursive: true });
    else await promisify(execFile)('npm', ['run', 'build'], { cwd: copy });
    mkdirSync(dirname(kept), { recursive: true });
    for (const old of readdirSync(dirname(kept)).filter((f) => /^dist-[0-9a-f]+$/.test(f))) rmSync(join(dirname(kept), old), { recursive: true, force: true });
    // Copied aside and renamed: a run started meanwhile never takes half a folder. Should another
    // run have kept the same build first, its copy stays.
    const partial = `${kept}.${process.pid}`;
    cpSync(join(copy, 'dist'), partial, { recursive: true });
    try {
      renameSync(partial, kept);
    } catch {
      rmSync(partial, { recursive: true, force: true });
    }
    return;
  }
  cpSync(kept, join(copy, 'dist'), { recursive: true });
}

let copy = '';
let slack: SlackStandIn;
let t: TestDatabase | undefined;

beforeAll(async () => {
  copy = tempDir('taskcart-copy-');
  for (const f of COPIED) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  await build(copy);
  slack = await new SlackStandIn().start();
  // On a PostgreSQL server the bot uses this file's database; on the embedded one, a folder of its own.
  if (process.env.DATABASE_URL) t = await testDatabase();
}, 180_000);
afterAll(async () => {
  await slack.stop();
  await t?.close();
});

/** Processes of a process group, from ps. */
async function group(pgid: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,pgid=']);
  return stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([, g]) => g === pgid)
    .map(([pid]) => pid!);
}
/** A process's children, from ps (a primary's workers). */
async function childrenOf(pid: number): Promise<number[]> {
  // By the program run, not the process's name: Node 24 names its main thread, and so the process's
  // `comm`, "MainThread".
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,ppid=,args=']);
  return stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, ppid, program]) => Number(ppid) === pid && /(^|\/)node$/.test(program ?? ''))
    .map(([p]) => Number(p));
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer()
      .once('error', () => resolve(false))
      .listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });

describe('npm start', () => {
  it('runs the compiled bot under npm; SIGTERM to npm finishes the request in flight and leaves nothing running', async () => {
    const port = await freePort();
    let database: Record<string, string>;
    if (t?.url) {
      database = { DATABASE_URL: t.url };
      await loadCenter(t.db);
    } else {
      const dir = await migratedDataDir();
      const seeded = await openDatabase({ dataDir: dir });
      await loadCenter(seeded.db);
      await seeded.close();
      database = { DATA_DIR: dir };
    }
    // Its own process group, as a terminal or a service manager would start it.
    const npm = spawn('npm', ['start'], {
      cwd: copy,
      detached: true,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', TASKCART_ENV_FILE: 'none', SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, PORT: String(port), ...database },
    });
    const run = watch(npm);
    try {
      await exercise(run, npm.pid!, port);
    } finally {
      // Should the test fail half-way, nothing it started is left running.
      if (await group(npm.pid!).then((g) => g.length > 0)) process.kill(-npm.pid!, 'SIGKILL');
      slack.reset();
    }
  }, 120_000);
});

/** Waits for the bot, checks what runs, sends a slow /cart and SIGTERM, and checks what is left. */
async function exercise(run: ReturnType<typeof watch>, npmPid: number, port: number): Promise<void> {
  await until(() => run.out.some((l) => l.includes('scheduler started')), 60_000, 'the bot to start');
  const botPid = run.logs().find((l) => l.pid)!.pid as number;
  // No wrapper between npm and the bot: npm's child is node running dist/.
  const { stdout: args } = await promisify(execFile)('ps', ['-o', 'ppid=,args=', '-p', String(botPid)]);
  expect(args.trim()).toMatch(new RegExp(`^${npmPid} node --enable-source-maps --no-memory-reducer dist/src/main\\.js$`));
  // On PostgreSQL the bot is a primary with a worker a core (WORKERS), its children in the same group,
  // each run with the primary's flags (V8's memory reducer off: README, Running in production).
  const workers = await childrenOf(botPid);
  expect(workers.length).toBe(process.env.DATABASE_URL ? availableParallelism() : 0);
  for (const worker of workers) {
    const { stdout: line } = await promisify(execFile)('ps', ['-o', 'args=', '-p', String(worker)]);
    expect(line.trim()).toMatch(/^\S*node --enable-source-maps --no-memory-reducer \S*dist\/src\/main\.js$/);
  }
  expect((await group(npmPid)).sort()).toEqual([npmPid, botPid, ...workers].sort());

  // A /cart whose message Slack takes two seconds to accept: in flight when SIGTERM comes.
  slack.on('chat.postMessage', () => new Promise((r) => setTimeout(() => r(undefined), 2000)));
  expect((await post(`http://127.0.0.1:${port}`, commandBody('/cart', AGENT, '', slack.responseUrl('cart')))).status).toBe(200);
  await until(() => slack.callsTo('chat.postMessage').length > 0, 10_000, 'the cart to be posting');
  process.kill(npmPid, 'SIGTERM');

  const { code, ms } = await run.exited;
  // Should it fail, the bot's last lines say why.
  expect(code, `npm start's last lines:\n${run.out.slice(-15).join('\n')}`).toBe(0);
  expect(ms).toBeLessThan(60_000);
  const lines = run.logs();
  const shutdownAt = Date.parse(lines.find((l) => l.msg === 'SIGTERM: shutting down')!.time);
  const stoppedAt = Date.parse([...lines].reverse().find((l) => l.msg === 'stopped')!.time);
  expect(stoppedAt - shutdownAt).toBeLessThan(10_000);
  // The request in flight was finished before the bot stopped.
  const request = lines.find((l) => l.kind === 'command');
  expect(request).toMatchObject({ what: '/cart', outcome: 'ok' });
  expect(Date.parse(request!.time)).toBeGreaterThanOrEqual(shutdownAt);
  expect(Date.parse(request!.time)).toBeLessThanOrEqual(stoppedAt);
  expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
  await until(async () => (await group(npmPid)).length === 0, 5_000, 'the process group to be empty');
  expect(alive(botPid)).toBe(false);
  for (const pid of workers) expect(alive(pid)).toBe(false);
  expect(await portFree(port)).toBe(true);
}
