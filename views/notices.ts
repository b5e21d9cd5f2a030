// What a change did, and what is flagged, in the agent's words: the cart message, the day modal
// and the commit modal say these alike. Every function answers mrkdwn unless it says plain.
import type { DayPlan, Flag } from '../src/engine/types.ts';
import type { DayFlag, MergeLine, MoveNote, Notice } from '../src/services/cart.ts';
import { errorText } from './errors.ts';
import type { Key, T } from './i18n/index.ts';
import { truncate } from './limits.ts';
import { md } from './text.ts';
import { offName, taskName } from './words.ts';

/** A day's flag with its emoji: "🔴 overloaded +30 m". `plan` names a day off. */
export function flagText(t: T, flag: Flag | null, plan?: DayPlan): string {
  // A day gone by is never flagged, whatever its load: it says so rather than look balanced.
  if (!flag) return plan?.past ? t('flag.past') : '✅';
  const by = t.fmt.minutes(flag.by);
  if (flag.kind === 'overloaded') return t('flag.overloaded', { by });
  if (flag.kind === 'idle') return t('flag.idle', { by });
  return t('flag.off_day', { by, off: plan?.off ? offName(t, plan.day, plan.off) : t.plain('off.day_off') });
}

/** Flagged days in a row: "Mon overloaded by 30 m, Thu idle, 1 h 54 m under". */
export function flaggedList(t: T, days: readonly DayFlag[]): string {
  const key: Record<Flag['kind'], Key> = { overloaded: 'flagged.overloaded', idle: 'flagged.idle', off_day: 'flagged.off_day' };
  return t.fmt.list(days.map((d) => t(key[d.flag.kind], { day: t.fmt.weekday(d.day), by: t.fmt.minutes(d.flag.by) })));
}

/** After a change: what is still flagged, or that nothing is. */
function flagLine(t: T, flagged: readonly DayFlag[]): string {
  return flagged.length ? t('notice.still_flagged', { days: md(flaggedList(t, flagged)) }) : t('notice.none_flagged');
}

/** A move: "Follow-up · Wang Fang (10 m) Mon → Wed". */
export function moveText(t: T, m: MoveNote): string {
  return t('notice.move', { task: taskName(t, m), effort: t.fmt.minutes(m.effort), from: t.fmt.weekday(m.from), to: t.fmt.weekday(m.to) });
}

function movesText(t: T, moves: readonly MoveNote[], more: number): string {
  const list = moves.map((m) => moveText(t, m)).join(t.plain('list.semicolon'));
  return more ? t('list.and_more', { list: md(list), count: more }) : list;
}

/** A duplicate merged when the cart was made. */
export function mergeText(t: T, m: MergeLine): string {
  if ('text' in m) return t('notice.plain', { text: m.text });
  return t('notice.merged_line', { task: taskName(t, m), from: t.fmt.weekday(m.from), into: t.fmt.weekday(m.into) });
}

/** What a change did, for the agent, in their language. */
export function noticeText(t: T, n: Notice): string {
  switch (n.kind) {
    case 'older_copy':
      return t('notice.older_copy');
    case 'committed_already':
      return t('cart.is_committed');
    case 'suggestion_gone':
      return t('notice.suggestion_gone');
    case 'applied':
      return t('notice.applied', { moves: md(movesText(t, n.moves, n.more)), flags: md(flagLine(t, n.flagged)) });
    case 'balanced':
      return t('notice.balanced', { count: n.count, moves: md(movesText(t, n.moves, n.more)), flags: md(flagLine(t, n.flagged)) });
    case 'nothing_to_balance':
      return t(n.flagged ? 'notice.balance_no_help' : 'notice.nothing_to_balance');
    case 'moved':
      return t('notice.moved', { move: md(moveText(t, n.move)), flags: md(flagLine(t, n.flagged)) });
    case 'nothing_to_move':
      return t('notice.nothing_to_move');
    case 'task_gone':
      return t('error.task_gone');
    case 'removed':
      return t('notice.removed', { task: taskName(t, n.task), effort: t.fmt.minutes(n.task.effort), day: t.fmt.weekday(n.day), flags: md(flagLine(t, n.flagged)) });
    case 'added': {
      const titles = n.tasks.map((x) => t('notice.added_task', { title: truncate(x.title, 60), day: t.fmt.weekday(x.day) }));
      const list = t.fmt.list(titles);
      return t('notice.added', { tasks: md(n.more ? t('list.and_more', { list: md(list), count: n.more }) : list), merged: md(mergedNote(t, n.merged)) });
    }
    case 'already_in_cart':
      return t(n.revised ? 'notice.nothing_new' : 'notice.nothing_added', { merged: md(mergedNote(t, n.merged)) });
    case 'not_committed':
      return t(n.withReason ? 'notice.not_committed_reason' : 'notice.not_committed', { days: md(flaggedList(t, n.flagged)) });
    case 'committed':
      return t(n.exception ? 'notice.committed_exception' : 'notice.committed', { count: n.tasks });
    case 'open_already':
      return t('notice.open_already');
    case 'reopened':
      return t('notice.reopened');
    case 'proposed':
      return t('notice.proposed');
    case 'refused':
      return errorText(t, n.code, n.params);
    case 'sent_back':
      return t('notice.sent_back', { who: md(t.fmt.person(n.by)), note: n.note });
  }
}

function mergedNote(t: T, merged: number): string {
  return merged ? t('notice.merged', { count: merged }) : '';
}
