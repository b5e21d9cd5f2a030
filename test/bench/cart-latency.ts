// Cart interaction latency and cost: 50 agents on 120-task carts, against the bot run as deployed
// (`src/main.ts`, its own process or processes: WORKERS), the Web API stand-in and the agents in
// this one. The carts are drawn as real teams' are (seed): four task types, 2,000 customers, titles
// in Chinese and English up to the import's 300 characters with emoji and text Slack would read as
// markup, half the agents in Chinese, a third with a day off. Two ways of clicking:
// - a burst: all 50 submit Add task at the same instant, four times over (as issue 13 measured);
//   then as many bursts of moves (a task's menu in the day window) and one of Apply, for their cost;
// - paced: each agent acts every 0.5–1.5 s, in turn Add task, a move and Apply;
// - spaced out: the same, each agent acting every 31–35 s, past the 30 s a process uses a cart it kept
//   as it is (src/services/cart-cache.ts MAX_AGE_MS): each click probes its cart before using it, as
//   the clicks of an agent on the phone, minutes apart, do. Three each, one process on each database
//   and two workers on PostgreSQL, where an agent's clicks reach either worker, each following the
//   other's changes to the carts it kept (some 100 s a run).
// Each click is sent as Slack sends it: with the whole message it was in (the cart) or the whole
// modal (the day window, the Add task modal the bot opened), tens of kilobytes a move.
// Each interaction is timed twice: the ack (Slack's HTTP request answered) and "message updated"
// (the chat.update of the agent's cart message reached Slack). CPU per interaction: the bot's
// processes (/proc of the primary and its workers) and, on PostgreSQL, the server's backends of
// the bench database (/proc of each pid pg_stat_activity names), over the measured interactions
// only, divided by their number. On the embedded database the database runs inside the bot.
// "Bot woken": how often the bot's threads went to sleep and were woken again, per interaction
// (wakesOf): a machine that charges CPU for each wake-up (index.ts wakeChargeMs) charges the bot for
// these as well as for its work.
// The last column is this process's own CPU (the agents and Slack's stand-in, which checks and
// reads every message as Slack would): on this machine it shares the cores with the bot and the
// database, so a burst's latency is theirs and its together, where real Slack runs elsewhere.
// As many more agents walk the same sequence first, all at once, 6,000 clicks unmeasured: the figures
// are of a warm bot (WARM_UP_ROUNDS).
import { request, Agent as HttpAgent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '../../db/client.ts';
import { importCsv } from '../../src/import/run.ts';
import { addDays, nextWeekStart } from '../../src/engine/index.ts';
import { MAX_AGE_MS } from '../../src/services/cart-cache.ts';
import { TITLE_MAX } from '../../src/services/forms.ts';
import { WARM_UP_AFTER_MS } from '../../src/services/solver.ts';
import { ACTIONS, INPUTS, VALUE, VIEWS } from '../../views/ids.ts';
import { BOT_TOKEN, SIGNING_SECRET, commandBody, payloadBody, signedHeaders } from '../support/signed.ts';
import { SlackStandIn, type Call } from '../support/slack-api.ts';
import { runNode, scratchFolder, stopOnInterrupt } from './scratch.ts';

// The bot runs as its own process (as deployed) and reads the real clock: seed next week.
const MONDAY = nextWeekStart(new Date(), 'Asia/Shanghai');
const DAYS = [0, 1, 2, 3, 4].map((d) => addDays(MONDAY, d));

/** A generator of numbers in [0, 1), the same ones on every run (the bench's inputs are fixed, not tuned). */
function drawer(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

/**
 * What people type into a CRM and into the Add task modal, that the bot must show as text: Chinese
 * and English words, emoji (a joined family, a flag, skin tones), and what Slack would read as markup
 * or a ping — mentions, links, *bold*, `code`, &, <, >.
 */
const PIECES = ['回访', '续保提醒', '客户满意度调查', 'Call back', 'renewal', '保单 No.', '<@U0BENCH001>', '<!channel>', '@here', '*紧急*', '_note_', '~old~', '`code`', 'A & B', '<https://example.com|点这里>', '1 < 2 > 0', '😀', '👨‍👩‍👧', '🇨🇳', '👍🏽', '"quoted"', 'a, b', '#general', '张伟', 'Zhang Wei'];

/** A title of up to `max` characters from PIECES: most of a few words, some near the limit. */
function titleOf(rnd: () => number, n: number, max: number): string {
  const long = rnd() < 0.1;
  const words = long ? 40 + Math.floor(rnd() * 40) : 1 + Math.floor(rnd() * 6);
  const parts = [String(n)];
  for (let w = 0; w < words; w++) parts.push(PIECES[Math.floor(rnd() * PIECES.length)]!);
  return [...parts.join(' ')].slice(0, max).join('').trim();
}

/** Every third agent's day off: a Tuesday, a Wednesday or a Friday in turn (the moves go from Monday to Thursday). */
const DAY_OFF = (ids: readonly string[]) => new Map(ids.flatMap((id, i) => (i % 3 === 0 ? [[id, DAYS[[1, 2, 4][(i / 3) % 3]!]!] as const] : [])));

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Carts as real teams' are, not as a bench would like them: `tasks` each, of four task types, each
 * for one of 2,000 customers named in Chinese and English, a tenth of high priority, with titles of up
 * to 300 characters (titleOf); every other agent reads Slack in Chinese; a third have a day off on
 * the Tuesday, Wednesday or Friday, so their carts show days flagged with suggestions to apply.
 * Monday holds some 36 tasks each: the moves go from Monday to Thursday.
 */
async function seed(db: Database, agents: number, tasks: number): Promise<string[]> {
  const ids = Array.from({ length: agents }, (_, i) => `U0BENCH${String(i).padStart(3, '0')}`);
  await db.exec('truncate request_keys, cart_events, tasks, cart_items, carts, system_tasks, recommendations, customers, time_off, people, teams restart identity cascade');
  await importCsv(db.db, 'teams', 'team,timezone\nBench,Asia/Shanghai\n');
  await importCsv(db.db, 'people', ['slack_user_id,name,team,role', ...ids.map((id, i) => `${id},${csvField(i % 2 ? `坐席 ${id} <b>` : `Agent ${id} & co`)},Bench,agent`)].join('\n'));
  // Their Slack language is known (as after their first day): no users.info on the way.
  await db.exec(`update people set locale = case when right(slack_user_id, 1)::int % 2 = 1 then 'zh-CN' else 'en-US' end, locale_checked_at = now() + interval '30 days'`);
  const rnd = drawer(7);
  const customers = ['customer_id,name,owner'];
  for (let c = 0; c < 2000; c++) customers.push(`C${c},${csvField(c % 3 ? `客户${c}号 <@U0BENCH002> ${'有限公司'.repeat(c % 4)}` : `Customer ${c} & Sons, *Ltd*`)},${ids[c % agents]}`);
  await importCsv(db.db, 'customers', customers.join('\n'));
  const timeOff = ['slack_user_id,team,from,to,reason'];
  for (const [id, day] of DAY_OFF(ids)) timeOff.push(`${id},,${day},${day},${csvField('年假 <!here> leave')}`);
  await importCsv(db.db, 'time-off', timeOff.join('\n'));
  const types = ['follow_up', 'renewal_call', 'cross_sell', 'satisfaction_survey'];
  const rows = ['external_id,agent,type,title,date,customer_id,effort_minutes,priority'];
  for (const id of ids) {
    for (let n = 0; n < tasks; n++) {
      const r = rnd();
      const day = r < 0.3 ? 0 : r < 0.5 ? 1 : r < 0.7 ? 2 : r < 0.85 ? 3 : 4;
      rows.push(`${id}-${n},${id},${types[Math.floor(rnd() * types.length)]},${csvField(titleOf(rnd, n, 300))},${DAYS[day]},C${Math.floor(rnd() * 2000)},${5 + Math.floor(rnd() * 16)},${rnd() < 0.1 ? 'high' : 'normal'}`);
    }
  }
  const r = await importCsv(db.db, 'tasks', rows.join('\n'));
  if (r.errors.length) throw new Error(JSON.stringify(r.errors[0]));
  return ids;
}

export interface LatencyOpts {
  databaseUrl?: string;
  agents: number;
  tasks: number;
  /** Bursts of Add task (each: every agent at once). */
  bursts: number;
  /** Paced: interactions per agent. */
  actions: number;
  /** Also the clicks spaced out past the cart's keeping (some 100 s a run, three runs; not with --quick). */
  spacedOut?: boolean;
}

type Target = { database: 'embedded' | 'postgres'; workers: number };
/** The advisory lock a row holds on its PostgreSQL database while it runs (any number no other lock of the program uses). */
const BENCH_LOCK = 7_318_042;
type Mode = 'burst' | 'paced' | 'spaced';
/** node's flags in `npm start` (package.json), which the bot runs with here too. */
const START_FLAGS = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start.match(/\bnode((?: --[\w-]+)*) /)![1]!.trim().split(' ').filter(Boolean);
/** Paced and spaced out: how long an agent waits before each click (from + up to spread ms), and how many clicks each makes. */
type Pacing = { fromMs: number; spreadMs: number; actions: number };
const pacing = (mode: 'paced' | 'spaced', opts: LatencyOpts): Pacing =>
  mode === 'paced' ? { fromMs: 500, spreadMs: 1_000, actions: opts.actions } : { fromMs: MAX_AGE_MS + 1_000, spreadMs: 4_000, actions: 3 };
/** Spaced out: how long the bot's idle CPU is measured before the clicks (/proc counts in 10 ms steps). */
const IDLE_MS = 30_000;
type Kind = 'add' | 'move' | 'apply';

interface Row {
  label: string;
  count: number;
  ack: number[];
  updated: number[];
  botCpu: number | null;
  /** How often the bot's threads were woken, per interaction (wakesOf). */
  botWakes: number | null;
  dbCpu: number | null;
  /** This process: the agents' clicks and Slack's stand-in, on the same cores as the bot. */
  harnessCpu: number;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const f1 = (n: number | null) => (n === null || Number.isNaN(n) ? '–' : n.toFixed(1));

function printRows(rows: Row[]): void {
  console.log('| run | interactions | ack p50 / p95 / p99 ms | message updated p50 / p95 / p99 ms | bot CPU ms per interaction | bot woken per interaction | database CPU ms per interaction | bench and Slack stand-in CPU ms per interaction |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const three = (xs: number[]) => `${f1(pct(xs, 50))} / ${f1(pct(xs, 95))} / ${f1(pct(xs, 99))}`;
    console.log(`| ${r.label} | ${r.count} | ${three(r.ack)} | ${three(r.updated)} | ${f1(r.botCpu)} | ${f1(r.botWakes)} | ${r.dbCpu === null ? 'in the bot' : f1(r.dbCpu)} | ${f1(r.harnessCpu)} |`);
  }
}

/**
 * Prints a table per way of clicking, a row per database and number of processes. Each row is
 * measured by a fresh process of this file, so that no run inherits another's memory or leftovers.
 */
export async function benchCartLatency(opts: LatencyOpts): Promise<void> {
  const targets: Target[] = [
    { database: 'embedded', workers: 1 },
    ...(opts.databaseUrl ? [{ database: 'postgres' as const, workers: 1 }, { database: 'postgres' as const, workers: 2 }] : []),
  ];
  for (const mode of ['burst', 'paced', ...(opts.spacedOut ? (['spaced'] as const) : [])] as const) {
    const every = (p: Pacing) => `each acting every ${p.fromMs / 1000}–${(p.fromMs + p.spreadMs) / 1000} s (${p.actions} each: Add task, a move, Apply in turn)`;
    console.log(
      mode === 'burst'
        ? `\n### Burst: ${opts.agents} agents submit Add task at the same instant on ${opts.tasks}-task carts (${opts.bursts} times); then ${opts.bursts} bursts of ${opts.agents} moves, and ${opts.agents} Apply at once`
        : mode === 'paced'
          ? `\n### Paced: ${opts.agents} agents on ${opts.tasks}-task carts, ${every(pacing(mode, opts))}`
          : `\n### Spaced out: ${opts.agents} agents on ${opts.tasks}-task carts, ${every(pacing(mode, opts))}, past the ${MAX_AGE_MS / 1000} s a process uses a cart it kept as it is: each click probes its cart first, as an agent's clicks minutes apart do`,
    );
    const rows: Row[] = [];
    for (const target of targets) {
      const run = await runNode(['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify({ opts, mode, target })], { keepStdout: true });
      if (run.status !== 0) throw new Error(`bench: the ${target.database} run failed`);
      rows.push(...(JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Row[]));
    }
    printRows(rows);
  }
}

/**
 * A file where a row writes a day window and a cart message as the bot drew them for the bench's carts
 * (the largest day window seen), once: the floor (bolt-floor.ts) sends the same in its own move.
 */
export const DRAWN_ENV = 'BENCH_DRAWN';

/**
 * Agents that walk the sequence first, unmeasured, so the bot is measured warm, as it runs for
 * hours: as many as are measured, all at once, each making WARM_UP_ROUNDS rounds of Add task, a
 * move and Apply (6,000 clicks with 50 agents). V8 optimises a function once it has run often
 * enough, and a function a click calls once (Bolt's processEvent, the cart message's rendering)
 * gets there after hundreds of clicks; some only under load, as in a burst (the HTTP agent's queue
 * of requests waiting for a socket). Measured with `perf record` on the bot (2 × Intel Xeon,
 * 2026-11-29, one process, bursts of 50 Add task): after 600 clicks of warm-up by 10 agents (this
 * bench until then) V8's optimising compiler was 31–34% of the bot's CPU in the measured window,
 * after 6,000 of them 16–18%, and after 6,000 in bursts of 50 as here 7–8%. Before that, after 60
 * clicks (2026-11-27) it was 17–41% of a paced run. BENCH_WARM_UP_ROUNDS sets the rounds, to
 * measure a bot less warm.
 */
export const WARM_UP_ROUNDS = Number(process.env.BENCH_WARM_UP_ROUNDS ?? 40);

/**
 * Slack's requests, signed, over kept-alive connections (cheaper for this process than fetch), as a
 * load balancer in front of the bot sends them; with BENCH_CONNECTIONS=new, each on a connection of
 * its own, as a proxy that keeps none does.
 */
export function poster(baseUrl: string) {
  const agent = new HttpAgent({ keepAlive: process.env.BENCH_CONNECTIONS !== 'new', maxSockets: 256 });
  const url = new URL('/slack/events', baseUrl);
  const once = (body: string) =>
    new Promise<string>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { ...signedHeaders(body), 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`bench: HTTP ${res.statusCode} ${text}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  // A kept-alive connection the server closes as it is reused (idle past the bot's keep-alive of
  // 65 s, as after a long wait for the solver's warm-up on a slow machine): the request never reached
  // it, send it again. The next one taken from the pool may be closing too: once was not always
  // enough (a run on a fresh database, when the keep-alive was 5 s, ended in "socket hang up").
  const reset = (e: { code?: string }) => e.code === 'ECONNRESET';
  return async (body: string) => {
    for (let tries = 1; ; tries++) {
      try {
        return await once(body);
      } catch (e) {
        if (!reset(e as { code?: string }) || tries === 4) throw e;
      }
    }
  };
}

/** CPU milliseconds (user + system) of a process, from /proc; 0 when it is gone. */
export function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * How often a process's threads went to sleep, each to be woken again: the voluntary context switches
 * of its threads, from /proc; 0 when it is gone. On the virtual machine this bench ran on last, each
 * wake-up costs far more CPU than elsewhere — the pages a process touches after a sleep are slow to
 * reach again (`wakeChargeMs` in index.ts) — so a click's CPU depends on how many times it woke the
 * bot as well as on its work.
 */
export function wakesOf(pid: number): number {
  let n = 0;
  try {
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      const status = readFileSync(`/proc/${pid}/task/${thread}/status`, 'utf8');
      n += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    }
  } catch {
    // gone meanwhile
  }
  return n;
}

/** The process and its children (cluster workers), by /proc. */
function treeOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const all: number[] = [];
  const walk = (pid: number) => {
    all.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return all;
}

/** A reading of each process (its CPU unless `of` says otherwise), by pid, so that one that appears later counts from zero. */
const byPid = (pids: number[], of: (pid: number) => number = cpuOf) => new Map(pids.map((p) => [p, of(p)]));
const spent = (before: Map<number, number>, after: Map<number, number>) => [...after].reduce((s, [pid, ms]) => s + ms - (before.get(pid) ?? 0), 0);

type Blocks = Array<Record<string, any>>;
/** A modal as the bot sent it (views.open / views.update). */
type View = { blocks: Blocks; private_metadata?: string; callback_id?: string; title?: unknown; submit?: unknown; close?: unknown };

interface Seen {
  cart?: { id: number; version: number; blocks: Blocks };
  /** The Monday task ids the day window offers to move, and where. */
  moves: string[];
  /** The agent's day window: its id, as Slack answered its views.open. */
  dayView?: string;
  /** That views.open, answered once Slack has answered it. */
  dayOpened?: Call;
  /** The day window as the bot last showed it: a click in it carries it (Slack sends the whole view). */
  day?: View;
  /** The Add task modal as the bot opened it: a submission carries it, its blocks and all. */
  add?: View;
  wait?: { after: number; resolve: (at: number) => void; kinds: Set<string>; unchanged?: Unchanged };
}

/** An interaction's times from the moment it was sent (updated NaN: no message update). */
interface Timed {
  ack: number;
  updated: number;
  /** A move answered in the day window with nothing to move: no message update to wait for. */
  unchanged?: true;
}

/** A move's day window and the version its click carried; `answered` once the bot showed it with that version (nothing moved). */
interface Unchanged {
  view: string;
  version: number;
  answered?: boolean;
}

async function measure(opts: LatencyOpts, mode: Mode, target: Target): Promise<Row[]> {
  const scratch = scratchFolder('taskcart-bench-');
  const dataDir = join(scratch.path, 'data');
  const postgres = target.database === 'postgres';
  // One row at a time on a PostgreSQL database: a second row's seed would empty the first's carts
  // under it (every click of that row then goes unanswered). The lock lives with this connection.
  const monitor = postgres ? await openDatabase({ databaseUrl: opts.databaseUrl, migrate: false, max: 1 }) : null;
  if (monitor && !(await monitor.query<{ ok: boolean }>(`select pg_try_advisory_lock(${BENCH_LOCK}) as ok`))[0]!.ok) {
    await monitor.close();
    throw new Error('another bench row is running on this database: wait for it to end, or give this one a database of its own (DATABASE_URL)');
  }
  const database = postgres ? await openDatabase({ databaseUrl: opts.databaseUrl }) : await openDatabase({ dataDir });
  // The measured agents, then as many who warm the bot up.
  const ids = await seed(database, opts.agents * 2, opts.tasks);
  // Settle the database before measuring: fresh statistics, and no checkpoint of the seed during the run.
  await database.exec('vacuum analyze');
  if (postgres) await database.exec('checkpoint');
  await database.close();
  const dbPids = async () =>
    monitor ? (await monitor.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).map((r) => r.pid) : [];

  const slack = await new SlackStandIn().start();
  const port = 3900 + Math.floor(Math.random() * 90);
  // The compiled program, as `npm start` runs it, with its flags (START_FLAGS; the bench builds it
  // first): no loader in the way.
  // BOT_PROF=dir: the bot runs under V8's profiler (a sample every 0.1 ms), its profile written there.
  // BOT_FLAGS: flags for node before the program's, to try one (e.g. a V8 heap setting).
  // BOT_OUT=file: the bot's log lines written there at the end (each request with its pid: how a
  // burst was shared between the processes); BOT_LOG_LEVEL=debug adds, with WORKERS, each change a
  // worker followed or dropped. BENCH_BY_PID=1 prints, on stderr, each process's CPU over 6 s at rest
  // before the measured window and over each measured set (the primary first). BENCH_WINDOW=1 prints
  // each measured set's window on the monotonic clock (µs), as BOT_PROF does, to cut a
  // `perf record -k mono -p <bot's pid>` to it (`perf report --time <from s>,<to s>`).
  const bot = spawn(process.execPath, [...(process.env.BOT_PROF ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', process.env.BOT_PROF] : []), ...START_FLAGS, ...(process.env.BOT_FLAGS ? process.env.BOT_FLAGS.split(' ') : []), 'dist/src/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      TASKCART_ENV_FILE: 'none',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      PORT: String(port),
      LOG_LEVEL: process.env.BOT_LOG_LEVEL ?? 'info',
      WORKERS: String(target.workers),
      ...(postgres ? { DATABASE_URL: opts.databaseUrl! } : { DATA_DIR: dataDir }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const forgetBot = stopOnInterrupt(bot);
  let out = '';
  bot.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => (out.match(/listening on/g) ?? []).length >= target.workers, 90_000);
  const post = poster(`http://127.0.0.1:${port}`);
  const label = `${postgres ? 'PostgreSQL 15' : 'embedded (PGlite)'}, ${target.workers === 1 ? '1 process' : `WORKERS=${target.workers}`}`;
  try {
    const channelOf = (id: string) => `D${id.slice(1)}`;
    const seen = new Map<string, Seen>(ids.map((id) => [id, { moves: [] }]));
    const owner = new Map<string, string>(ids.flatMap((id) => [[id, id], [channelOf(id), id]]));
    slack.onCall = (c: Call) => {
      // views.open names no one: it is the modal the one agent waiting for it asked for; views.update names the view.
      const id =
        c.method === 'views.open'
          ? [...seen].find(([, x]) => x.wait?.kinds.has('views.open'))?.[0]
          : c.method === 'views.update'
            ? [...seen].find(([, x]) => x.dayView !== undefined && x.dayView === c.args.view_id)?.[0]
            : owner.get(String(c.args.channel ?? c.args.user_id ?? c.args.users ?? ''));
      const s = id && seen.get(id);
      if (!s) return;
      const blocks = c.args.blocks as Blocks | undefined;
      if ((c.method === 'chat.update' || c.method === 'chat.postMessage') && Array.isArray(blocks) && blocks.length > 1) {
        const ref = elements(blocks).find((e) => e.action_id === ACTIONS.addTask || e.action_id === ACTIONS.reopen)?.value as string | undefined;
        const [cartId, version] = (ref ?? '0:0').split(':').map(Number);
        s.cart = { id: cartId!, version: version!, blocks };
      }
      const view = c.args.view as View | undefined;
      if (c.method === 'views.open' && view?.callback_id === VIEWS.addTask) s.add = view;
      if (c.method === 'views.open' && view?.callback_id === VIEWS.day) {
        s.day = view;
        s.dayOpened = c;
        // Which of Monday's tasks the day window offers to move to Thursday.
        s.moves = view.blocks.flatMap((b) => (b.accessory?.options ?? []) as Array<{ value: string }>).map((o) => o.value).filter((v) => v.startsWith('m:') && v.endsWith(DAYS[3]!));
      }
      if (c.method === 'views.update' && view?.callback_id === VIEWS.day) s.day = view;
      // A move the bot answered in the day window without changing the cart (the version the click
      // carried): an Apply had moved that task already ("Nothing to move"). Done, not waited for.
      const unchanged = s.wait?.unchanged;
      if (unchanged && c.method === 'views.update' && c.args.view_id === unchanged.view && Number(view?.private_metadata?.split(':')[1]) === unchanged.version) {
        const w = s.wait!;
        delete s.wait;
        unchanged.answered = true;
        w.resolve(NaN);
      }
      if (s.wait && s.wait.kinds.has(c.method) && c.at >= s.wait.after) {
        const w = s.wait;
        delete s.wait;
        w.resolve(c.at);
      }
    };
    /**
     * When the agent's next call of these kinds reaches Slack; NaN when none came within 20 s (counted
     * as missed), or at once when the day window `unchanged` was answered with the cart unchanged.
     */
    const nextCall = (id: string, kinds: string[], warmingUp = false, unchanged?: Unchanged) =>
      new Promise<number>((resolve) => {
        const timer = setTimeout(
          () => {
            delete seen.get(id)!.wait;
            if (!warmingUp) missed += 1;
            resolve(NaN);
          },
          warmingUp ? 3_000 : 20_000,
        );
        seen.get(id)!.wait = { after: performance.now(), resolve: (at) => (clearTimeout(timer), resolve(at)), kinds: new Set(kinds), ...(unchanged && { unchanged }) };
      });
    let missed = 0;
    let nothingToMove = 0;
    const missedWhat: string[] = [];

    let unique = 0;
    // What agents type as a new task's title (titleOf), the same on every run.
    const typed = drawer(13);
    const dayOff = DAY_OFF(ids);
    const base = (id: string, extra: Record<string, unknown>) => ({
      user: { id, username: id.toLowerCase(), team_id: 'T0DEMO' },
      api_app_id: 'A0TASKCART',
      token: 'legacy',
      team: { id: 'T0DEMO', domain: 'demo' },
      trigger_id: `trigger.${++unique}`,
      ...extra,
    });
    // As Slack sends a click: with the whole message it was in (the cart, up to 50 blocks), or the
    // whole modal (the day window, up to 100 blocks) and its state. Parsing them is part of a click's cost.
    const click = (id: string, actionId: string, value: string, view?: Record<string, unknown>) =>
      payloadBody(
        base(id, {
          type: 'block_actions',
          ...(view
            ? { container: { type: 'view', view_id: view.id }, view }
            : {
                container: { type: 'message', message_ts: '1', channel_id: channelOf(id), is_ephemeral: false },
                channel: { id: channelOf(id), name: 'directmessage' },
                message: { type: 'message', user: 'U0BOT', bot_id: 'B0BOT', ts: '1', text: 'Your task cart', blocks: seen.get(id)!.cart?.blocks ?? [] },
                state: { values: {} },
                response_url: slack.responseUrl(id),
              }),
          actions: [{ type: view ? 'static_select' : 'button', action_id: actionId, block_id: 'b', value, ...(view ? { selected_option: { text: { type: 'plain_text', text: 'x' }, value } } : {}), action_ts: `${Math.floor(Date.now() / 1000)}.${String(++unique).padStart(6, '0')}` }],
        }),
      );
    const sel = (value: string) => ({ type: 'static_select', selected_option: { value } });
    const txt = (value: string) => ({ type: 'plain_text_input', value });

    /** The body of one interaction of this kind by this agent (null: nothing to do it on). */
    const bodyOf = (id: string, kind: Kind): string | null => {
      const s = seen.get(id)!;
      const cart = s.cart!;
      if (kind === 'add') {
        // Any day of the week but the agent's day off (the modal would say so under the field).
        const workDays = DAYS.filter((d) => d !== dayOff.get(id));
        const values = {
          [INPUTS.title]: { [VALUE]: txt(titleOf(typed, unique, TITLE_MAX)) },
          [INPUTS.customer]: { [ACTIONS.customerSearch]: { type: 'external_select', selected_option: null } },
          [INPUTS.type]: { [VALUE]: sel('custom') },
          [INPUTS.day]: { [VALUE]: sel(workDays[unique % workDays.length]!) },
          [INPUTS.effort]: { [VALUE]: txt('10') },
          [INPUTS.priority]: { [VALUE]: sel('normal') },
          [INPUTS.notes]: { [VALUE]: txt('') },
        };
        // Each submission is a modal of its own (Slack gives each a view id and hash), sent whole: the
        // blocks of the Add task modal the bot opened for this agent, and the values typed in it.
        const add = s.add!;
        return payloadBody(base(id, { type: 'view_submission', view: { ...add, id: `V${++unique}`, hash: `h${unique}`, type: 'modal', state: { values } }, response_urls: [] }));
      }
      if (kind === 'move') {
        const value = s.moves.shift();
        if (!value) return null;
        // The agent's day window as Slack shows it now (its hash, which the bot's update sends back), on
        // the cart's current version: an Apply in between moved tasks without showing them there.
        return click(id, ACTIONS.dayTaskMenu, value, { ...s.day!, id: s.dayView, hash: slack.viewOf(s.dayView!)!.hash, type: 'modal', callback_id: VIEWS.day, private_metadata: `${cart.id}:${cart.version}:${DAYS[0]}:0`, state: { values: {} } });
      }
      const apply = elements(cart.blocks).find((e) => e.action_id === ACTIONS.applySuggestion);
      return apply ? click(id, ACTIONS.applySuggestion, apply.value as string) : null;
    };

    /** One interaction: ack and message-updated times from the moment it is sent; `unchanged` when a move found nothing to move. */
    const interact = async (id: string, kind: Kind, warmingUp = false): Promise<Timed | null> => {
      const body = bodyOf(id, kind) ?? (kind === 'add' ? null : bodyOf(id, 'add'));
      if (!body) return null;
      const s = seen.get(id)!;
      const moving: Unchanged | undefined = kind === 'move' && body.includes(ACTIONS.dayTaskMenu) ? { view: s.dayView!, version: s.cart!.version } : undefined;
      const updated = nextCall(id, ['chat.update'], warmingUp, moving);
      const t0 = performance.now();
      const sentAt = slack.calls.length;
      const view = moving?.view;
      updated.then((at) => {
        if (!Number.isNaN(at) || warmingUp || moving?.answered) return;
        const answered = slack.calls.slice(sentAt).filter((c) => owner.get(String(c.args.channel ?? c.args.user_id ?? '')) === id || (view && c.args.view_id === view));
        // What the day window said instead (a notice is its first context line).
        const said = answered.map((c) => JSON.stringify((c.args.view as { blocks?: unknown[] } | undefined)?.blocks?.find((b) => (b as { type: string }).type === 'context') ?? '').match(/"text":"([^"]{0,80})/)?.[1]);
        missedWhat.push(`${kind} answered with ${answered.map((c, i) => `${c.method}${said[i] ? ` "${said[i]}"` : ''}`).join(', ') || 'nothing'}`);
      }, () => {});
      await post(body);
      const ack = performance.now() - t0;
      const at = await updated;
      if (moving?.answered && !warmingUp) nothingToMove += 1;
      return { ack, updated: at - t0, ...(moving?.answered && { unchanged: true }) };
    };

    /** Each agent opens their cart (`/cart`), then their Monday (the day window: tasks to move). Not measured. */
    const prepare = async (group: string[]) => {
      await Promise.all(
        group.map(async (id) => {
          const posted = nextCall(id, ['chat.postMessage']);
          await post(commandBody('/cart', id, '', slack.responseUrl(id)));
          await posted;
        }),
      );
      for (const id of group) {
        const s = seen.get(id)!;
        const opened = nextCall(id, ['views.open']);
        await post(click(id, ACTIONS.openDay, `${s.cart!.id}:${s.cart!.version}:${DAYS[0]}`));
        await opened;
        await waitFor(() => s.dayOpened?.result !== undefined);
        s.dayView = (s.dayOpened!.result as { view: { id: string } }).view.id;
        // The Add task modal, once: each submission sends it back with its values.
        const addOpened = nextCall(id, ['views.open']);
        await post(click(id, ACTIONS.addTask, elements(s.cart!.blocks).find((e) => e.action_id === ACTIONS.addTask)!.value as string));
        await addOpened;
      }
    };

    const meter = { bot: async () => byPid(treeOf(bot.pid!)), db: async () => byPid(await dbPids()) };
    /** The bot's CPU and wake-ups, its processes listed once. */
    const botNow = () => {
      const pids = treeOf(bot.pid!);
      return [byPid(pids), byPid(pids, wakesOf)] as const;
    };
    /** Runs `work`, returning the CPU the bot and the database spent on it, and how often the bot's threads were woken. */
    const costed = async <R,>(work: () => Promise<R>): Promise<{ result: R; bot: number; db: number | null; harness: number; wakes: number }> => {
      const [[b0, w0], d0] = [botNow(), await meter.db()];
      const from = process.hrtime.bigint() / 1000n;
      const h0 = process.cpuUsage();
      const result = await work();
      const h = process.cpuUsage(h0);
      // With BOT_PROF or BENCH_WINDOW: the measured window on the monotonic clock (µs), to cut the bot's profile to it.
      if (process.env.BOT_PROF || process.env.BENCH_WINDOW) console.error(`measured window µs ${from} ${process.hrtime.bigint() / 1000n}`);
      const [[b1, w1], d1] = [botNow(), await meter.db()];
      if (process.env.BENCH_BY_PID) console.error(`bot CPU ms by pid: ${[...b1].map(([pid, ms]) => `${pid} ${(ms - (b0.get(pid) ?? 0)).toFixed(0)}`).join(', ')}`);
      return { result, bot: spent(b0, b1), db: postgres ? spent(d0, d1) : null, harness: (h.user + h.system) / 1000, wakes: spent(w0, w1) };
    };
    const row = (what: string, results: Array<Timed | null>, cost: { bot: number; db: number | null; harness: number; wakes: number }): Row => {
      const done = results.filter((r): r is Timed => r !== null && !Number.isNaN(r.updated));
      // The CPU is of every interaction answered, moves that found nothing to move among them.
      const answered = done.length + results.filter((r) => r?.unchanged).length;
      return { label: `${label}: ${what}`, count: done.length, ack: done.map((r) => r.ack), updated: done.map((r) => r.updated), botCpu: cost.bot / answered, botWakes: cost.wakes / answered, dbCpu: cost.db === null ? null : cost.db / answered, harnessCpu: cost.harness / answered };
    };

    const warmUp = ids.slice(opts.agents);
    const agents = ids.slice(0, opts.agents);
    await prepare(warmUp);
    for (let round = 0; round < WARM_UP_ROUNDS; round++) for (const kind of ['add', 'move', 'apply'] as const) await Promise.all(warmUp.map((id) => interact(id, kind, true)));
    await prepare(agents);
    // Measured at rest: once every process has logged the end of its solver's warm-up (a second or
    // two of CPU, ten seconds after its scheduler has started, which on a slow machine is well after
    // it listens: waiting ten seconds from "listening" let the warm-up land inside the measured
    // window, at 20–30 ms of bot CPU a click), and once the bot's CPU is quiet (V8 goes on
    // optimising the solver's WebAssembly on its own threads for a while after).
    const warmedUp = () => (out.match(/auto-balance: (?:HiGHS warmed up|the warm-up failed)/g) ?? []).length >= target.workers || /HiGHS did not load/.test(out);
    await waitFor(warmedUp, WARM_UP_AFTER_MS + 60_000);
    for (let quiet = false, tries = 0; !quiet && tries < 20; tries++) {
      const before = await meter.bot();
      await new Promise((r) => setTimeout(r, 500));
      quiet = spent(before, await meter.bot()) <= 20;
    }

    if (process.env.BENCH_BY_PID) {
      const before = await meter.bot();
      await new Promise((r) => setTimeout(r, 6000));
      const after = await meter.bot();
      console.error(`idle 6 s, bot CPU ms by pid: ${[...after].map(([pid, ms]) => `${pid} ${(ms - (before.get(pid) ?? 0)).toFixed(0)}`).join(', ')}`);
    }
    const rows: Row[] = [];
    if (mode === 'burst') {
      // Bursts of one kind: every agent at once, `times` over, 300 ms apart.
      const bursts = (kind: Kind, times: number) =>
        costed(async () => {
          const all = [];
          for (let b = 0; b < times; b++) {
            all.push(...(await Promise.all(agents.map((id) => interact(id, kind)))));
            await new Promise((r) => setTimeout(r, 300));
          }
          return all;
        });
      const adds = await bursts('add', opts.bursts);
      rows.push(row('Add task', adds.result, adds));
      // As many moves (each agent has some 36 Monday tasks to move); one burst of Apply, after which
      // most carts have no suggestion left to apply.
      const moves = await bursts('move', opts.bursts);
      rows.push(row('move a task', moves.result, moves));
      const applies = await bursts('apply', 1);
      rows.push(row('Apply', applies.result, applies));
    } else {
      const kinds: Kind[] = ['add', 'move', 'apply'];
      const pace = pacing(mode, opts);
      // Spread over some 100 s, the clicks share the bot's CPU with what it spends idle (its job
      // queue's polls, timers): measured for IDLE_MS first, at that rate, and left out of the clicks'.
      const idle = mode === 'spaced' ? await costed(() => new Promise((r) => setTimeout(r, IDLE_MS))) : null;
      const startedAt = performance.now();
      const paced = await costed(() =>
        Promise.all(
          agents.map(async (id) => {
            const mine = [];
            for (let k = 0; k < pace.actions; k++) {
              await new Promise((r) => setTimeout(r, pace.fromMs + Math.random() * pace.spreadMs));
              mine.push(await interact(id, kinds[k % kinds.length]!));
            }
            return mine;
          }),
        ),
      );
      const share = idle ? (performance.now() - startedAt) / IDLE_MS : 0;
      const less = (busy: number, still: number | null | undefined) => Math.max(0, busy - (still ?? 0) * share);
      if (idle) console.error(`  (${label}, spaced out: idle, the bot spent ${f1(idle.bot / (IDLE_MS / 1000))} ms of CPU a second${postgres ? ` and the database ${f1(idle.db! / (IDLE_MS / 1000))}` : ''}, left out of the clicks' figures)`);
      rows.push(row('Add task, move, Apply', paced.result.flat(), { bot: less(paced.bot, idle?.bot), db: paced.db === null ? null : less(paced.db, idle?.db), harness: paced.harness, wakes: less(paced.wakes, idle?.wakes) }));
      // Which kind of click the paced row's tail is made of (on stderr: the table keeps one row).
      const updated = (kind: Kind) => paced.result.flatMap((mine) => mine.filter((r, k): r is Timed => kinds[k % kinds.length] === kind && r !== null && !Number.isNaN(r.updated)).map((r) => r.updated));
      console.error(`  (${label}, ${mode === 'spaced' ? 'spaced out' : 'paced'}, message updated p50 / p95 ms by kind: ${kinds.map((k) => `${k} ${f1(pct(updated(k), 50))} / ${f1(pct(updated(k), 95))}`).join(', ')})`);
    }
    if (missed) console.error(`  (${label}: ${missed} interaction(s) got no message update within 20 s [${missedWhat.join('; ')}]; the bot logged: ${out.split('\n').filter((l) => /"level":"(warn|error)"/.test(l)).slice(0, 3).join(' ')})`);
    if (nothingToMove) console.error(`  (${label}: ${nothingToMove} move(s) found the task already moved, by an Apply before it: answered in the day window, without a message update)`);
    if (slack.violations.length) console.error(`  (limit violations: ${slack.violations.length}: ${slack.violations[0]})`);
    // The floor's move (bolt-floor.ts) sends what the bot drew: the largest day window and its cart message.
    const drawn = process.env[DRAWN_ENV];
    if (drawn && !existsSync(drawn)) {
      const largest = [...seen.values()].filter((s) => s.day && s.cart).sort((a, b) => JSON.stringify(b.day).length - JSON.stringify(a.day).length)[0];
      if (largest) writeFileSync(drawn, JSON.stringify({ view: largest.day, message: largest.cart!.blocks }));
    }
    return rows;
  } finally {
    if (process.env.BOT_OUT) writeFileSync(process.env.BOT_OUT, out);
    bot.kill('SIGTERM');
    await new Promise((r) => bot.on('exit', r));
    forgetBot();
    await slack.stop();
    await monitor?.close();
    // The embedded run's data folder (some 60 MB): the bot has stopped with it.
    scratch.remove();
  }
}

function elements(blocks: Array<Record<string, any>>): Array<Record<string, any>> {
  return blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]);
}

async function waitFor(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('bench: timed out waiting for the bot');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Run as a script: one database's rows, in this fresh process, printed as one JSON line.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { opts, mode, target } = JSON.parse(process.argv[2]!) as { opts: LatencyOpts; mode: Mode; target: Target };
  const rows = await measure(opts, mode, target);
  console.log(JSON.stringify(rows));
  process.exit(0);
}
