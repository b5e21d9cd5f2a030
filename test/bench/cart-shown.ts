// A cart shown — a day window opened or its page turned, Add task or Pick customers opened — read in
// full (loadCart) against shown as kept once a probe finds it as it is (currentCart, cartProbe): what
// each of those clicks costs before it answers, on the embedded database and on PostgreSQL. The bench
// of clicks (cart-latency.ts) opens its windows before it measures; this measures the opening.
//
// Carts of 60–200 tasks (varied, drawn with a fixed seed), with customers named in Chinese and English,
// time off, and the agents' clicks in turn so that each cart is as cold as a real agent's. Per call:
// this process's CPU (the bot's side; on the embedded database the database's too) and, on
// PostgreSQL, the CPU of the one server process its connection uses, from /proc; and the wall time.
import { join } from 'node:path';
import { openDatabase, type Database } from '../../db/client.ts';
import { importCsv } from '../../src/import/run.ts';
import { addDays, nextWeekStart } from '../../src/engine/index.ts';
import { currentCart, loadCart, openCart } from '../../src/services/cart.ts';
import { cpuOf } from './cart-latency.ts';
import { scratchFolder } from './scratch.ts';

const MONDAY = nextWeekStart(new Date(), 'Asia/Shanghai');

/** Agents with carts of 60–200 tasks, a third with a day off, each task for one of 2,000 customers. */
async function seed(db: Database, agents: number): Promise<string[]> {
  const ids = Array.from({ length: agents }, (_, i) => `U0SHOWN${String(i).padStart(3, '0')}`);
  await db.exec('truncate request_keys, cart_events, tasks, cart_items, carts, system_tasks, recommendations, customers, time_off, people, teams restart identity cascade');
  await importCsv(db.db, 'teams', 'team,timezone\nShown,Asia/Shanghai\n');
  await importCsv(db.db, 'people', ['slack_user_id,name,team,role', ...ids.map((id) => `${id},Agent ${id},Shown,agent`)].join('\n'));
  let x = 11;
  const rnd = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const customers = ['customer_id,name,owner'];
  for (let c = 0; c < 2000; c++) customers.push(`C${c},"客户${c}号 Customer ${c}, Ltd",${ids[c % agents]}`);
  await importCsv(db.db, 'customers', customers.join('\n'));
  const timeOff = ['slack_user_id,team,from,to,reason'];
  ids.forEach((id, i) => i % 3 === 0 && timeOff.push(`${id},,${addDays(MONDAY, i % 5)},${addDays(MONDAY, i % 5)},年假 leave`));
  await importCsv(db.db, 'time-off', timeOff.join('\n'));
  const types = ['follow_up', 'renewal_call', 'cross_sell', 'satisfaction_survey'];
  const rows = ['external_id,agent,type,title,date,customer_id,effort_minutes'];
  for (const id of ids) {
    const n = 60 + Math.floor(rnd() * 141);
    for (let t = 0; t < n; t++) rows.push(`${id}-${t},${id},${types[t % types.length]},回访 Call ${t},${addDays(MONDAY, Math.floor(rnd() * 5))},C${Math.floor(rnd() * 2000)},${5 + Math.floor(rnd() * 16)}`);
  }
  const r = await importCsv(db.db, 'tasks', rows.join('\n'));
  if (r.errors.length) throw new Error(JSON.stringify(r.errors[0]));
  return ids;
}

interface Figures {
  cpu: number;
  server: number | null;
  wall: number;
}

/** `rounds` calls for each agent in turn, after one round unmeasured: the CPU and wall ms per call. */
async function timed(db: Database, serverPid: number | null, ids: string[], carts: Map<string, number>, show: typeof loadCart, rounds: number): Promise<Figures> {
  const once = async () => {
    for (const id of ids) await show(db.db, id, carts.get(id)!, new Date());
  };
  await once();
  const [c0, s0, t0] = [process.cpuUsage(), serverPid ? cpuOf(serverPid) : 0, performance.now()];
  for (let r = 0; r < rounds; r++) await once();
  const calls = rounds * ids.length;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000 / calls, server: serverPid ? (cpuOf(serverPid) - s0) / calls : null, wall: (performance.now() - t0) / calls };
}

export async function benchCartShown(opts: { databaseUrl?: string; agents: number; rounds: number }): Promise<void> {
  console.log(`\n### A cart shown: ${opts.agents} agents' carts of 60–200 tasks, each shown ${opts.rounds} times in turn, read in full or probed`);
  console.log('| database | shown by | caller CPU ms a call | server CPU ms a call | wall ms a call |');
  console.log('|---|---|---:|---:|---:|');
  const targets = [{ name: 'embedded (PGlite)', url: undefined as string | undefined }, ...(opts.databaseUrl ? [{ name: 'PostgreSQL', url: opts.databaseUrl }] : [])];
  for (const target of targets) {
    const scratch = target.url ? null : scratchFolder('taskcart-bench-');
    const dataDir = scratch ? join(scratch.path, 'data') : null;
    // One connection: its server process is the one measured.
    const db = target.url ? await openDatabase({ databaseUrl: target.url, max: 1 }) : await openDatabase({ dataDir: dataDir! });
    try {
      const ids = await seed(db, opts.agents);
      const carts = new Map<string, number>();
      for (const id of ids) carts.set(id, (await openCart(db.db, id, { weekStart: MONDAY }, new Date())).state.cart.id);
      await db.exec('vacuum analyze');
      const serverPid = target.url ? (await db.query<{ pid: number }>('select pg_backend_pid() as pid'))[0]!.pid : null;
      // In turn, twice each: the second pair shows the spread.
      for (const [label, show] of [['read (loadCart)', loadCart], ['probed (currentCart)', currentCart], ['read (loadCart)', loadCart], ['probed (currentCart)', currentCart]] as const) {
        const f = await timed(db, serverPid, ids, carts, show, opts.rounds);
        console.log(`| ${target.name} | ${label} | ${f.cpu.toFixed(3)} | ${f.server === null ? 'in the caller' : f.server.toFixed(3)} | ${f.wall.toFixed(3)} |`);
      }
    } finally {
      await db.close();
      scratch?.remove();
    }
  }
}
