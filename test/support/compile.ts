// The program as the tests' child processes run it: the current sources bundled once per test run
// into a folder of its own, as `npm run build` bundles them (scripts/bundle.mjs, the same options),
// without the type check, in about a second. A child then starts as `npm start` would, and no test
// can run a stale dist/.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../../scripts/bundle.mjs';
import { alive } from './temp.ts';

/** Where runs put their compiled copies: inside the repository, so that node finds node_modules. */
export const cacheFolder = (root: string) => join(root, 'node_modules/.cache/taskcart-test');

/** The files at these paths under `root` (a folder: every file in it, in name order), relative to `root`. */
export function filesAt(root: string, paths: string[]): string[] {
  const files = (path: string): string[] =>
    statSync(join(root, path)).isDirectory()
      ? readdirSync(join(root, path))
          .sort()
          .flatMap((name) => files(join(path, name)))
      : [path];
  return paths.flatMap(files);
}

/**
 * A digest of the files at these paths under `root` (filesAt), names and contents: what is kept in
 * the cache folder between runs is kept under the digest of what it is made from, so that any
 * change to those makes it again.
 */
export function digestOf(root: string, paths: string[]): string {
  const hash = createHash('sha1');
  for (const f of filesAt(root, paths)) hash.update(f).update(readFileSync(join(root, f)));
  return hash.digest('hex').slice(0, 16);
}

/** Compiles the program into a new folder under the cache and returns it; `remove` it after the run. */
export async function compileProgram(root: string): Promise<{ dir: string; remove: () => void }> {
  const cache = cacheFolder(root);
  mkdirSync(cache, { recursive: true });
  // Copies left by runs that were killed.
  for (const name of readdirSync(cache)) {
    const pid = Number(/^run-(\d+)$/.exec(name)?.[1]);
    if (pid && !alive(pid)) rmSync(join(cache, name), { recursive: true, force: true });
  }
  const dir = join(cache, `run-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  await build({ ...bundleOptions(root, dir, 'inline'), logLevel: 'error' });
  // What the compiled program reads beside itself: the migrations, and package.json (ES modules, its version).
  cpSync(join(root, 'db/migrations'), join(dir, 'db/migrations'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), readFileSync(join(root, 'package.json')));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
