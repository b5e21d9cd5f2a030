// `npm run build`, and `npm ci` through `prepare`: type-checks the program (tsc, see
// tsconfig.build.json), bundles it to dist/ (bundle.mjs: dist/src/main.js, dist/src/cli/index.js,
// dist/src/migrate.js and their shared chunks) and copies the migrations into dist/db/migrations,
// where db/client.ts finds them from the bundled code.
// With --if-possible it does nothing where TypeScript is not installed (`npm ci --omit=dev` on a
// server that gets dist/ built elsewhere).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundleOptions } from './bundle.mjs';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch (e) {
  if (!process.argv.includes('--if-possible')) throw e;
  console.log('build skipped: TypeScript is not installed (dev dependencies omitted); dist/ is used as it is');
  process.exit(0);
}
const check = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (check.status !== 0) process.exit(check.status ?? 1);
rmSync('dist', { recursive: true, force: true });
const { build } = await import('esbuild');
await build(bundleOptions(process.cwd(), 'dist', 'linked'));
cpSync('db/migrations', 'dist/db/migrations', { recursive: true });
