// One error type with codes: a refusal the person can act on. It carries a code and the values
// the answer needs (a title, an ISO day), never English: views/errors.ts says it in the person's
// language. Anything else that goes wrong is logged and answered with a generic line.
export type ErrorCode =
  /** Someone the bot does not know: `userId`. */
  | 'unknown_user'
  | 'cart_not_found'
  | 'cart_not_yours'
  | 'task_not_yours'
  /** A task a later week's cart carried over asked to be marked: its copy there is the one to mark. */
  | 'task_carried'
  /** The task is no longer in the cart. */
  | 'task_gone'
  /** A fixed task asked to move: `title`, `day`. */
  | 'fixed_task'
  /** A fixed task asked to be removed: `title`. */
  | 'fixed_task_remove'
  /** A task done, skipped or carried over on the task list (a cart reopened after its commit) asked to move or go: `title`. */
  | 'finished_task'
  /** `title` may not move to `day`: outside its window, or not a work day. */
  | 'outside_window'
  /** `day` is not in the cart's week. */
  | 'outside_week'
  /** `day` of the working week has gone by: nothing moves to it. */
  | 'day_past'
  /** Every work day of the cart's week has gone by: nothing more can be planned on it. */
  | 'week_over'
  /** A new task's day is not a work day of the cart's week. */
  | 'not_work_day'
  /** The cart kept changing while a change was saved. */
  | 'cart_busy'
  /** The cart changed since the suggestion was made. */
  | 'suggestion_stale'
  | 'committed'
  | 'not_supervisor'
  /** Someone who is not a supervisor of the exception's `team` asked to decide on it. */
  | 'not_approver'
  /** A button, window, menu or form the bot did not make (or an old one): `where` says which. */
  | 'unknown_button'
  | 'unknown_team_button'
  /** Rebalancing a team's carts asked by someone who is not one of its supervisors. */
  | 'rebalance_not_supervisor'
  | 'unknown_window'
  | 'unknown_menu'
  | 'unknown_form'
  | 'invalid_effort';

export type ErrorParams = Readonly<Record<string, string | number>>;

/**
 * A change that was saved, then not shown (the cart message, a window, App Home or a reminder could
 * not be edited): the person is told it is saved, not that nothing was, and `where` to see it — their
 * cart, their task list, App Home — or, for a supervisor's decision, that nothing is left to do. Its
 * cause is what failed.
 */
export class SavedNotShown extends Error {
  override name = 'SavedNotShown';
  constructor(
    readonly where: 'cart' | 'tasks' | 'home' | 'decision',
    cause: unknown,
  ) {
    super('the change was saved; showing it failed', { cause });
  }
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    readonly params: ErrorParams = {},
  ) {
    // For logs and the command line only: people read views/errors.ts.
    super(Object.keys(params).length ? `${code} ${JSON.stringify(params)}` : code);
  }
}
