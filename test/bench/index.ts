// `npm run bench`: prints figures, asserts nothing. Flags: --quick for fewer carts.
import os from 'node:os';
import { benchEngine } from './engine.ts';

const quick = process.argv.includes('--quick');
console.log(`# Task Cart benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
await benchEngine({ carts: quick ? 100 : 1000 });
