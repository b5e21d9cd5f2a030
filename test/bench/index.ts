// `npm run bench`: prints figures, asserts nothing. --quick for a shorter run.
// With DATABASE_URL set, database figures are measured on that PostgreSQL too.
// It empties the tables it uses: point it at a scratch database.
import os from 'node:os';
import { benchCartLatency } from './cart-latency.ts';
import { benchEngine } from './engine.ts';
import { benchImport } from './import.ts';
import { benchProposal } from './proposal.ts';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const want = (part: string) => !only || only.split(',').includes(part);
console.log(`# Task Cart benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
if (want('engine')) await benchEngine({ carts: quick ? 100 : 1000 });
if (want('import')) await benchImport({ rows: quick ? 10_000 : 100_000, databaseUrl: process.env.DATABASE_URL });
if (want('latency')) {
  console.log('\n## Cart interactions (request in → last Web API call out)');
  await benchCartLatency({ databaseUrl: process.env.DATABASE_URL, agents: quick ? 10 : 50, tasks: 120, actions: 6 });
}
if (want('proposal')) await benchProposal({ databaseUrl: process.env.DATABASE_URL, agents: quick ? 200 : 2000, tasksEach: 100, perSecond: 50 });
process.exit(0);
