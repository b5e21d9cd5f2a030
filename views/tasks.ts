// The task list: App Home (today with Done and Skip, then the tasks of days before the working week
// still open, the working week at a glance, both weeks' carts, an agent's reminder switches) and
// /tasks (today, the working week, or the plan committed for the planning week; the first two end
// with the tasks still open from before the week).
import type { KnownBlock } from '@slack/types';
import type { TaskRow } from '../db/queries/carts.ts';
import { addDays } from '../src/engine/index.ts';
import type { ReminderKind, ReminderSwitches } from '../src/services/reminders.ts';
import type { TaskListView } from '../src/services/tasks.ts';
import type { Key, T } from './i18n/index.ts';
import { ACTIONS } from './ids.ts';
import { LIMITS, mrkdwn, plain, truncateMrkdwn } from './limits.ts';
import { md } from './text.ts';

/** Today's tasks shown with buttons in App Home: two blocks each, leaving room for the rest. */
export const HOME_TODAY_MAX = 35;
/**
 * Tasks still open from before the working week shown with buttons in App Home, the latest: with
 * today's at their most (72 blocks with the line saying how many more) and the rest of the Home (at
 * most 10), 7 of these (their title, 14 blocks and a line saying how many more) keep it within Slack's 100.
 */
export const HOME_EARLIER_MAX = 7;
/** A /tasks answer longer than this is cut: Slack's message text holds about 4,000 characters. */
const LIST_MAX = 3400;

/** The value of App Home's "Open my cart": the planning week's cart. */
export const OPEN_NEXT = 'next';

const mark = { open: '▫️', done: '✅', skipped: '⏭️', carried_over: '↪️' } as const;

export function taskLine(t: T, task: TaskRow): string {
  const label = t.fmt.typeLabel(task.typeKey, task.label);
  const urgent = task.priority === 'urgent' || task.priority === 'high';
  const details = urgent ? t.plain('tasks.details_priority', { effort: t.fmt.minutes(task.effortMinutes), priority: t.fmt.priority(task.priority) }) : t.fmt.minutes(task.effortMinutes);
  const line = task.customerName
    ? t('tasks.line_customer', { mark: mark[task.status], label, customer: task.customerName, title: task.title, details })
    : t('tasks.line', { mark: mark[task.status], label, title: task.title, details });
  return truncateMrkdwn(line, 400);
}

/** A task of a day before the working week: its day, then its line. */
const earlierLine = (t: T, task: TaskRow) => truncateMrkdwn(t('tasks.earlier_line', { day: t.fmt.day(task.day), line: md(taskLine(t, task)) }), 400);

function cartState(t: T, cart: TaskListView['thisCart']): string {
  if (!cart) return t('cart.state_none');
  if (cart.status === 'committed') return t(cart.exceptionReason ? 'cart.state_exception' : 'cart.state_committed');
  return t('cart.state_open');
}

export function homeView(t: T, v: TaskListView) {
  const today = v.week.filter((x) => x.day === v.today);
  const committed = v.thisCart?.status === 'committed';
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t.plain('home.today', { day: t.fmt.day(v.today) }), LIMITS.headerText) },
    { type: 'context', elements: [mrkdwn(t('home.hello', { name: v.name }))] },
  ];
  if (!today.length) blocks.push({ type: 'section', text: mrkdwn(t(committed ? 'home.nothing_today' : 'home.no_list_today')) });
  const withButtons = (task: TaskRow, line: string) => {
    blocks.push({ type: 'section', text: mrkdwn(line) });
    const button = (action: string, key: Key, primary = false) => ({
      type: 'button' as const,
      action_id: action,
      text: plain(t.plain(key), LIMITS.buttonText),
      value: String(task.id),
      ...(primary && { style: 'primary' as const }),
    });
    blocks.push({
      type: 'actions',
      block_id: `task_${task.id}`,
      elements: task.status === 'open' ? [button(ACTIONS.taskDone, 'button.done', true), button(ACTIONS.taskSkip, 'button.skip')] : [button(ACTIONS.taskUndo, 'button.undo')],
    });
  };
  for (const task of today.slice(0, HOME_TODAY_MAX)) withButtons(task, taskLine(t, task));
  if (today.length > HOME_TODAY_MAX) blocks.push({ type: 'context', elements: [mrkdwn(t('home.more_today', { count: today.length - HOME_TODAY_MAX }))] });
  const done = today.filter((x) => x.status === 'done').length;
  const left = today.filter((x) => x.status === 'open').reduce((s, x) => s + x.effortMinutes, 0);
  if (today.length) blocks.push({ type: 'context', elements: [mrkdwn(t('home.progress', { done, total: today.length, left: t.fmt.minutes(left) }))] });
  if (v.earlierCount) {
    blocks.push({ type: 'section', text: mrkdwn(t('home.earlier', { count: v.earlierCount })) });
    // The latest ones: the days just before this week.
    for (const task of v.earlier.slice(-HOME_EARLIER_MAX)) withButtons(task, earlierLine(t, task));
    const more = v.earlierCount - Math.min(v.earlier.length, HOME_EARLIER_MAX);
    if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(t('home.more_earlier', { count: more }))] });
  }

  blocks.push({ type: 'divider' }, { type: 'header', text: plain(t.plain('week.this', { week: t.fmt.week(v.weekStart) }), LIMITS.headerText) });
  const fields = [];
  for (let i = 0; i < 7; i++) {
    const day = addDays(v.weekStart, i);
    const of = v.week.filter((x) => x.day === day);
    if (!of.length && i >= 5) continue;
    const minutes = of.reduce((s, x) => s + x.effortMinutes, 0);
    const name = day === v.today ? t('home.day_today', { day: t.fmt.day(day) }) : t('home.day', { day: t.fmt.day(day) });
    fields.push(mrkdwn(`${name}\n${t('home.day_totals', { count: of.length, minutes: t.fmt.minutes(minutes), done: of.filter((x) => x.status === 'done').length })}`, LIMITS.fieldText));
  }
  blocks.push({ type: 'section', fields: fields.slice(0, LIMITS.sectionFields) });

  blocks.push({ type: 'divider' });
  const carts = [
    t('home.cart_this', { week: t.fmt.week(v.weekStart), state: md(cartState(t, v.thisCart)) }),
    t('home.cart_next', { week: t.fmt.week(v.nextWeekStart), state: md(cartState(t, v.nextCart)) }),
  ];
  if (v.next.length) carts.push(t('home.plan_next'));
  blocks.push({
    type: 'section',
    text: mrkdwn(carts.join('\n')),
    accessory: { type: 'button', action_id: ACTIONS.homeOpenCart, text: plain(t.plain('button.open_cart'), LIMITS.buttonText), value: OPEN_NEXT },
  });
  if (v.reminders) blocks.push(...reminderSwitchBlocks(t, v.reminders));
  return { type: 'home' as const, blocks };
}

