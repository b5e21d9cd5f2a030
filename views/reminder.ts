// The reminders an agent gets as DMs: today's tasks at the start of their day, with Done and Skip
// on each, and how many are still open from before the week (its only news on a day with nothing
// planned); near its end a nudge listing the tasks still open (App Home's switches for them are in
// tasks.ts).
// The buttons are the task list's own (task_done, task_skip, task_undo); their block_id names the
// reminder and its day, so a click edits that message in place (parseReminderBlock).
import type { KnownBlock } from '@slack/types';
import type { TaskRow } from '../db/queries/carts.ts';
import type { Reminder, ReminderKind } from '../src/services/reminders.ts';
import type { Key, T } from './i18n/index.ts';
import { ACTIONS } from './ids.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';
import { taskLine } from './tasks.ts';

/** Tasks a reminder shows with their buttons: two blocks each, the rest said in one line (50 blocks a message). */
export const REMINDER_TASKS_MAX = 20;

export function reminderBlockId(kind: ReminderKind, day: string, taskId: number): string {
  return `reminder:${kind}:${day}:${taskId}`;
}

/** The reminder a button sits in (its block_id), or null for a button elsewhere (App Home). */
export function parseReminderBlock(blockId: string | undefined): { kind: ReminderKind; day: string } | null {
  const m = /^reminder:(start|end):(\d{4}-\d{2}-\d{2}):\d{1,12}$/.exec(blockId ?? '');
  return m ? { kind: m[1] as ReminderKind, day: m[2]! } : null;
}

function taskBlocks(t: T, kind: ReminderKind, day: string, task: TaskRow, line: string): KnownBlock[] {
  const button = (action: string, key: Key, primary = false) => ({
    type: 'button' as const,
    action_id: action,
    text: plain(t.plain(key), LIMITS.buttonText),
    value: String(task.id),
    ...(primary && { style: 'primary' as const }),
  });
  return [
    { type: 'section', text: mrkdwn(line) },
    {
      type: 'actions',
      block_id: reminderBlockId(kind, day, task.id),
      elements: task.status === 'open' ? [button(ACTIONS.taskDone, 'button.done', true), button(ACTIONS.taskSkip, 'button.skip')] : [button(ACTIONS.taskUndo, 'button.undo')],
    },
  ];
}

function intro(t: T, r: Reminder, open: number): string {
  if (r.kind === 'start') {
    // Nothing planned today: the reminder came for the tasks still open from before the week (or said so, and they are done now).
    if (!r.tasks.length) return r.earlier > 0 ? t('reminder.start_earlier', { day: t.fmt.day(r.day), count: r.earlier }) : t('reminder.start_none', { day: t.fmt.day(r.day) });
    const minutes = r.tasks.reduce((s, x) => s + x.effortMinutes, 0);
    return t('reminder.start', { day: t.fmt.day(r.day), count: r.tasks.length, minutes: t.fmt.minutes(minutes) });
  }
  if (!open) return t('reminder.end_all_done');
  if (!r.minutesLeft) return t('reminder.end_over', { count: open });
  return t('reminder.end', { count: open, left: t.fmt.minutes(r.minutesLeft) });
}

/**
 * A reminder as a message: at the start of the day every task of the day (done and skipped ones
 * with Undo), near its end only those still open. Within 50 blocks and Slack's message size
 * whatever the day holds: past REMINDER_TASKS_MAX tasks, one line says how many more.
 */
export function reminderMessage(t: T, r: Reminder): { text: string; blocks: KnownBlock[] } {
  const shown = r.kind === 'start' ? r.tasks : r.tasks.filter((x) => x.status === 'open');
  const open = r.tasks.filter((x) => x.status === 'open').length;
  const head = intro(t, r, open);
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(head) }];
  // Room for the closing lines; then tasks while the message stays well under Slack's size.
  let chars = head.length + 600;
  let listed = 0;
  for (const task of shown) {
    const line = taskLine(t, task);
    if (listed >= REMINDER_TASKS_MAX || chars + line.length > LIMITS.messageChars) break;
    chars += line.length;
    blocks.push(...taskBlocks(t, r.kind, r.day, task, line));
    listed += 1;
  }
  if (shown.length > listed) blocks.push({ type: 'context', elements: [mrkdwn(t('home.more_today', { count: shown.length - listed }))] });
  if (r.kind === 'start' && r.tasks.length) {
    const done = r.tasks.filter((x) => x.status === 'done').length;
    const left = r.tasks.filter((x) => x.status === 'open').reduce((s, x) => s + x.effortMinutes, 0);
    blocks.push({ type: 'context', elements: [mrkdwn(t('home.progress', { done, total: r.tasks.length, left: t.fmt.minutes(left) }))] });
  }
  if (r.kind === 'start' && r.tasks.length && r.earlier > 0) blocks.push({ type: 'context', elements: [mrkdwn(t('reminder.earlier', { count: r.earlier }))] });
  blocks.push({ type: 'context', elements: [mrkdwn(t('reminder.footer'))] });
  return { text: head, blocks };
}
