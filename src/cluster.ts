// WORKERS > 1 (HTTP mode on PostgreSQL): this process is the primary of node:cluster. It checks what
// one bot would (the configuration, the database with its migrations — applied once, here, under
// the advisory lock —, the token with Slack, the port), then forks WORKERS bot processes that share
// the port (with WORKERS unset, only as many as PostgreSQL takes connections for: workersWithRoom):
// the primary accepts connections and hands them out in turn. Nothing of a cart lives in
// a process (a change claims the cart's version, a request's key is saved with it, each scheduled
// slot and each message is claimed in the database), so any worker can answer any request. What
// a worker keeps (the carts it last read or changed, only to skip reading them again) it keeps up to
// date with the others' changes, which each appends to a log of its own in a folder the primary
// makes and removes (workerPeers, src/peer-log.ts). A worker that finds that folder deleted (a
// cleaner of the temporary folder, after days without a change) tells the primary, which makes
// another, says so in one line, and moves every worker there.
// A worker that stops is started again after 1 s, then 2, 4… up to 30 s while it keeps stopping
// (one that ran a minute starts over at 1 s), each time logged. SIGTERM or SIGINT to the primary
// stops every worker along their own shutdown path (drain, jobs, database), and the primary exits
// once they have, within 10 s: 0 when every worker stopped cleanly.
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { LOCK_CONNECTIONS, openDatabase, POOL_MAX, QUEUE_CONNECTIONS } from '../db/client.ts';
import { causeOf } from '../db/errors.ts';
import { connectionRoom, type ConnectionRoom } from '../db/queries/server.ts';
import type { Config } from './config.ts';
import { KEEP_OLD_MS, logPeers, makePeerFolder, removeLogsOf, removePeerFolder } from './peer-log.ts';
import type { Peers } from './services/cart-peers.ts';
import { redact, secretsOf, type JsonLogger } from './logger.ts';
import { checkSlack, type SlackIdentity } from './slack/connect.ts';
import { explainStartupError, sayCannotStart } from './startup.ts';

/** How a worker learns what the primary checked: Slack's answer to auth.test, as JSON. */
export const IDENTITY_ENV = 'TASKCART_WORKER_IDENTITY';
/** What a worker tells the primary once it listens and its scheduler runs. */
export const READY = 'taskcart:ready';
/** Where the workers' logs of their cart changes are (src/peer-log.ts): a folder of the primary's. */
const PEER_FOLDER_ENV = 'TASKCART_PEER_FOLDER';
/** A worker to the primary: this folder of logs is gone. The primary to the workers: log in this one now. */
interface PeerFolderGone {
  type: 'taskcart:peer-folder-gone';
  folder: string;
}
interface PeerFolderMoved {
  type: 'taskcart:peer-folder';
  folder: string;
}
const isMessage = <M extends { type: string }>(m: unknown, type: M['type']): m is M => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;

const DEADLINE_MS = 9_700;
const FIRST_RESTART_MS = 1_000;
const MAX_RESTART_MS = 30_000;
/** A worker that ran this long had not been failing: its next restart waits FIRST_RESTART_MS again. */
const STABLE_MS = 60_000;

/** PostgreSQL connections a worker may hold at once: its pool's, its job queue's and its fan-outs' locks'. */
export const CONNECTIONS_PER_WORKER = POOL_MAX + QUEUE_CONNECTIONS + LOCK_CONNECTIONS;

/**
 * How many workers to start, given the connections PostgreSQL takes now (`room`): WORKERS as set,
 * with a warning where they could need more than that (clicks would fail when all are busy); unset
 * (one a core, which on a large host can outnumber a default max_connections of 100), as many as
 * fit, at least one, and a line saying so.
 */
export function workersWithRoom(asked: number, byDefault: boolean, room: ConnectionRoom): { workers: number; warning: string | null } {
  const fit = Math.floor(room.free / CONNECTIONS_PER_WORKER);
  if (asked <= fit) return { workers: asked, warning: null };
  const need = `${asked} workers may hold ${asked * CONNECTIONS_PER_WORKER} PostgreSQL connections (${CONNECTIONS_PER_WORKER} each) and the server takes ${room.free} more now (max_connections ${room.max})`;
  const workers = Math.max(1, fit);
  if (byDefault) return { workers, warning: `WORKERS is unset, so one a core: ${need}; starting ${workers}. Raise max_connections, or set WORKERS.` };
  return { workers: asked, warning: `WORKERS=${asked}: ${need}, so clicks could fail when all are busy. Set WORKERS to ${workers} or fewer, or raise max_connections.` };
}

