// What a Slack user sees when something goes wrong: a short line, never a stack trace;
// someone the bot does not know is told how to get set up.
import type { RespondFn } from '@slack/bolt';
import { AppError } from '../errors.ts';
import type { JsonLogger } from '../logger.ts';
import { setupText } from '../../views/setup.ts';

export const GENERIC_ERROR = 'Sorry, something went wrong on our side. Please try again in a moment.';

export function userMessage(error: unknown): string {
  if (!(error instanceof AppError)) return GENERIC_ERROR;
  // requirePerson's error carries the Slack id it did not find.
  return error.code === 'unknown_user' ? setupText(error.message) : error.message;
}

/** Answers a failed interaction privately; logs what was not the user's doing. */
export async function replyError(respond: RespondFn, logger: JsonLogger, what: string, error: unknown): Promise<void> {
  if (!(error instanceof AppError)) logger.error(`${what} failed`, error);
  await respond({ response_type: 'ephemeral', replace_original: false, text: userMessage(error) });
}
