// The embedded database's client as drizzle gets it: a statement with parameters is prepared once
// and then only bound and run, as db/client.ts does for PostgreSQL with postgres.js.
//
// Why: PGlite's `query` sends each statement unnamed — parse, describe, bind, describe, execute,
// five calls into the WebAssembly PostgreSQL — so the server parses and plans it again every time.
// A cart's snapshot cost 5.6 ms of CPU that way and 2.9 ms prepared, through drizzle (measured
// 2026-11-27 on 120-task carts, docs/performance.md item 12); a click makes one or two such statements.
// PGlite is one session, so a named statement lives as long as the client; PostgreSQL re-plans it
// by itself after a migration changes what it reads. Everything else about a query is PGlite's own:
// the same locks (one query at a time, none inside another's transaction), the same serialisers
// and parsers, the same errors, the data folder synced after each statement.
import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';

interface Prepared {
  name: string;
  /** The parameters' types as the server inferred them: each value is serialised for its type. */
  types: number[];
}

/**
 * Statements kept at most. Task Cart's texts are a few dozen (lists travel as one JSON parameter);
 * a text past this many (an `in` list of a new length) runs unnamed, as before, so a session never
 * piles up plans.
 */
const MAX_STATEMENTS = 200;

/** The statements prepared on each client, by text. */
const kept = new WeakMap<PGlite, Map<string, Prepared>>();
let made = 0;

/** A plan whose result's columns changed under it: closed, and prepared again. */
const CHANGED_RESULT = '0A000';
/** No such statement (the session's were dropped, `discard all`): prepared again. */
const FORGOTTEN = '26000';

const joined = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** PGlite's members this file uses that its public type leaves out (they are in its declarations, underscored). */
type Locks = {
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
};

/**
 * The client, with `query` preparing each statement text that has parameters the first time it
 * runs. Transactions keep PGlite's own path: they are few, and their statements run on the
 * transaction's handle.
 */
export function preparingPglite(client: PGlite): PGlite {
  // One list per client, whoever wraps it again (tests open several handles on one client).
  const statements = kept.get(client) ?? new Map<string, Prepared>();
  kept.set(client, statements);
  const locks = client as unknown as Locks;
  // As PGlite's query sends each part: the data folder synced once the statement is done (below),
  // a notice to the caller's handler when it gave one.
  const send = (parts: Uint8Array[], options?: QueryOptions) => client.execProtocolStream(joined(parts), { syncToFs: false, ...(options?.onNotice && { onNotice: options.onNotice }) });

  async function prepare(text: string, options?: QueryOptions): Promise<Prepared> {
    // Unique in the process: two clients may be one session (a test's handle and its faulty twin).
    const name = `taskcart_${++made}`;
    const messages = await send([protocol.serialize.parse({ name, text, types: options?.paramTypes ?? [] }), protocol.serialize.describe({ type: 'S', name }), protocol.serialize.sync()], options);
    const description = messages.find((m): m is InstanceType<typeof protocol.messages.ParameterDescriptionMessage> => m.name === 'parameterDescription');
    const prepared = { name, types: description?.dataTypeIDs ?? [] };
    statements.set(text, prepared);
    return prepared;
  }

  async function run<T>(text: string, params: unknown[], options: QueryOptions | undefined, again: boolean): Promise<Results<T>> {
    const { name, types } = statements.get(text) ?? (await prepare(text, options));
    // As PGlite's query serialises them: by the type the server gave each parameter.
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = options?.serializers?.[types[i]!] ?? client.serializers[types[i]!];
      return serializer ? serializer(value) : String(value);
    });
    let messages;
    try {
      messages = await send([protocol.serialize.bind({ statement: name, values }), protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}), protocol.serialize.sync()], options);
    } catch (e) {
      // Either is raised before the statement runs: nothing was done, it can be sent again.
      const code = (e as { code?: unknown }).code;
      if (again || (code !== CHANGED_RESULT && code !== FORGOTTEN)) throw e;
      statements.delete(text);
      if (code === CHANGED_RESULT) await send([protocol.serialize.close({ type: 'S', name }), protocol.serialize.sync()]);
      return run(text, params, options, true);
    }
    await client.syncToFs();
    return parse.parseResults(messages, client.parsers, options)[0] as Results<T>;
  }

  const query = <T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> =>
    params.length === 0 || (statements.size >= MAX_STATEMENTS && !statements.has(text))
      ? client.query<T>(text, params, options)
      : locks._runExclusiveTransaction(() => locks._runExclusiveQuery(() => run<T>(text, params, options, false)));

  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') return query;
      const value = Reflect.get(target, property, target) as unknown;
      // PGlite's methods use its private fields: they run on the client itself.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