/** Whether this process is a worker forked by the primary. */
export const isWorker = () => cluster.isWorker;

/** The Slack identity the primary checked (a worker does not ask again), or undefined. */
export function identityFromPrimary(): SlackIdentity | undefined {
  const raw = process.env[IDENTITY_ENV];
  return raw ? (JSON.parse(raw) as SlackIdentity) : undefined;
}

/** A worker: tells the primary it is serving. */
export function sayReady(): void {
  process.send?.(READY);
}

/**
 * A worker's peers, through the logs in the primary's folder: what this worker saves it appends to
 * its own, and what the others saved it reads from theirs when it looks at what it keeps. A worker
 * that misses a change (its log gone first) reads the cart again, as a bot on another host does.
 * None where the primary could make no folder (it said why) or this worker cannot write there
 * (`problem` hears why): then each worker reads a cart another changed again, as on two hosts.
 * A folder deleted (now, or before this worker started) is told to the primary, which answers with
 * the folder to log in.
 */
export function workerPeers(problem: (line: string) => void): Peers | null {
  const folder = process.env[PEER_FOLDER_ENV];
  if (!folder) return null;
  try {
    // Told from a click's look at what this worker keeps: never thrown into it (a primary gone first).
    const tell = (gone: string) => {
      if (process.connected) process.send?.({ type: 'taskcart:peer-folder-gone', folder: gone } satisfies PeerFolderGone, undefined, undefined, () => {});
    };
    const peers = logPeers(folder, process.pid, undefined, tell);
    process.on('message', (m: unknown) => {
      if (isMessage<PeerFolderMoved>(m, 'taskcart:peer-folder')) peers.moveTo(m.folder);
    });
    return peers;
  } catch (e) {
    problem(`this worker does not follow the others' cart changes: ${folder} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'}); a cart another worker changed is read again`);
    return null;
  }
}

