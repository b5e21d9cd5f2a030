// Start-up failures a person can fix, each said in one line: what is wrong and what to do.
// Anything else is "unexpected", with its details (the stack) in the log, never on the terminal.
import { explainDatabaseError } from '../db/errors.ts';
import { SlackStartError } from './slack/connect.ts';

export function explainStartupError(e: unknown, config: { DATABASE_URL?: string | undefined; DATA_DIR?: string; PORT?: number }): string | null {
  if (e instanceof SlackStartError) return e.message;
  const database = explainDatabaseError(e, { url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  if (database) return database;
  const code = (e as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return `port ${config.PORT} is in use by another program: stop it, or set PORT to a free port`;
  if (code === 'EACCES' && (e as { syscall?: unknown }).syscall === 'listen') return `port ${config.PORT} needs privileges this user does not have: set PORT to 1024 or above`;
  return null;
}

/** Says why the program cannot start, one line each, on stderr. */
export function sayCannotStart(lines: string[]): void {
  for (const line of lines) process.stderr.write(`Task Cart cannot start: ${line}\n`);
}
