// `npm run bench`: prints figures, asserts nothing. --quick for a shorter run; --only=engine,import,latency,proposal,reminders,chart.
// With DATABASE_URL set, database figures are measured on that PostgreSQL too.
// It empties the tables it uses: point it at a scratch database.
// Each part runs in a fresh process, so no part is measured with another's memory or leftovers.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const PARTS = ['engine', 'import', 'latency', 'proposal', 'reminders', 'chart'] as const;
const quick = process.argv.includes('--quick');
const part = process.argv.find((a) => a.startsWith('--part='))?.slice('--part='.length);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const databaseUrl = process.env.DATABASE_URL;

if (!part) {
  console.log(`# Task Cart benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  const parts = PARTS.filter((p) => !only || only.split(',').includes(p));
  // The latency part measures the bot as deployed: the compiled program, built from these sources.
  if (parts.includes('latency') && spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0) process.exit(1);
  for (const name of parts) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), `--part=${name}`, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
} else if (part === 'engine') {
  const { benchEngine } = await import('./engine.ts');
  await benchEngine({ cartsPerVariant: quick ? 25 : 200 });
} else if (part === 'import') {
  const { benchImport } = await import('./import.ts');
  await benchImport({ quick, databaseUrl });
} else if (part === 'latency') {
  const { benchCartLatency } = await import('./cart-latency.ts');
  console.log('\n## Cart interactions: the ack, and the cart message updated');
  await benchCartLatency({ databaseUrl, agents: quick ? 10 : 50, tasks: 120, bursts: quick ? 2 : 4, actions: 6 });
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
