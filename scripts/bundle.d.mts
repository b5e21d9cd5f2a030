// Types of bundle.mjs for the tests' TypeScript (test/support/compile.ts).
import type { BuildOptions } from 'esbuild';

export declare const ENTRIES: string[];
export declare const LEFT_OUT: string[];
export declare function bundleOptions(root: string, outdir: string, sourcemap: 'linked' | 'inline'): BuildOptions & { outdir: string };
