// What an agent sees when something goes wrong: a short line, never a stack trace.
import { AppError } from '../errors.ts';

export const GENERIC_ERROR = 'Sorry, something went wrong on our side. Please try again in a moment.';

export function userMessage(error: unknown): string {
  return error instanceof AppError ? error.message : GENERIC_ERROR;
}
