// What a person is told when something is refused or fails, in their language: one place maps
// the codes of AppError and of a form's fields to the catalogs' texts. Never a stack trace, SQL
// or data beyond the person's own words (a task's title).
import type { ErrorCode, ErrorParams } from '../src/errors.ts';
import type { FieldError } from '../src/services/forms.ts';
import type { Key, T } from './i18n/index.ts';
import { offName } from './words.ts';
import { setupText } from './setup.ts';

/** How a text is rendered: mrkdwn (a message, a section) or plain (under a modal's field, an option). */
export type Mode = 'mrkdwn' | 'plain';

const render = (t: T, mode: Mode) => (mode === 'plain' ? t.plain : t);

const ERROR: Record<Exclude<ErrorCode, 'unknown_user'>, Key> = {
  cart_not_found: 'error.cart_not_found',
  cart_not_yours: 'error.cart_not_yours',
  task_not_yours: 'error.task_not_yours',
  task_carried: 'error.task_carried',
  task_gone: 'error.task_gone',
  fixed_task: 'error.fixed_task',
  fixed_task_remove: 'error.fixed_task_remove',
  finished_task: 'error.finished_task',
  outside_window: 'error.outside_window',
  outside_week: 'error.outside_week',
  day_past: 'error.day_past',
  week_over: 'error.week_over',
  not_work_day: 'error.not_work_day',
  cart_busy: 'error.cart_busy',
  suggestion_stale: 'error.suggestion_stale',
  committed: 'cart.is_committed',
  not_supervisor: 'error.not_supervisor',
  unknown_button: 'error.unknown_button',
  unknown_team_button: 'error.unknown_team_button',
  rebalance_not_supervisor: 'error.rebalance_not_supervisor',
  unknown_window: 'error.unknown_window',
  unknown_menu: 'error.unknown_menu',
  unknown_form: 'error.unknown_form',
  invalid_effort: 'error.invalid_effort',
  not_approver: 'error.not_approver',
};

/** A refusal (AppError's code and values) as the person reads it. */
export function errorText(t: T, code: ErrorCode, params: ErrorParams, mode: Mode = 'mrkdwn'): string {
  if (code === 'unknown_user') return setupText(t, String(params.userId ?? ''), mode);
  // Days are ISO in the error; people read them as weekdays.
  const values = { ...params, ...(typeof params.day === 'string' && { day: t.fmt.day(params.day) }) };
  return render(t, mode)(ERROR[code], values);
}

const FIELD: Record<Exclude<FieldError['code'], 'day_off' | 'day_past'>, Key> = {
  title_missing: 'field.title_missing',
  title_long: 'field.title_long',
  customer_not_yours: 'field.customer_not_yours',
  type_missing: 'field.type_missing',
  day_not_in_week: 'field.day_not_in_week',
  priority_missing: 'field.priority_missing',
  committed: 'cart.is_committed',
  reason_short: 'field.reason_short',
  reason_long: 'field.reason_long',
  notes_long: 'field.notes_long',
  effort_range: 'field.effort_range',
  segment_from_list: 'field.segment_from_list',
  region_from_list: 'field.region_from_list',
  days_number: 'field.days_number',
  no_targets: 'field.no_targets',
  tags_too_many: 'field.tags_limit',
  not_your_customer: 'field.not_your_customer',
  tick_from_list: 'field.tick_from_list',
  tick_one: 'field.tick_at_least',
  pick_work_day: 'error.not_work_day',
  note_missing: 'field.note_missing',
  note_long: 'field.note_long',
};

/** What is wrong with a field, under it (plain text, as Slack shows a modal's errors). */
export function fieldErrorText(t: T, e: FieldError): string {
  if (e.code === 'day_off') return t.plain('field.day_off', { off: offName(t, e.day, { kind: e.kind, reason: e.reason }) });
  if (e.code === 'day_past') return t.plain('error.day_past', { day: t.fmt.day(e.day) });
  const values = Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'code')) as Record<string, number>;
  return t.plain(FIELD[e.code], values);
}

/** What the person asked for, for "I couldn't …"; `saves`: whether it would have saved anything. */
export interface Label {
  doing: Doing;
  saves?: boolean;
}

export const DOING = {
  open_cart: 'doing.open_cart',
  list_tasks: 'doing.list_tasks',
  show_team: 'doing.show_team',
  open_add_task: 'doing.open_add_task',
  search_customers: 'doing.search_customers',
  add_task: 'doing.add_task',
  commit: 'doing.commit',
  apply: 'doing.apply',
  balance: 'doing.balance',
  reopen: 'doing.reopen',
  open_day: 'doing.open_day',
  change_task: 'doing.change_task',
  turn_page: 'doing.turn_page',
  open_pick: 'doing.open_pick',
  find_customers: 'doing.find_customers',
  add_picked: 'doing.add_picked',
  mark_done: 'doing.mark_done',
  skip: 'doing.skip',
  undo: 'doing.undo',
  nudge: 'doing.nudge',
  show_home: 'doing.show_home',
  switch_reminder: 'doing.switch_reminder',
  approve: 'doing.approve',
  send_back: 'doing.send_back',
  rebalance: 'doing.rebalance',
  apply_rebalance: 'doing.apply_rebalance',
} as const satisfies Record<string, Key>;
export type Doing = keyof typeof DOING;

/** The thing asked for, in words ("add your task"): in the person's language, or in English for the log. */
export function doingText(t: T, doing: Doing): string {
  return t.plain(DOING[doing]);
}

/** When the database does not answer in time, or at all. */
export function unreachableText(t: T, label: Label, mode: Mode): string {
  return render(t, mode)(label.saves === false ? 'failure.unreachable_read' : 'failure.unreachable', { what: doingText(t, label.doing) });
}

/** When the work after the ack waits on the database: it is done once the database answers again. */
export function waitingText(t: T, label: Label, mode: Mode): string {
  return render(t, mode)(label.saves === false ? 'failure.waiting_read' : 'failure.waiting', { what: doingText(t, label.doing) });
}

/** Anything else that failed: what, and whether anything was saved. */
export function brokenText(t: T, label: Label, mode: Mode): string {
  return render(t, mode)(label.saves === false ? 'failure.other_read' : 'failure.other', { what: doingText(t, label.doing) });
}

const NOT_SHOWN = { cart: 'failure.not_shown_cart', tasks: 'failure.not_shown_tasks', home: 'failure.not_shown_home', decision: 'failure.not_shown_decision' } as const satisfies Record<string, Key>;

/** A change saved, then not shown: it is saved, and where to see it (the cart, the task list, App Home), or for a decision that nothing is left to do. */
export function notShownText(t: T, where: keyof typeof NOT_SHOWN, mode: Mode): string {
  return render(t, mode)(NOT_SHOWN[where]);
}

/** A window Slack would no longer open: the click's trigger lasts 3 seconds, and the bot took longer (a slow database). */
export function lateWindowText(t: T, mode: Mode): string {
  return render(t, mode)('failure.window_late');
}

/** The one option the customer search answers when it cannot search. */
export function cantSearchText(t: T): string {
  return t.plain('failure.search');
}
