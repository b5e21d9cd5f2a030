// The embedded database (PGlite) may be opened by one process at a time: two processes writing one
// data folder corrupt it, and PGlite does not check. A lock file in the folder names the process
// that has it; a lock left by a process that is gone (killed, crashed) is taken over.
import { closeSync, existsSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseError } from './errors.ts';

export const LOCK_FILE = 'taskcart.lock';

interface Holder {
  pid: number;
  command: string;
  since: string;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // After a reboot the number may belong to another program: on Linux, a holder is a node process.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

function read(path: string): Holder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    return null;
  }
}

/** Takes the data folder's lock, or says who has it. Returns the function that releases it. */
export function lockDataDir(dir: string, command = process.argv.slice(1).join(' ')): () => void {
  const path = join(dir, LOCK_FILE);
  const me: Holder = { pid: process.pid, command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        if (read(path)?.pid === process.pid) unlinkSync(path);
      };
      // Released on close; and if the process ends without closing, at exit.
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = read(path);
    if (holder && alive(holder.pid)) {
      throw new DatabaseError(
        `the embedded database in ${resolve(dir)} is in use by process ${holder.pid} (${holder.command || 'task cart'}, since ${holder.since}): ` +
          'stop that process first, or use another DATA_DIR; several processes need PostgreSQL (DATABASE_URL)',
      );
    }
    if (holder === null && existsSync(path)) {
      // Being written by a process that just created it: look again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      if (attempt < 2) continue;
    }
    // Stale: move it aside (one process wins the rename), and put it back if it was not the stale one.
    const aside = `${path}.${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = read(aside);
    if (moved && holder && moved.pid !== holder.pid && alive(moved.pid)) {
      try {
        linkSync(aside, path);
      } catch {
        // someone else took it meanwhile; the next round reads theirs
      }
    }
    unlinkSync(aside);
  }
  throw new DatabaseError(`the lock file ${path} keeps changing: another process is opening the embedded database; try again`);
}
