// `npm run bench`: prints figures, asserts nothing. --quick for a shorter run; --only=engine,import,latency,shown,proposal,reminders,chart.
// With DATABASE_URL set, database figures are measured on that PostgreSQL too.
// It empties the tables it uses: point it at a scratch database.
// Each part runs in a fresh process, so no part is measured with another's memory or leftovers.
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode, scratchFolder } from './scratch.ts';

const PARTS = ['engine', 'import', 'latency', 'shown', 'proposal', 'reminders', 'chart'] as const;
const quick = process.argv.includes('--quick');
const part = process.argv.find((a) => a.startsWith('--part='))?.slice('--part='.length);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const databaseUrl = process.env.DATABASE_URL;

/**
 * The CPU milliseconds of a fixed piece of work: how fast this machine is at the
 * moment, to read the figures by. Machines of the same name differ from day to day (2 × AMD EPYC:
 * the same commit's paced click cost the bot 3.9–4.5 ms of CPU on 2026-11-27 at 04:00 UTC and
 * 7.2–7.5 ms at 06:00 on another such machine, and the suite 110 s of CPU against 225 s). The work
 * is what a click is made of: a day window's worth of JSON (about 30 kB, Chinese and English text)
 * written, url-encoded, decoded and read back, 200 times: the best of twenty rounds of 50, times
 * four (five rounds of 200 varied by 100–170 ms on a busy machine, these by 97–107).
 */
function referenceMs(): number {
  const task = (i: number) => ({
    type: 'section',
    block_id: `task_${i}`,
    text: { type: 'mrkdwn', text: `*跟进回访* — Call ${i}\n14 m · Normal · from the CRM`, verbatim: true },
    accessory: { type: 'static_select', action_id: 'day_task_menu', placeholder: { type: 'plain_text', text: 'Move or remove', emoji: true }, options: [1, 2, 3, 4].map((d) => ({ text: { type: 'plain_text', text: `Move to day ${d}`, emoji: true }, value: `m:${i}:2026-12-0${d}` })) },
  });
  const view = { type: 'modal', callback_id: 'day', blocks: Array.from({ length: 36 }, (_, i) => task(i)) };
  let best = Infinity;
  for (let round = 0; round < 20; round++) {
    const start = process.cpuUsage();
    for (let n = 0; n < 50; n++) JSON.parse(decodeURIComponent(encodeURIComponent(JSON.stringify(view))));
    const used = process.cpuUsage(start);
    best = Math.min(best, (4 * (used.user + used.system)) / 1000);
  }
  return best;
}

/**
 * The CPU milliseconds this machine charges a process for each time it wakes from a short sleep:
 * this process sleeps 20 ms, 150 times (after 30 to settle), and does nothing else. On the virtual
 * machine of 2026-11-29 afternoon (2 × Intel Xeon, a Firecracker guest) a wake after 20 ms cost
 * 0.3–1.2 ms, after 50 ms 2.2, after 2 ms 0.12, where a host of its own charges some microseconds: there
 * each page a process touches after a sleep costs about a microsecond to reach again (a C program
 * touching 4 MB after each sleep, 1.1 ms a wake against 0.016 without sleeping; docs/performance.md).
 * A click wakes the bot up to about three times (the tables' "bot woken" column: the request, the
 * database's answer, Slack's): paced clicks reach a bot that was asleep, clicks in a burst a busy one,
 * which is most of why a paced click costs more CPU here than one in a burst.
 */
async function wakeChargeMs(): Promise<number> {
  const sleep = () => new Promise((r) => setTimeout(r, 20));
  for (let n = 0; n < 30; n++) await sleep();
  const start = process.cpuUsage();
  for (let n = 0; n < 150; n++) await sleep();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / 150;
}

if (!part) {
  console.log(`# Task Cart benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Reference work (fixed): ${referenceMs().toFixed(0)} ms of CPU; the smaller, the faster the machine is now.`);
  console.log(`Waking from a sleep of 20 ms: ${(await wakeChargeMs()).toFixed(2)} ms of CPU charged a wake-up (a host of its own: a few µs).`);
  const parts = PARTS.filter((p) => !only || only.split(',').includes(p));
  // The latency part measures the bot as deployed: the compiled program, built from these sources.
  if (parts.includes('latency') && (await runNode(['scripts/build.mjs'])).status !== 0) process.exit(1);
  for (const name of parts) {
    const run = await runNode(['--import', 'tsx', fileURLToPath(import.meta.url), `--part=${name}`, ...(quick ? ['--quick'] : [])]);
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
  // Again at the end: a machine drifts within a run (2026-11-29, 2 × AMD EPYC: 66 ms, then 71 in the
  // next run, when the floor's Bolt app cost 0.3–0.4 ms more a click), and the figures are read by both.
  if (parts.length) console.log(`\nReference work at the end: ${referenceMs().toFixed(0)} ms of CPU; waking from a sleep of 20 ms: ${(await wakeChargeMs()).toFixed(2)} ms.`);
} else if (part === 'engine') {
  const { benchEngine } = await import('./engine.ts');
  await benchEngine({ cartsPerVariant: quick ? 25 : 200 });
} else if (part === 'import') {
  const { benchImport } = await import('./import.ts');
  await benchImport({ quick, databaseUrl });
} else if (part === 'latency') {
  const { benchCartLatency, DRAWN_ENV } = await import('./cart-latency.ts');
  console.log('\n## Cart interactions: the ack, and the cart message updated');
  // The rows leave a day window as the bot drew it there, for the floor to send in its own move.
  const drawn = scratchFolder('taskcart-drawn-');
  process.env[DRAWN_ENV] = join(drawn.path, 'drawn.json');
  await benchCartLatency({ databaseUrl, agents: quick ? 10 : 50, tasks: 120, bursts: quick ? 2 : 4, actions: 6, spacedOut: !quick });
  // What the same clicks cost a Bolt app that does next to nothing: the floor under those figures.
  const { benchBoltFloor } = await import('./bolt-floor.ts');
  await benchBoltFloor();
  drawn.remove();
} else if (part === 'shown') {
  const { benchCartShown } = await import('./cart-shown.ts');
  await benchCartShown({ databaseUrl, agents: quick ? 10 : 50, rounds: quick ? 4 : 20 });
} else if (part === 'proposal') {
  const { benchProposal } = await import('./proposal.ts');
  await benchProposal({ databaseUrl, agents: quick ? 200 : 2000, tasksEach: 100, perSecond: 50 });
} else if (part === 'reminders') {
  const { benchReminders } = await import('./reminders.ts');
  await benchReminders({ databaseUrl, agents: quick ? 200 : 2000, tasksEach: 20, perSecond: 50 });
} else if (part === 'chart') {
  const { benchChart } = await import('./chart.ts');
  await benchChart({ runs: quick ? 20 : 100, fontDir: process.env.CHART_FONT_DIR });
}
process.exit(0);
