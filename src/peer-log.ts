// How the workers of one primary tell each other of their cart changes (src/services/cart-peers.ts):
// each appends what it saved to a log file of its own, in a folder the primary made, and reads the
// others' logs when it is about to use what it keeps — at each click, not when they write. Sent as
// messages through the primary, a change woke two processes that had nothing else to do — the
// primary to pass it on, the other worker to take it — and each wake-up cost a few tenths of a
// millisecond of CPU: with two workers, a tenth of a click's cost (issue 13, README's Benchmarks),
// and more with each worker more, since every worker woke for every click of the others. A log read
// when needed costs one read of a few microseconds, whatever the number of workers. A worker idle for
// long catches up every five seconds, so that a log is read within that time and can be let go: not
// every second, as it did until 2026-11-29 — waking an idle process costs CPU of its own, and on the
// virtual machine of that day an empty timer's wake-up after a second asleep was charged 3–5 ms: an
// idle worker spent 17–19 ms of CPU a second, 5 since (README, Running in production, "At rest").
//
// A log is `<pid>.<generation>.log`: past ROTATE_BYTES its writer starts the next generation and
// deletes the old one KEEP_OLD_MS later, by when every reader has read it to its end. A reader that
// finds a generation gone before it opened it (it did not look for that long), or a line it cannot
// follow, lets go of every cart it keeps: what a worker keeps is never trusted for a save, so a
// missed change costs a read.
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Peers, SharedChange } from './services/cart-peers.ts';

/** A log grows to this, then its writer starts the next one. */
export const ROTATE_BYTES = 1 << 20;
/** How long an old log is kept for the readers: they catch up at least every CATCH_UP_MS, six times within it. */
export const KEEP_OLD_MS = 30_000;
/** A worker with no click to serve reads the others' logs this often. */
export const CATCH_UP_MS = 5_000;

const NAME = /^(\d+)\.(\d+)\.log$/;
/** A log's last line when its writer went on to the next generation. */
const ROTATED = '"rotated"';

/**
 * The primary's folder for its workers' logs, in `parent` (the system's temporary folder): made
 * anew under a name no one can know beforehand, readable by this user only, so that no other user
 * of the host can read the carts' changes or put a folder of theirs in its place.
 */
export function makePeerFolder(parent: string): string {
  return mkdtempSync(join(parent, 'taskcart-peers-'));
}

/** Removes the folder, if there is one to remove (never throws: the primary is stopping). */
export function removePeerFolder(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true });
  } catch {
    // never made (a read-only file system), or not ours to remove
  }
}

/** Removes a stopped worker's logs (every generation), once the others have read them to their end. */
export function removeLogsOf(folder: string, pid: number): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return; // gone with the primary
  }
  for (const name of names) if (NAME.exec(name)?.[1] === String(pid)) rmSync(join(folder, name), { force: true });
}

interface Reading {
  fd: number;
  offset: number;
  /** The end of a line still being written. */
  rest: string;
  /** A character cut in two by a read keeps its first bytes here. */
  decoder: StringDecoder;
  pid: number;
  generation: number;
}

/**
 * This worker's peers through log files in `folder`: `publish` appends to this worker's log;
 * `catchUp` reads what the others appended since, each change to the follower `subscribe` gave,
 * and runs by itself every `every` ms, looking for new logs then. The `lost` `subscribe` gave
 * hears of a log deleted before it was read, or a line that is not a change.
 *
 * `gone` hears, once, that the folder itself was deleted (by a cleaner of the temporary folder, after
 * days without a change): the logs can no longer be found, and this worker's next one cannot be
 * made. `moveTo` then takes the folder the primary made in its place (cluster.ts).
 */