export async function runPrimary(config: Config, logger: JsonLogger): Promise<void> {
  // Fewer where PostgreSQL has no room for their connections (workersWithRoom), once it is asked.
  let n = config.WORKERS;
  let stopping = false;
  let serving = false;
  const workers = new Set<Worker>();
  // The workers' logs of their cart changes: a folder of this primary's, made below (none: not shared).
  let peerFolder: string | null = null;
  const readyOnes = new Set<Worker>();
  const restarts = new Set<NodeJS.Timeout>();
  let backoff = FIRST_RESTART_MS;

  const stopAll = async (code: number) => {
    for (const t of restarts) clearTimeout(t);
    setTimeout(() => {
      logger.error(`workers still running after ${DEADLINE_MS / 1000} s: killing ${workers.size} of them and exiting`);
      for (const w of workers) w.process.kill('SIGKILL');
      if (peerFolder) removePeerFolder(peerFolder);
      process.exit(1);
    }, DEADLINE_MS).unref();
    // A worker still loading the program when the SIGTERM came has no handler for it yet, and the
    // signal ends it: it had nothing to finish (no request reaches a worker before it has), so that
    // is a clean stop too.
    const stopped = (code: number | null, signal: string | null) => code ?? (signal === 'SIGTERM' ? 0 : 1);
    const exits = [...workers].map((w) => new Promise<number>((resolve) => (w.isDead() ? resolve(stopped(w.process.exitCode, w.process.signalCode)) : w.once('exit', (c: number | null, s: string | null) => resolve(stopped(c, s))))));
    for (const w of workers) if (!w.isDead()) w.process.kill('SIGTERM');
    const codes = await Promise.all(exits);
    const failed = codes.filter((c) => c !== 0).length;
    if (failed) logger.error(`${failed} of ${codes.length} workers did not stop cleanly`);
    else logger.info('stopped');
    if (peerFolder) removePeerFolder(peerFolder);
    process.exit(failed ? 1 : code);
  };
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`, { workers: workers.size });
    void stopAll(0);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  // What one bot checks at start, checked once: a failed start says everything wrong at once.
  const [opened, slack, port] = await Promise.allSettled([
    // Then how many more connections it takes: not knowing that (a server that hides it) stops nothing.
    openDatabase({ databaseUrl: config.DATABASE_URL, max: 1, migrate: config.MIGRATE_ON_START ? true : 'check' }).then((d) =>
      connectionRoom(d.db)
        .catch(() => null)
        .finally(() => d.close()),
    ),
    checkSlack(config, logger),
    portFree(config.PORT),
  ]);
  const failed = [opened, slack, port].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failed.length) {
    sayCannotStart(
      failed.map((error) => {
        const line = explainStartupError(error, config);
        if (!line) logger.error('start-up failed', error);
        return line ?? `unexpected error (${redact(causeOf(error), secretsOf(config))}): the log has the details`;
      }),
    );
    process.exit(1);
  }
  if (stopping) return;
  logger.info(`database: PostgreSQL, ${config.MIGRATE_ON_START ? 'migrations applied' : 'migrations checked'}`);
  const room = (opened as PromiseFulfilledResult<ConnectionRoom | null>).value;
  if (room) {
    const sized = workersWithRoom(n, config.workersByDefault ?? false, room);
    if (sized.warning) logger.warn(sized.warning);
    n = sized.workers;
  }
  const identity = (slack as PromiseFulfilledResult<SlackIdentity>).value;

  const fork = (replacing?: number) => {
    const started = Date.now();
    const worker = cluster.fork({ [IDENTITY_ENV]: JSON.stringify(identity), ...(peerFolder && { [PEER_FOLDER_ENV]: peerFolder }) });
    workers.add(worker);
    let ready = false;
    worker.on('message', (m: unknown) => {
      if (isMessage<PeerFolderGone>(m, 'taskcart:peer-folder-gone')) return remakePeerFolder(m.folder, worker);
      if (m !== READY) return;
      ready = true;
      readyOnes.add(worker);
      if (replacing !== undefined) logger.info(`worker ${worker.process.pid} started in place of ${replacing}`, { worker: worker.process.pid });
      if (!serving && readyOnes.size === n) {
        serving = true;
        logger.info(`${n} worker${n === 1 ? '' : 's'} serving http://0.0.0.0:${config.PORT}/slack/events`, { workers: [...workers].map((w) => w.process.pid) });
      }
    });
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      readyOnes.delete(worker);
      if (stopping) return;
      // Its log, once the others have read it to its end.
      const [pid, folder] = [worker.process.pid!, peerFolder];
      if (folder) setTimeout(() => removeLogsOf(folder, pid), KEEP_OLD_MS).unref();
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      if (!serving && !ready) {
        // A worker that cannot start: it said why on stderr; the others would fail alike.
        logger.error(`worker ${worker.process.pid} ${how} while starting: stopping`);
        stopping = true;
        void stopAll(1);
        return;
      }
      backoff = Date.now() - started > STABLE_MS ? FIRST_RESTART_MS : backoff;
      logger.error(`worker ${worker.process.pid} ${how}: starting another in ${backoff / 1000} s`, { worker: worker.process.pid, code, signal });
      const timer = setTimeout(() => {
        restarts.delete(timer);
        if (!stopping) fork(worker.process.pid);
      }, backoff);
      restarts.add(timer);
      backoff = Math.min(MAX_RESTART_MS, backoff * 2);
    });
  };
  /**
   * A worker found the folder of logs deleted: another one, once, and every worker moves there. A
   * worker that says so of a folder already replaced (it missed the move, still starting) is moved
   * on its own. Without a folder the workers go on as on two hosts.
   */
  const remakePeerFolder = (gone: string, from: Worker) => {
    // A worker stopping meanwhile cannot be told, and needs not be: its replacement starts in the folder.
    const move = (w: Worker, folder: string) => w.isConnected() && w.send({ type: 'taskcart:peer-folder', folder } satisfies PeerFolderMoved, undefined, () => {});
    if (stopping) return;
    if (gone !== peerFolder) {
      if (peerFolder) move(from, peerFolder);
      return;
    }
    try {
      peerFolder = makePeerFolder(tmpdir());
    } catch (e) {
      peerFolder = null;
      logger.warn(`the workers' logs of their cart changes were deleted (${gone}) and no folder can be made in ${tmpdir()} (${(e as NodeJS.ErrnoException).code ?? 'error'}): the workers no longer follow each other's cart changes; each reads again a cart another changed`);
      return;
    }
    logger.warn(`the workers' logs of their cart changes were deleted (${gone}; a cleaner of the temporary folder?): they log in ${peerFolder} now. Set TMPDIR to a folder nothing cleans to avoid it.`);
    for (const w of workers) move(w, peerFolder);
  };
  // Without it (a read-only file system) the workers still serve: each reads again a cart another changed.
  try {
    peerFolder = makePeerFolder(tmpdir());
  } catch (e) {
    logger.warn(`the workers will not follow each other's cart changes: no folder can be made in ${tmpdir()} (${(e as NodeJS.ErrnoException).code ?? 'error'}); each reads again a cart another changed`);
  }
  for (let i = 0; i < n; i++) fork();
}

/** Rejects as listen() would (EADDRINUSE, EACCES) when the port cannot be served. */
function portFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, () => probe.close(() => resolve()));
  });
}
