// What a database error may say to a person: its kind and cause, never its text. Drizzle's errors
// carry the statement and its parameters (row data: names, phone numbers), and PostgreSQL's messages
// and details quote values, so neither is ever shown; the SQLSTATE code or the connection's failure
// says enough to act on.
import { postgresTarget } from './postgres-url.ts';

/** Codes of a connection that failed before PostgreSQL answered (socket errors, timeouts, postgres.js's own). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'DATABASE_TIMEOUT']);

/** Whether an error's own code is a failed connection: one of those, or a Unix socket that is not there (a server restarting). */
const failedConnection = (err: { code?: unknown; syscall?: unknown } | null): boolean =>
  typeof err?.code === 'string' && (CONNECTION_CODES.has(err.code) || (err.code === 'ENOENT' && err.syscall === 'connect'));

/** The SQLSTATE of a PostgreSQL error (postgres.js or PGlite), looking through Drizzle's wrapper; null if none. */
export function sqlState(e: unknown): string | null {
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 5; c = (c as { cause?: unknown }).cause, depth += 1) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/** A connection that failed before PostgreSQL answered (refused, unknown host, timed out). */
function connectionCode(e: unknown): string | null {
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 5; c = (c as { cause?: unknown }).cause, depth += 1) {
    if (failedConnection(c)) return (c as { code: string }).code;
  }
  return null;
}

/** Whether the error came from the database or the way to it. */
export function isDatabaseError(e: unknown): boolean {
  return sqlState(e) !== null || connectionCode(e) !== null || (e instanceof Error && e.name === 'DrizzleQueryError');
}

/** Errors about a value or a row (as opposed to the connection or the server): worth finding the row. */
export function isRowError(e: unknown): boolean {
  const code = sqlState(e) ?? '';
  return /^(22|23|P0|54)/.test(code);
}

const CLASSES: Array<[prefix: string, what: string]> = [
  ['23505', 'a value that must be unique is already taken'],
  ['23503', 'it names a row that does not exist (a reference)'],
  ['23502', 'a required value is missing'],
  ['23514', 'a value breaks a check of the database'],
  ['23', 'it breaks a rule of the database (integrity constraint)'],
  ['22', 'a value the database cannot store (data exception)'],
  ['P0', 'a database trigger or function refused it'],
  ['54', 'a value is too large for the database (program limit)'],
  ['40', 'it collided with another change at the same time: run it again'],
  ['42', 'the database does not have the expected tables or columns: is it migrated to this version?'],
  ['3D', 'the database does not exist'],
  ['28', 'the database refused the user or password'],
  ['08', 'the connection to the database failed'],
  ['53', 'the database ran out of resources (disk, memory or connections)'],
  ['57', 'the database was shut down or cancelled the work'],
];

/** One line: the kind of failure and its code, e.g. "a value breaks a check of the database (23514)". */
export function describeDatabaseError(e: unknown): string {
  const code = sqlState(e);
  if (code) {
    const found = CLASSES.find(([prefix]) => code.startsWith(prefix));
    return `${found ? found[1] : 'the database reported an error'} (SQLSTATE ${code})`;
  }
  const conn = connectionCode(e);
  if (conn) return `cannot reach the database (${conn}): is it running, and is DATABASE_URL right?`;
  return 'the database reported an error';
}


/** The driver's error under drizzle's wrapper (its `cause`), or the error itself. */
export function rootCause(e: unknown): unknown {
  let current = e;
  for (let i = 0; i < 5; i++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    current = cause;
  }
  return current;
}


/**
 * Whether an error means the database could not be reached (rather than a query being wrong):
 * socket errors, connection timeouts, and PostgreSQL's own "shutting down / cannot connect now".
 */
export function isConnectionError(e: unknown): boolean {
  const err = rootCause(e) as { code?: unknown; message?: unknown; syscall?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = typeof err?.message === 'string' ? err.message : '';
  return (
    failedConnection(err) ||
    /^(08|57P)/.test(code) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|socket hang up/i.test(message)
  );
}

/** The cause in a few words, e.g. `connect ECONNREFUSED 127.0.0.1:5432`. */
export function causeOf(e: unknown): string {
  const err = rootCause(e) as { code?: unknown; message?: unknown } | null;
  const message = typeof err?.message === 'string' && err.message ? err.message : String(err);
  if (/^Failed query:/.test(message)) return 'a query failed';
  return message.split('\n')[0]!.slice(0, 200);
}

interface Target {
  /** DATABASE_URL, when a PostgreSQL server is used. */
  url?: string | undefined;
  /** DATA_DIR, for the embedded database. */
  dataDir?: string | undefined;
}

/**
 * One line saying what is wrong with the database and what to do, for the errors a person can fix
 * (wrong name, host, port, password, user, rights); null when the error is something else.
 */
export function explainDatabaseError(e: unknown, target: Target): string | null {
  if (e instanceof DatabaseError) return e.message;
  const err = rootCause(e) as { code?: unknown; message?: unknown; hostname?: unknown; syscall?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = typeof err?.message === 'string' ? err.message : '';
  if (!target.url) return null;
  const connect = postgresTarget(target.url);
  let u: URL;
  try {
    u = new URL(connect.url);
  } catch {
    return null;
  }
  // A Unix socket: named by its folder, as createdb -h takes it.
  const { socket } = connect;
  const host = socket ? socket.folder : u.hostname || 'localhost';
  const port = socket ? socket.port : u.port || '5432';
  const where = socket ? `the socket ${socket.path}` : `${host}:${port}`;
  const user = decodeURIComponent(u.username) || process.env.USER || 'postgres';
  const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || user;
  switch (code) {
    case '3D000':
      return `the database "${name}" does not exist on ${where}: create it (createdb -h ${host} -p ${port} -U ${user} ${name}) or fix the database name in DATABASE_URL`;
    case '28P01':
      return `PostgreSQL on ${where} refused the password of user "${user}": fix the password in DATABASE_URL`;
    case '28000':
      return `PostgreSQL on ${where} refused user "${user}" (${message}): fix the user in DATABASE_URL, or create the role and allow it in pg_hba.conf`;
    case '42501':
      return `user "${user}" may not create the tables in database "${name}" on ${where} (${message}): grant it the rights, or run npm run db:migrate as the database's owner`;
    case '53300':
      return `PostgreSQL on ${where} has no free connection (${message}): raise max_connections or run fewer processes`;
    case '57P03':
      return `PostgreSQL on ${where} is starting up or shutting down: try again in a moment`;
    case 'ECONNREFUSED':
      return `nothing answers on ${where} (connection refused): start PostgreSQL there, or fix the host and port in DATABASE_URL`;
    case 'ENOENT':
      if (socket && failedConnection(err)) return `there is no PostgreSQL socket at ${socket.path}: start PostgreSQL, or fix the socket folder (host) and port in DATABASE_URL`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the database host "${host}" is not found: fix the host in DATABASE_URL`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
      return `PostgreSQL on ${where} did not answer within ${CONNECT_TIMEOUT_S} s: check that it runs and that the network lets this machine through, or fix DATABASE_URL`;
  }
  if (/self[- ]signed certificate|SSL|ssl/.test(message)) return `the TLS connection to ${where} failed (${message}): check sslmode in DATABASE_URL`;
  return null;
}

/** How long opening a PostgreSQL connection may take at start-up. */
export const CONNECT_TIMEOUT_S = 10;

/** A database problem already said in one line for a person (`message`). */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}
