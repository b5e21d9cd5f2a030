// What a database error may say to a person: its kind, never its text. Drizzle's errors carry the
// statement and its parameters (row data: names, phone numbers), and PostgreSQL's messages and
// details quote values, so neither is ever shown; the SQLSTATE code says enough to act on.

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
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|CONNECT_TIMEOUT|CONNECTION_\w+)$/.test(code)) return code;
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
