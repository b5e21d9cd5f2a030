// What a Slack user is told when something goes wrong: a short line in their language
// (views/errors.ts), never a stack trace, SQL or data; someone the bot does not know is told how
// to get set up.
import { AppError, SavedNotShown } from '../errors.ts';
import { brokenText, errorText, lateWindowText, notShownText, unreachableText, type Label, type Mode } from '../../views/errors.ts';
import { refusalOf } from './web-client.ts';
import type { T } from '../../views/i18n/index.ts';

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

/** Showing a change: when it fails after the change was saved, the person is told it is saved, and where to see it (SavedNotShown). */
export async function savedThen(result: { changed: boolean }, where: SavedNotShown['where'], showing: Promise<unknown>): Promise<void> {
  try {
    await showing;
  } catch (e) {
    if (!result.changed) throw e;
    // Said of the change this person made: a cart shown inside a supervisor's decision is theirs to see.
    throw e instanceof SavedNotShown && e.where === where ? e : new SavedNotShown(where, e instanceof SavedNotShown ? e.cause : e);
  }
}

/** Slack refused to open a window because the click's trigger had expired (it lasts 3 s). */
export const isLateWindow = (error: unknown): boolean => refusalOf(error) === 'expired_trigger_id';

/** What the person is told when a listener failed: a refusal as it is; anything else as what failed and whether anything was saved. */
export function failureText(t: T, label: Label, error: unknown, mode: Mode): string {
  if (error instanceof AppError) return errorText(t, error.code, error.params, mode);
  // Saved, then not shown: never "nothing was saved".
  if (error instanceof SavedNotShown) return notShownText(t, error.where, mode);
  // A window opened on a click more than 3 s after it: Slack refuses the trigger. Clicking again works.
  if (isLateWindow(error)) return lateWindowText(t, mode);
  if (isUnreachable(error)) return unreachableText(t, label, mode);
  return brokenText(t, label, mode);
}
