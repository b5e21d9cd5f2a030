// How the program is built for node to run, by `npm run build` (build.mjs) and by the tests, which
// run the current sources the same way (test/support/compile.ts): each entry point bundled by
// esbuild with what it imports into one ES module, the code the entries share in chunks beside them.
//
// Why bundled: loading the program file by file was most of a start. Importing the bot's modules
// took 0.7–0.96 s of CPU on a 2-core AMD EPYC (2026-11-28), most of it Node finding, reading and
// linking some 620 files (ours and Bolt's, zod's, pg-boss's… CommonJS graphs); the same code
// bundled, 0.28–0.37 s. Every process pays it: the bot, each of its workers, every `npm run cli`.
//
// Packages that read files of their own beside their code (WebAssembly, a worker's script) stay
// in node_modules and are imported from there, as they would be unbundled.

/** The entry points, where `npm start`, `npm run cli` and `npm run db:migrate` find them: dist/src/…js. */
const ENTRIES = ['src/main.ts', 'src/cli/index.ts', 'src/migrate.ts'];

/**
 * Left to node_modules: PGlite (its Postgres as WebAssembly and the data files it loads beside
 * itself), HiGHS and resvg (WebAssembly), pino (its transports run files of their own in worker threads).
 */
const LEFT_OUT = ['@electric-sql/pglite', 'highs', '@resvg/resvg-wasm', 'pino'];

/**
 * esbuild's options: the entries under `outdir` as under the repository (`src/main.ts` →
 * `outdir/src/main.js`), the shared chunks in `outdir/chunks`. The bundled CommonJS packages
 * (Bolt and its dependencies) call `require`, which an ES module lacks: each output file makes its own.
 * @param {string} root the repository
 * @param {string} outdir where the program goes
 * @param {'linked' | 'inline'} sourcemap
 */
export function bundleOptions(root, outdir, sourcemap) {
  return {
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir,
    outbase: '.',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    external: LEFT_OUT,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap,
    // A stack trace needs the positions only: the sources are in the repository, not in the maps.
    sourcesContent: false,
    tsconfig: `${root}/tsconfig.build.json`,
    banner: { js: "import { createRequire as __taskcartRequire } from 'node:module'; const require = __taskcartRequire(import.meta.url);" },
    logLevel: 'warning',
  };
}
