// A database the test can break, on whichever driver the run uses, for the bot to use while the
// test checks the data through its own, unbroken connection:
// - PostgreSQL: the real driver (postgres.js) through a TCP proxy that cuts or pauses the network;
// - embedded: the same PGlite client, wrapped so that its queries fail as a lost connection
//   does (cut) or wait until restored (pause).
// One difference is the driver's own: postgres.js keeps a query that finds no connection until
// the server answers again (it reconnects), so on PostgreSQL a query sent after a cut waits as
// in a pause, while one already sent fails.
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, pgliteDatabase, type Database } from '../../db/client.ts';
import type { TestDatabase } from './db.ts';
import { TcpProxy } from './tcp-proxy.ts';

export interface FaultyDatabase {
  /** What the bot is given. */
  database: Database;
  cut(): void;
  pause(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function faultyDatabase(t: TestDatabase): Promise<FaultyDatabase> {
  if (t.url) {
    const target = new URL(t.url);
    const proxy = await new TcpProxy(Number(target.port || 5432), target.hostname).start();
    const database = await openDatabase({ databaseUrl: proxy.url(t.url), migrate: false, max: 4 });
    return {
      database,
      cut: () => proxy.cut(),
      pause: () => proxy.pause(),
      restore: () => proxy.restore(),
      close: async () => {
        await proxy.restore();
        await database.close();
        await proxy.stop();
      },
    };
  }
  const faults = new PgliteFaults(t.pglite!);
  return {
    database: { ...(await pgliteDatabase(faults.client)), close: async () => {} },
    cut: () => faults.set('cut'),
    pause: () => faults.set('paused'),
    restore: async () => faults.set('open'),
    close: async () => faults.set('open'),
  };
}

/** PGlite's client with a switch: cut rejects every query as a dropped connection does; pause holds them. */
class PgliteFaults {
  private state: 'open' | 'paused' | 'cut' = 'open';
  private held: (() => void)[] = [];
  readonly client: PGlite;

  constructor(real: PGlite) {
    const gate = () => this.gate();
    const wrap = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(obj, prop) {
          const value = Reflect.get(obj, prop, obj) as unknown;
          if (typeof value !== 'function') return value;
          // _runExclusiveTransaction: where a statement db/pglite-statements.ts prepared begins (held
          // before PGlite's lock is taken, as a query is: the test's own handle shares the client).
          if (prop === 'query' || prop === 'exec' || prop === '_runExclusiveTransaction') {
            return async (...args: unknown[]) => {
              await gate();
              return (value as (...a: unknown[]) => unknown).apply(obj, args);
            };
          }
          if (prop === 'transaction') {
            return async (fn: (tx: object) => unknown) => {
              await gate();
              return (value as (f: unknown) => unknown).call(obj, (tx: object) => fn(wrap(tx)));
            };
          }
          return (value as (...a: unknown[]) => unknown).bind(obj);
        },
      });
    this.client = wrap(real);
  }

  /** Held queries go on when restored, and fail when cut: as queries a paused server was sent do when the line drops. */
  set(state: 'open' | 'paused' | 'cut'): void {
    this.state = state;
    if (state !== 'paused') for (const go of this.held.splice(0)) go();
  }

  private async gate(): Promise<void> {
    if (this.state === 'paused') await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.state === 'cut') throw Object.assign(new Error('Connection terminated unexpectedly (a test cut it)'), { code: 'ECONNRESET' });
  }
}
