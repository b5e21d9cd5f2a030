// One error type with codes. `message` is safe to show a Slack user as it is;
// anything else that goes wrong is logged and answered with a generic line.
export type ErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'unknown_user'
  | 'fixed_task'
  | 'outside_window'
  | 'outside_week'
  | 'stale'
  | 'committed'
  | 'flagged'
  | 'invalid';

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
