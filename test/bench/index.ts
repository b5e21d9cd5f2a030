// `npm run bench`: prints figures, asserts nothing. --quick for fewer carts.
// With DATABASE_URL set, database figures are measured on that PostgreSQL too
// (it truncates the tables it uses: point it at a scratch database).
import os from 'node:os';
import { benchEngine } from './engine.ts';
import { benchImport } from './import.ts';

const quick = process.argv.includes('--quick');
console.log(`# Task Cart benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
await benchEngine({ carts: quick ? 100 : 1000 });
await benchImport({ rows: quick ? 10_000 : 100_000, databaseUrl: process.env.DATABASE_URL });
