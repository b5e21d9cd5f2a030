// The task list: App Home (today with Done and Skip, the week at a glance, the carts) and /tasks.
import type { KnownBlock } from '@slack/types';
import type { TaskRow } from '../db/queries/carts.ts';
import { addDays, formatDay } from '../src/engine/index.ts';
import type { TaskListView } from '../src/services/tasks.ts';
import { ACTIONS } from '../src/slack/ids.ts';
import { LIMITS, mrkdwn, plain, truncateMrkdwn } from './limits.ts';
import { escape } from './text.ts';

/** Today's tasks shown with buttons in App Home: two blocks each, leaving room for the rest. */
export const HOME_TODAY_MAX = 35;

const mark = { open: '▫️', done: '✅', skipped: '⏭️', carried_over: '↪️' } as const;
const dayLabel = (day: string) => formatDay(day, 'ccc d LLL');
const hm = (m: number) => (m >= 60 ? `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} m` : ''}` : `${m} m`);

export function taskLine(t: TaskRow): string {
  const who = t.customerName ? ` · ${escape(t.customerName)}` : '';
  return truncateMrkdwn(`${mark[t.status]} *${escape(t.label)}*${who} — ${escape(t.title)} (${t.effortMinutes} m${t.priority === 'urgent' || t.priority === 'high' ? `, ${t.priority}` : ''})`, 400);
}

function cartLine(label: string, cart: TaskListView['thisCart']): string {
  if (!cart) return `${label}: no cart yet`;
  return `${label}: ${cart.status === 'committed' ? `committed${cart.exceptionReason ? ' with an exception' : ''}` : 'open — not committed yet'}`;
}

export function homeView(v: TaskListView) {
  const today = v.week.filter((t) => t.day === v.today);
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Today · ${dayLabel(v.today)}`, LIMITS.headerText) },
    { type: 'context', elements: [mrkdwn(`Hi ${escape(v.name)}! Mark tasks done as you go; \`/cart\` opens your cart.`)] },
  ];
  if (!today.length) blocks.push({ type: 'section', text: mrkdwn(v.thisCart?.status === 'committed' ? 'Nothing planned for today. 🎉' : 'No task list for today: commit your cart to make one.') });
  for (const t of today.slice(0, HOME_TODAY_MAX)) {
    blocks.push({ type: 'section', text: mrkdwn(taskLine(t)) });
    blocks.push({
      type: 'actions',
      block_id: `task_${t.id}`,
      elements:
        t.status === 'open'
          ? [
              { type: 'button', action_id: ACTIONS.taskDone, text: plain('Done', LIMITS.buttonText), style: 'primary', value: String(t.id) },
              { type: 'button', action_id: ACTIONS.taskSkip, text: plain('Skip', LIMITS.buttonText), value: String(t.id) },
            ]
          : [{ type: 'button', action_id: ACTIONS.taskUndo, text: plain('Undo', LIMITS.buttonText), value: String(t.id) }],
    });
  }
  if (today.length > HOME_TODAY_MAX) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${today.length - HOME_TODAY_MAX} more: \`/tasks\` lists them all.`)] });
  const done = today.filter((t) => t.status === 'done').length;
  if (today.length) blocks.push({ type: 'context', elements: [mrkdwn(`${done} of ${today.length} done · ${hm(today.filter((t) => t.status === 'open').reduce((s, t) => s + t.effortMinutes, 0))} left`)] });

  blocks.push({ type: 'divider' }, { type: 'header', text: plain('This week', LIMITS.headerText) });
  const fields = [];
  for (let i = 0; i < 7; i++) {
    const day = addDays(v.weekStart, i);
    const of = v.week.filter((t) => t.day === day);
    if (!of.length && i >= 5) continue;
    const minutes = of.reduce((s, t) => s + t.effortMinutes, 0);
    fields.push(mrkdwn(`*${dayLabel(day)}*${day === v.today ? ' (today)' : ''}\n${of.length} tasks · ${hm(minutes)} · ${of.filter((t) => t.status === 'done').length} done`));
  }
  blocks.push({ type: 'section', fields: fields.slice(0, 10) });

  blocks.push({ type: 'divider' });
  blocks.push({
    type: 'section',
    text: mrkdwn(`${cartLine('This week’s cart', v.thisCart)}\n${cartLine('Next week’s cart', v.nextCart)}`),
    accessory: { type: 'button', action_id: ACTIONS.homeOpenCart, text: plain('Open my cart', LIMITS.buttonText), value: 'next' },
  });
  return { type: 'home' as const, blocks };
}

/** `/tasks` and `/tasks week`: a plain list, grouped by day. */
export function taskListText(v: TaskListView, range: 'today' | 'week'): string {
  const rows = range === 'today' ? v.week.filter((t) => t.day === v.today) : v.week;
  if (!rows.length) {
    return range === 'today'
      ? `Nothing on your task list for today (${dayLabel(v.today)}).${v.thisCart?.status === 'committed' ? '' : ' Commit your cart with `/cart this` to make one.'}`
      : 'Nothing on your task list this week. Commit your cart with `/cart this` to make one.';
  }
  const lines: string[] = [];
  let current = '';
  for (const t of rows) {
    if (t.day !== current) {
      current = t.day;
      lines.push(`*${dayLabel(t.day)}*${t.day === v.today ? ' (today)' : ''}`);
    }
    lines.push(taskLine(t));
  }
  const text = lines.join('\n');
  return text.length > 3500 ? `${truncateMrkdwn(text, 3400)}\n…the list is longer than a message holds; App Home shows today’s tasks.` : text;
}
