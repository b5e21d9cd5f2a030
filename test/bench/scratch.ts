// What a bench part makes outside itself — folders in the temporary folder, processes it starts — is
// undone when the part ends, in its `finally` blocks, and also when it is interrupted (Ctrl-C, a
// kill), which runs none of them: a run stopped by hand left a bot or some 60 MB of embedded data.
// A folder is removed too when the part exits on an error thrown before its `finally`.
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

type Undo = () => void | Promise<void>;
const undos = new Set<Undo>();
let watching = false;

/** Runs `undo` if the part is interrupted before the returned function is called (its normal end). */
export function onInterrupt(undo: Undo): () => void {
  if (!watching) {
    watching = true;
    let stopping = false;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.on(signal, () => {
        // Ctrl-C reaches every process of the terminal's group, and a parent part stops its child too: once is enough.
        if (stopping) return;
        stopping = true;
        void (async () => {
          // The last made first: a process stops before its folder goes.
          for (const step of [...undos].reverse()) await Promise.resolve().then(step).catch(() => {});
          process.exit(128 + constants.signals[signal]);
        })();
      });
  }
  undos.add(undo);
  return () => void undos.delete(undo);
}

/** A new folder in the temporary folder, removed at `remove()`, at an interruption, or when the process exits. */
export function scratchFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(path, { recursive: true, force: true });
  const forget = onInterrupt(remove);
  process.once('exit', remove);
  return {
    path,
    remove: () => {
      forget();
      process.off('exit', remove);
      remove();
    },
  };
}

/** Stops a started process at an interruption, and waits for it (5 s at most): the returned function forgets it. */
export function stopOnInterrupt(child: ChildProcess): () => void {
  return onInterrupt(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    child.kill('SIGKILL');
  });
}

/** Runs node with `args` in a child process, its output shown (or its stdout kept), stopped with this one if it is interrupted. */
export async function runNode(args: string[], options: { keepStdout?: boolean } = {}): Promise<{ status: number | null; stdout: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', options.keepStdout ? 'pipe' : 'inherit', 'inherit'] });
  const forget = stopOnInterrupt(child);
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const [status] = (await once(child, 'close')) as [number | null];
  forget();
  return { status, stdout };
}
