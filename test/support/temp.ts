// Folders the tests make (data folders, CSV files, .env files, copies of the project) live in the
// run's own folder in the system's temporary folder, which goes when the run ends (global-setup.ts).
// Each embedded data folder is some 40 MB: left behind, a day of runs filled gigabytes of /tmp
// (measured 2026-11-27: 15 GB after eight runs). A run killed before its end leaves its folder;
// the next run removes it once no process of that number is alive.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

const RUN_PREFIX = 'taskcart-test-';

/** A new folder named `prefix…` in the run's folder (outside a vitest run, in the system's temporary folder). */
export function tempDir(prefix: string): string {
  let root: string;
  try {
    root = inject('tempRoot');
  } catch {
    root = tmpdir();
  }
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}

/** The run's folder, made by the run's global setup; runs that ended without removing theirs are removed first. */
export function makeRunFolder(): { root: string; remove: () => void } {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^taskcart-test-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  const root = mkdtempSync(join(tmpdir(), `${RUN_PREFIX}${process.pid}-`));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Whether a process of that number is running (a run's leftovers are removed once it is not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder this run's tests make their folders in (temp.ts). */
    tempRoot: string;
  }
}
