// What a Slack user is told when something goes wrong: a short line, never a stack trace, SQL or
// data; someone the bot does not know is told how to get set up. Plain text: whatever shows it
// in mrkdwn escapes it (views/text.ts).
import { AppError } from '../errors.ts';
import { setupText } from '../../views/setup.ts';

/** What the person asked for, for "I couldn't …": e.g. `add your task`; and whether it would have saved anything. */
export interface Label {
  what: string;
  saves?: boolean;
}

/** Errors of a database that is not answering (postgres.js, PGlite, PostgreSQL itself). */
const UNREACHABLE = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, connection failures.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

export function isUnreachable(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && UNREACHABLE.has(e.code)) return true;
    if (typeof e.message === 'string' && /PGlite is closed/.test(e.message)) return true;
  }
  return false;
}

/** The line for an AppError (a refusal the person can act on), or for anything else. */
export function userMessage(error: unknown): string {
  if (!(error instanceof AppError)) return 'Sorry, something went wrong on my side. Please try again in a moment.';
  // requirePerson's error carries the Slack id it did not find.
  return error.code === 'unknown_user' ? setupText(error.message) : error.message;
}

/** When the database does not answer in time, or at all. */
export function unreachableText(label: Label): string {
  return `I couldn't ${label.what}: I can't reach my data right now${label.saves === false ? '' : ', so nothing was saved'}. Please try again in a minute.`;
}

/** When the work after the ack waits on the database: the driver sends it once the database answers again. */
export function waitingText(label: Label): string {
  return label.saves === false
    ? `I can't reach my data right now, so I couldn't ${label.what} yet. You'll see it as soon as my data answers again.`
    : `I can't reach my data right now, so I couldn't ${label.what} yet: nothing is saved so far. It will be done as soon as my data answers again, and you'll see it then.`;
}

/** What the person is told when a listener failed: a refusal as it is; anything else as what failed and that nothing was saved. */
export function failureText(label: Label, error: unknown): string {
  if (error instanceof AppError) return userMessage(error);
  if (isUnreachable(error)) return unreachableText(label);
  return `I couldn't ${label.what}: something went wrong on my side${label.saves === false ? '' : ', so nothing was saved'}. Please try again in a moment.`;
}