export function logPeers(folder: string, pid = process.pid, every = CATCH_UP_MS, gone: (folder: string) => void = () => {}): Peers & { catchUp(): void; moveTo(folder: string): void; close(): void } {
  let dir = folder;
  let generation = 0;
  let written = 0;
  let goneTold = false;
  const missing = (e: unknown) => {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || goneTold) return;
    goneTold = true;
    gone(dir);
  };
  /** This worker's log; null while it cannot be made (the folder gone: a worker started just after it went waits for the new one). */
  let fd: number | null = null;
  try {
    fd = openSync(join(dir, `${pid}.${generation}.log`), 'a', 0o600);
  } catch (e) {
    // Any other reason (a folder it may not write in) is the caller's to tell.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    missing(e);
  }
  const readings = new Map<string, Reading>();
  const old: NodeJS.Timeout[] = [];
  let follow: (change: SharedChange) => void = () => {};
  let lost: () => void = () => {};
  /** The last generation seen of each other writer: one skipped was deleted before it was read. */
  const seen = new Map<number, number>();
  /** Following a change looks at the cache, which would catch up again, mid-batch. */
  let reading = false;
  /** A log read said its writer went on to a newer one. */
  let rotated = false;
  const buffer = Buffer.allocUnsafe(64 * 1024);

  const rotate = (current: number) => {
    const was = join(dir, `${pid}.${generation}.log`);
    // Its last line says so: a reader looks for the next one then, not a second later.
    writeSync(current, `${ROTATED}\n`);
    closeSync(current);
    fd = null;
    generation += 1;
    written = 0;
    fd = openSync(join(dir, `${pid}.${generation}.log`), 'a', 0o600);
    const timer = setTimeout(() => {
      old.splice(old.indexOf(timer), 1);
      try {
        unlinkSync(was);
      } catch {
        // gone with the folder
      }
    }, KEEP_OLD_MS);
    timer.unref();
    old.push(timer);
  };

  /** Reads what was appended to one log since, each whole line. */
  const readOn = (r: Reading) => {
    for (;;) {
      let n: number;
      try {
        n = readSync(r.fd, buffer, 0, buffer.length, r.offset);
      } catch {
        return;
      }
      if (n === 0) return;
      r.offset += n;
      const lines = (r.rest + r.decoder.write(buffer.subarray(0, n))).split('\n');
      r.rest = lines.pop()!;
      for (const line of lines) {
        if (line === ROTATED) {
          rotated = true;
          continue;
        }
        // A line that is not a change, or one that cannot be followed: what is kept is let go.
        try {
          follow(JSON.parse(line) as SharedChange);
        } catch {
          lost();
        }
      }
    }
  };

  /** The others' logs as the folder lists them now, oldest generation first: new ones are opened. */
  const discover = () => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      missing(e);
      return;
    }
    const listed = new Set(names);
    for (const name of names) {
      const m = NAME.exec(name);
      if (!m || Number(m[1]) === pid || readings.has(name)) continue;
      const [writer, generation] = [Number(m[1]), Number(m[2])];
      const before = seen.get(writer);
      if (before !== undefined && generation <= before) continue; // read through and let go
      try {
        readings.set(name, { fd: openSync(join(dir, name), 'r'), offset: 0, rest: '', decoder: new StringDecoder('utf8'), pid: writer, generation });
      } catch {
        continue; // deleted in between
      }
      if (before !== undefined && generation > before + 1) lost();
      seen.set(writer, Math.max(generation, before ?? -1));
    }
    for (const [name, r] of readings) {
      if (listed.has(name)) continue;
      // Deleted: read to its end (an open file can still be read), then let go. A newer generation of
      // the same writer means it was read through before; none, that its writer stopped.
      readOn(r);
      closeSync(r.fd);
      readings.delete(name);
    }
    const sorted = [...readings].sort(([, a], [, b]) => a.pid - b.pid || a.generation - b.generation);
    readings.clear();
    for (const [name, r] of sorted) readings.set(name, r);
  };

  /** Reads every log on, the newer generation of one that ended too; `look` lists the folder first. */
  const catchUp = (look = false) => {
    if (reading) return;
    reading = true;
    try {
      if (look) discover();
      do {
        rotated = false;
        for (const r of [...readings.values()]) readOn(r);
        if (rotated) discover();
      } while (rotated);
    } finally {
      reading = false;
    }
  };

  discover();
  const timer = setInterval(() => catchUp(true), every);
  timer.unref();

  return {
    publish(change) {
      if (fd === null) return;
      const line = `${JSON.stringify(change)}\n`;
      try {
        written += writeSync(fd, line);
        if (written >= ROTATE_BYTES) rotate(fd);
      } catch (e) {
        // The folder is gone (deleted, or the primary stopped): the others read their carts again.
        missing(e);
      }
    },
    subscribe(f, l) {
      follow = f;
      if (l) lost = l;
    },
    catchUp: () => catchUp(),
    moveTo(next) {
      // What the others wrote since the folder went, and what this worker wrote, may never be read:
      // every cart kept is let go, and the logs start over in the new folder.
      for (const r of readings.values()) closeSync(r.fd);
      readings.clear();
      seen.clear();
      if (fd !== null) closeSync(fd);
      [dir, generation, written, goneTold] = [next, 0, 0, false];
      try {
        fd = openSync(join(dir, `${pid}.${generation}.log`), 'a', 0o600);
      } catch (e) {
        fd = null;
        missing(e);
      }
      lost();
      discover();
    },
    close() {
      clearInterval(timer);
      for (const t of old) clearTimeout(t);
      for (const r of readings.values()) closeSync(r.fd);
      readings.clear();
      if (fd !== null) closeSync(fd);
    },
  };
}
