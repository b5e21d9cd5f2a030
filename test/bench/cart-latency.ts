// Cart interaction latency: 50 agents acting at once on 120-task carts, request in → last Web API call out.
// The bot runs as its own process, as deployed; the agents and the Web API stand-in share this one.
// Ten more agents walk the same sequence first, unmeasured: the figures are of a warm bot.
import { performance } from 'node:perf_hooks';
import { openDatabase, type Database } from '../../db/client.ts';
import { importCsv } from '../../src/import/run.ts';
import { ACTIONS } from '../../views/ids.ts';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDays, nextWeekStart } from '../../src/engine/index.ts';
import type { TestApp } from '../support/app.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';
import { Agent } from '../support/slack-client.ts';
import type { Call } from '../support/slack-api.ts';

// The bot runs as its own process (as deployed) and reads the real clock: seed next week.
const MONDAY = nextWeekStart(new Date(), 'Asia/Shanghai');
const DAYS = [0, 1, 2, 3, 4].map((d) => addDays(MONDAY, d));

async function seed(db: Database, agents: number, tasks: number): Promise<string[]> {
  const ids = Array.from({ length: agents }, (_, i) => `U0BENCH${String(i).padStart(3, '0')}`);
  await db.exec('truncate request_keys, cart_events, tasks, cart_items, carts, system_tasks, recommendations, customers, time_off, people, teams restart identity cascade');
  await importCsv(db.db, 'teams', 'team,timezone\nBench,Asia/Shanghai\n');
  await importCsv(db.db, 'people', ['slack_user_id,name,team,role', ...ids.map((id) => `${id},Agent ${id},Bench,agent`)].join('\n'));
  const rows = ['external_id,agent,type,title,date,effort_minutes'];
  let x = 7;
  const rnd = () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (const id of ids) {
    for (let n = 0; n < tasks; n++) {
      const r = rnd();
      const day = r < 0.3 ? 0 : r < 0.5 ? 1 : r < 0.7 ? 2 : r < 0.85 ? 3 : 4;
      rows.push(`${id}-${n},${id},follow_up,Call ${n},${DAYS[day]},${5 + Math.floor(rnd() * 16)}`);
    }
  }
  const r = await importCsv(db.db, 'tasks', rows.join('\n'));
  if (r.errors.length) throw new Error(JSON.stringify(r.errors[0]));
  return ids;
}

interface Opts {
  databaseUrl?: string;
  agents: number;
  tasks: number;
  actions: number;
  /** Measure PostgreSQL only. */
  skipEmbedded?: boolean;
}

type Target = 'embedded' | 'postgres';
/** Each agent waits this long (ms, uniform) before each click; [0, 0] is a burst where all click at the same instant. */
type Think = readonly [number, number];

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/**
 * Prints a table per way of clicking, a row per database. Each row is measured by a fresh
 * process of this file, so that no run inherits the memory or leftovers of another (an
 * embedded database seeded in-process leaves a large heap behind the stand-in).
 */
export async function benchCartLatency(opts: Opts): Promise<void> {
  const targets: Target[] = [...(opts.skipEmbedded ? [] : ['embedded' as const]), ...(opts.databaseUrl ? ['postgres' as const] : [])];
  for (const think of [[500, 1500], [0, 0]] as const) {
    const mode = think[1] ? `each clicking every ${think[0] / 1000}–${think[1] / 1000} s` : 'all clicking at the same instant, again and again';
    console.log(`\n### ${opts.agents} agents at once on ${opts.tasks}-task carts, ${mode} (${opts.actions} clicks each)`);
    console.log('| database | interactions | p50 ms | p95 ms | p99 ms | max ms | bot CPU ms per interaction |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const target of targets) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify({ opts, think, target })], { stdio: 'inherit' });
      if (run.status !== 0) throw new Error(`bench: the ${target} run failed`);
    }
  }
}

/** Agents that walk the whole sequence first, unmeasured, so the bot is measured warm (as it runs for hours). */
const WARM_UP_AGENTS = 10;