/** App Home's switches: value `start:off`, `end:on`… */
/** App Home's reminder switches: value `start:off`, `end:on`… */
export function parseReminderSwitch(value: string | undefined): { kind: ReminderKind; on: boolean } | null {
  const m = /^(start|end):(on|off)$/.exec(value ?? '');
  return m ? { kind: m[1] as ReminderKind, on: m[2] === 'on' } : null;
}

/** App Home's part on reminders: each one, when it comes, whether it is on, and a button to switch it. */
export function reminderSwitchBlocks(t: T, s: ReminderSwitches): KnownBlock[] {
  if (!s.team) return [{ type: 'divider' }, { type: 'context', elements: [mrkdwn(t('reminder.home_team_off'))] }];
  const line = (kind: ReminderKind, on: boolean, text: string): KnownBlock => ({
    type: 'section',
    text: mrkdwn(text),
    accessory: {
      type: 'button',
      action_id: ACTIONS.reminderSwitch,
      text: plain(t.plain(on ? 'reminder.turn_off' : 'reminder.turn_on'), LIMITS.buttonText),
      value: `${kind}:${on ? 'off' : 'on'}`,
    },
  });
  const state = (on: boolean) => md(t(on ? 'reminder.state_on' : 'reminder.state_off'));
  return [
    { type: 'divider' },
    line('start', s.start, `${t('reminder.home_title')}\n${t('reminder.home_start', { time: s.startAt, state: state(s.start) })}`),
    line('end', s.end, t('reminder.home_end', { time: s.nudgeAt, state: state(s.end) })),
  ];
}

/** What /tasks lists: today, the working week, or the plan committed for the planning week. */
export type ListRange = 'today' | 'week' | 'next';

/** `/tasks`, `/tasks week`, `/tasks next`: a plain list grouped by day, its first line naming the week. */
export function taskListText(t: T, v: TaskListView, range: ListRange): string {
  const rows = range === 'today' ? v.week.filter((x) => x.day === v.today) : range === 'week' ? v.week : v.next;
  const title =
    range === 'today'
      ? t('tasks.title_today', { day: t.fmt.day(v.today) })
      : range === 'week'
        ? t('tasks.title_week', { week: t.fmt.week(v.weekStart) })
        : t('tasks.title_next', { week: t.fmt.week(v.nextWeekStart) });
  const lines: string[] = [title];
  if (!rows.length) lines.push(emptyText(t, v, range));
  let current = '';
  for (const task of rows) {
    if (range !== 'today' && task.day !== current) {
      current = task.day;
      lines.push(task.day === v.today ? t('home.day_today', { day: t.fmt.day(task.day) }) : t('home.day', { day: t.fmt.day(task.day) }));
    }
    lines.push(taskLine(t, task));
  }
  if (range !== 'next' && v.earlierCount) {
    lines.push('', t('tasks.earlier_title', { count: v.earlierCount }), ...v.earlier.map((task) => earlierLine(t, task)));
    if (v.earlierCount > v.earlier.length) lines.push(t('tasks.more_earlier', { count: v.earlierCount - v.earlier.length }));
  }
  const text = lines.join('\n');
  return text.length > LIST_MAX + 100 ? `${truncateMrkdwn(text, LIST_MAX)}\n${t('tasks.too_long')}` : text;
}

/** An empty list says why, and where the other week's list is. */
function emptyText(t: T, v: TaskListView, range: ListRange): string {
  const thisCommitted = v.thisCart?.status === 'committed';
  const nextCommitted = v.nextCart?.status === 'committed' && v.next.length > 0;
  const lines: string[] = [];
  if (range === 'next') {
    lines.push(t('tasks.empty_next'));
    if (v.week.length) lines.push(t('tasks.see_week'));
    return lines.join(t.plain('list.sentence_gap'));
  }
  lines.push(t(range === 'today' ? 'tasks.empty_today' : 'tasks.empty_week'));
  if (!thisCommitted) lines.push(t('tasks.commit_this'));
  if (range === 'today' && v.week.length) lines.push(t('tasks.see_week'));
  if (nextCommitted) lines.push(t('tasks.see_next', { week: t.fmt.week(v.nextWeekStart) }));
  return lines.join(t.plain('list.sentence_gap'));
}
