// Types of bundle.mjs for the tests' TypeScript (test/support/compile.ts).
import type { BuildOptions } from 'esbuild';

export declare function bundleOptions(root: string, outdir: string, sourcemap: 'linked' | 'inline'): BuildOptions & { outdir: string };
