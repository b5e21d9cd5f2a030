// Folders the tests make (data folders, CSV files, .env files, copies of the project) live in the
// run's own folder, which goes when the run ends (global-setup.ts). Each embedded data folder is some
// 32 MB: left behind, a day of runs filled gigabytes of /tmp (measured 2026-11-27: 15 GB after eight
// runs). A run killed before its end leaves its folder; the next run removes it once no process of
// that number is alive.
//
// The run's folder is in memory (/dev/shm) where the machine has one with room for it, else in the
// system's temporary folder; TASKCART_TEST_TMPDIR names another. The tests write some 540 MB there
// (the bots' and command lines' data folders, their copies of the project), and on a disk every
// page of it is written, synced and, at the end, freed again: on the 2 × AMD EPYC of 2026-11-28
// (ext4 mounted with `discard`) the embedded suite took 77.8 s in memory against 84.7 s on the disk,
// 3.5 s of the difference the removal of the folder at its end. Nothing a test checks depends on
// where its folders are.
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

const RUN_PREFIX = 'taskcart-test-';
/** The memory file system of Linux, when there is one. */
const MEMORY = '/dev/shm';
/** Room the memory file system must have free for a run's folder: four times the most a run held there. */
const MEMORY_ROOM_BYTES = 2 * 2 ** 30;

/**
 * Where runs make their folders: TASKCART_TEST_TMPDIR when set; else the memory file system when it
 * can be written and has room (a container's is often 64 MB); else the system's temporary folder.
 */
export function runParent(): string {
  const chosen = process.env.TASKCART_TEST_TMPDIR;
  if (chosen) return chosen;
  try {
    accessSync(MEMORY, constants.W_OK);
    const { bavail, bsize } = statfsSync(MEMORY);
    if (bavail * bsize >= MEMORY_ROOM_BYTES) return MEMORY;
  } catch {
    // none here (macOS, Windows), or not this user's to write in
  }
  return tmpdir();
}

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
  const parent = runParent();
  // Where runs made them before too (the memory file system full then, or a run of an older tree).
  for (const place of new Set([parent, tmpdir()])) {
    for (const name of readdirSync(place)) {
      const pid = Number(/^taskcart-test-(\d+)-/.exec(name)?.[1]);
      if (pid && pid !== process.pid && !alive(pid)) rmSync(join(place, name), { recursive: true, force: true });
    }
  }
  const root = mkdtempSync(join(parent, `${RUN_PREFIX}${process.pid}-`));
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
