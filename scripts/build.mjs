// `npm run build`, and `npm ci` through `prepare`: compiles the program to dist/ (tsc, see
// tsconfig.build.json) and copies the migrations beside the compiled database client.
// With --if-possible it does nothing where TypeScript is not installed (`npm ci --omit=dev` on a
// server that gets dist/ built elsewhere).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch (e) {
  if (!process.argv.includes('--if-possible')) throw e;
  console.log('build skipped: TypeScript is not installed (dev dependencies omitted); dist/ is used as it is');
  process.exit(0);
}
rmSync('dist', { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
cpSync('db/migrations', 'dist/db/migrations', { recursive: true });
