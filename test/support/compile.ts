// The program as the tests' child processes run it: the current sources (src, db, commands, views)
// compiled once per test run, file by file, into a folder of its own — what `npm run build` makes
// of them, without the type check, in a fraction of a second. A child then starts in about half a
// second of CPU instead of the two that compiling on the fly with tsx costs it, and no test can run
// a stale dist/.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { alive } from './temp.ts';

const FOLDERS = ['src', 'db', 'commands', 'views'];

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

// Every import is left as written, but a relative `.ts` becomes `.js` (tsconfig.build.json's
// rewriteRelativeImportExtensions): one output file per source file, as tsc makes them.
const asWritten: Plugin = {
  name: 'as-written',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const rewritten = /^\.\.?\//.test(args.path) ? args.path.replace(/\.(ts|mts)$/, (ext) => (ext === '.ts' ? '.js' : '.mjs')) : args.path;
      return { path: rewritten, external: true };
    });
  },
};

function sources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.m?ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  for (const folder of FOLDERS) if (existsSync(join(root, folder))) walk(join(root, folder));
  return out;
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
  await build({
    absWorkingDir: root,
    entryPoints: sources(root).map((f) => relative(root, f)),
    outdir: dir,
    outbase: '.',
    bundle: true,
    plugins: [asWritten],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    tsconfig: join(root, 'tsconfig.build.json'),
    logLevel: 'error',
  });
  // What the compiled program reads beside itself: the migrations, and package.json (ES modules, its version).
  cpSync(join(root, 'db/migrations'), join(dir, 'db/migrations'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), readFileSync(join(root, 'package.json')));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