/** One row: the bot on one database, the agents clicking as `think` says. */
async function measure(opts: Opts, think: Think, target: Target): Promise<void> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'taskcart-bench-')), 'data');
  const [name, open, env]: [string, () => Promise<Database>, Record<string, string>] =
    target === 'embedded'
      ? ['embedded (PGlite)', () => openDatabase({ dataDir }), { DATA_DIR: dataDir }]
      : ['PostgreSQL 15', () => openDatabase({ databaseUrl: opts.databaseUrl }), { DATABASE_URL: opts.databaseUrl! }];
  const database = await open();
  const ids = await seed(database, opts.agents + WARM_UP_AGENTS, opts.tasks);
  // Settle the database before measuring: fresh statistics, and no checkpoint of the seed during the run.
  await database.exec('vacuum analyze');
  if (database.kind === 'postgres') await database.exec('checkpoint');
  await database.close();
  const slack = await new SlackStandIn().start();
  const port = 3900 + Math.floor(Math.random() * 90);
  const bot = spawn(process.execPath, [...(process.env.BOT_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BOT_PROF] : []), '--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', TASKCART_ENV_FILE: 'none', SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  bot.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('listening on'), 60_000);
  const app = { baseUrl: `http://127.0.0.1:${port}`, slack } as unknown as TestApp;
  try {
    const channelOf = (id: string) => `D${id.slice(1)}`;
    const byAgent = new Map<string, Call[]>(ids.map((id) => [id, []]));
    const owner = new Map<string, string>(ids.flatMap((id) => [[id, id], [channelOf(id), id]]));
    /** Per agent: told of each of their calls as it arrives (no polling to slow the stand-in down). */
    const listening = new Map<string, (c: Call) => void>();
    app.slack.onCall = (c) => {
      const id = owner.get(String(c.args.channel ?? c.args.user_id ?? c.args.users ?? ''));
      if (!id) return;
      byAgent.get(id)!.push(c);
      listening.get(id)?.(c);
    };
    /** Resolves with the time from `t0` to the agent's last call: their message was edited and nothing more came for 30 ms. */
    const answered = (id: string, t0: number) =>
      new Promise<number>((resolve) => {
        let last = 0;
        let edited = false;
        let quiet: NodeJS.Timeout | undefined;
        listening.set(id, (c) => {
          last = Math.max(last, c.at);
          edited ||= c.method === 'chat.update';
          clearTimeout(quiet);
          if (edited) quiet = setTimeout(() => (listening.delete(id), resolve(last - t0)), 30);
        });
      });
    const sequence = [ACTIONS.autoBalance, ACTIONS.commit, ACTIONS.reopen];

    /** Each agent opens their cart (`/cart`: not measured). */
    const open = async (agents: Agent[]) => {
      await Promise.all(agents.map((a) => a.command('/cart')));
      await waitFor(() => agents.every((a) => byAgent.get(a.id)!.some((c) => c.method === 'chat.postMessage')));
    };
    /** Each agent clicks through the sequence; returns each click's latency. */
    const act = async (agents: Agent[], pause: readonly [number, number]): Promise<number[]> => {
      const latencies: number[] = [];
      await Promise.all(
        agents.map(async (a) => {
          for (let k = 0; k < opts.actions; k++) {
            const actionId = sequence[k % sequence.length]!;
            const mine = byAgent.get(a.id)!.filter((c) => (c.method === 'chat.update' || c.method === 'chat.postMessage') && Array.isArray(c.args.blocks) && (c.args.blocks as unknown[]).length > 1);
            const blocks = mine.at(-1)!.args.blocks as Array<Record<string, any>>;
            const button = a.elements(blocks).find((e) => e.action_id === actionId) ?? a.elements(blocks).find((e) => e.action_id === ACTIONS.reopen || e.action_id === ACTIONS.autoBalance)!;
            if (pause[1]) await new Promise((r) => setTimeout(r, pause[0] + Math.random() * (pause[1] - pause[0])));
            const t0 = performance.now();
            const latency = answered(a.id, t0);
            await a.click(button.action_id, button.value);
            latencies.push(await latency);
          }
        }),
      );
      return latencies;
    };

    const [measured, warmUp] = [ids.slice(0, opts.agents), ids.slice(opts.agents)].map((group) => group.map((id) => new Agent(app, id)));
    await open(warmUp!);
    await act(warmUp!, [0, 0]);
    await open(measured!);
    const cpu0 = cpuOf(bot.pid!);
    const latencies = await act(measured!, think);
    const cpu = cpu0 === null ? '' : ((cpuOf(bot.pid!)! - cpu0) / latencies.length).toFixed(1);
    latencies.sort((x, y) => x - y);
    console.log(`| ${name} | ${latencies.length} | ${pct(latencies, 50).toFixed(1)} | ${pct(latencies, 95).toFixed(1)} | ${pct(latencies, 99).toFixed(1)} | ${latencies.at(-1)!.toFixed(1)} | ${cpu} |`);
    if (app.slack.violations.length) console.log(`  (limit violations: ${app.slack.violations.length})`);
  } finally {
    bot.kill('SIGTERM');
    await new Promise((r) => bot.on('exit', r));
    await slack.stop();
  }
}

/** CPU milliseconds (user + system) a process has used, from /proc; null where there is no /proc. */
function cpuOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function waitFor(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('bench: timed out waiting for Slack calls');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Run as a script: one row, in this fresh process.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { opts, think, target } = JSON.parse(process.argv[2]!) as { opts: Opts; think: Think; target: Target };
  await measure(opts, think, target);
  process.exit(0);
}
