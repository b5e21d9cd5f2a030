// The cart message: a pure function of the cart's state, in the agent's language. Within 50
// blocks and well under Slack's message size for any cart, by construction: one line per day,
// one suggestion per flagged day (at most four moves shown), texts trimmed.
import type { KnownBlock } from '@slack/types';
import type { Advice, Blocked, CartTask } from '../src/engine/index.ts';
import type { CartState, Notice } from '../src/services/cart.ts';
import type { Key, T } from './i18n/index.ts';
import { ACTIONS } from './ids.ts';
import { LIMITS, mrkdwn, plain, truncateMrkdwn } from './limits.ts';
import { flagText, mergeText, noticeText } from './notices.ts';
import { md } from './text.ts';
import { taskName } from './words.ts';

/** The value of every cart button: `cartId:version`, then what the button needs (`:day:index`). */
export const cartRef = (s: CartState) => `${s.cart.id}:${s.cart.version}`;

/** Reads a cart button's value; null for anything the bot did not make. */
export function parseCartRef(value: string): { cartId: number; version: number; rest: string[] } | null {
  const [cart, version, ...rest] = value.split(':');
  const cartId = Number(cart);
  const v = Number(version);
  return Number.isSafeInteger(cartId) && cartId > 0 && cartId <= 2_147_483_647 && Number.isSafeInteger(v) ? { cartId, version: v, rest } : null;
}

export function bar(load: number, capacity: number, width = 10): string {
  if (capacity <= 0) return load > 0 ? '▓'.repeat(width) : '·'.repeat(width);
  const filled = Math.min(width, Math.round((load / capacity) * width));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

const BLOCKED: Record<Blocked['kind'], Key> = {
  idle_would_flag: 'advice.idle_would_flag',
  idle_nothing_movable: 'advice.idle_nothing_movable',
  all_fixed: 'advice.all_fixed',
  windows: 'advice.windows',
  no_room: 'advice.no_room',
};

function adviceBlocks(t: T, s: CartState, a: Advice, tasks: Map<string, CartTask>): KnownBlock[] {
  const d = s.measure.days.find((x) => x.plan.day === a.day)!;
  const title = t('advice.title', { day: t.fmt.weekday(a.day), flag: md(flagText(t, d.flag, d.plan)) });
  const best = a.suggestions[0];
  if (!best) {
    const day = t.fmt.weekday(a.day);
    const why = a.blocked ? t(BLOCKED[a.blocked.kind], a.blocked.kind === 'all_fixed' ? { day, count: a.blocked.count } : { day }) : '';
    return [{ type: 'section', text: mrkdwn(`${title}\n${why}`) }];
  }
  const shown = best.moves.slice(0, 4).map((m) => {
    const task = tasks.get(m.taskId);
    const name = taskName(t, { type: task?.type ?? '', label: task?.label ?? '', customer: task?.customerName ?? null });
    return `• ${t('advice.move', { task: name, effort: t.fmt.minutes(task?.effort ?? 0), from: t.fmt.weekday(m.from), to: t.fmt.weekday(m.to) })}`;
  });
  if (best.moves.length > 4) shown.push(t('advice.more_moves', { count: best.moves.length - 4 }));
  const lead = best.clears ? t('advice.clears', { title: md(title) }) : t('advice.leaves', { title: md(title), left: t.fmt.minutes(best.flaggedAfter) });
  const others = a.suggestions.length - 1;
  return [
    {
      type: 'section',
      text: mrkdwn(`${lead}\n${shown.join('\n')}${others ? `\n${t('advice.other_ways', { count: others })}` : ''}`),
      accessory: { type: 'button', action_id: ACTIONS.applySuggestion, text: plain(t.plain('button.apply'), LIMITS.buttonText), value: `${cartRef(s)}:${a.day}:0` },
    },
  ];
}

export function cartMessage(t: T, s: CartState, notice?: Notice | null): { text: string; blocks: KnownBlock[] } {
  const date = t.fmt.dateYear(s.week.start);
  const m = s.measure;
  const committed = s.cart.status === 'committed';
  const flagged = m.days.filter((d) => d.flag);
  const status = committed
    ? t('cart.status_committed', { count: m.taskCount })
    : flagged.length
      ? t('cart.status_flagged', { count: flagged.length })
      : t('cart.status_balanced');
  const totals = t('cart.totals', { count: m.taskCount, planned: t.fmt.minutes(m.totalMinutes), capacity: t.fmt.minutes(m.totalCapacity) });
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t.plain('cart.header', { date }), LIMITS.headerText) },
    { type: 'section', text: mrkdwn(`${status}\n${totals}`) },
  ];
  if (notice) blocks.push({ type: 'context', elements: [mrkdwn(`📝 ${truncateMrkdwn(noticeText(t, notice), 600)}`)] });
  blocks.push({ type: 'divider' });
  for (const d of m.days) {
    if (!d.plan.work && d.workload === 0) continue;
    blocks.push({
      type: 'section',
      text: mrkdwn(
        t('cart.day', {
          day: t.fmt.day(d.plan.day),
          bar: bar(d.workload, d.plan.capacity),
          load: t.fmt.minutes(d.workload),
          capacity: t.fmt.minutes(d.plan.capacity),
          count: d.count,
          flag: md(flagText(t, d.flag, d.plan)),
        }),
      ),
      accessory: { type: 'button', action_id: ACTIONS.openDay, text: plain(t.plain('button.open'), LIMITS.buttonText), value: `${cartRef(s)}:${d.plan.day}` },
    });
  }
  if (s.merged.length) {
    const lines = s.merged.slice(0, 3).map((x) => mergeText(t, x));
    const list = t.fmt.list(lines);
    const shown = s.merged.length > 3 ? t('list.and_more', { list: md(list), count: s.merged.length - 3 }) : list;
    blocks.push({ type: 'context', elements: [mrkdwn(truncateMrkdwn(t('cart.merged', { count: s.merged.length, list: md(shown) }), 800))] });
  }
  if (!committed && s.advice.length) {
    blocks.push({ type: 'divider' }, { type: 'section', text: mrkdwn(t('cart.suggestions')) });
    const tasks = new Map(s.tasks.map((x) => [x.id, x]));
    for (const a of s.advice) blocks.push(...adviceBlocks(t, s, a, tasks));
  }
  const ref = cartRef(s);
  const button = (action: string, key: Key) => ({ type: 'button' as const, action_id: action, text: plain(t.plain(key), LIMITS.buttonText), value: ref });
  blocks.push({
    type: 'actions',
    elements: committed
      ? [button(ACTIONS.reopen, 'button.reopen')]
      : [
          button(ACTIONS.addTask, 'button.add_task'),
          button(ACTIONS.pickCustomers, 'button.pick_customers'),
          button(ACTIONS.autoBalance, 'button.auto_balance'),
          {
            ...button(ACTIONS.commit, 'button.commit'),
            style: 'primary' as const,
            ...(m.committable
              ? {
                  confirm: {
                    title: plain(t.plain('commit.confirm_title'), LIMITS.modalTitle),
                    // A confirm dialog's text is plain_text (Block Kit reference).
                    text: plain(t.plain('commit.confirm_text', { count: m.taskCount, minutes: t.fmt.minutes(m.totalMinutes) }), LIMITS.confirmText),
                    confirm: plain(t.plain('button.commit'), LIMITS.modalTitle),
                    deny: plain(t.plain('button.keep_adjusting'), LIMITS.modalTitle),
                  },
                }
              : {}),
          },
        ],
  });
  const state = committed ? t('cart.text_committed') : flagged.length ? t('cart.text_flagged', { count: flagged.length }) : t('cart.text_balanced');
  // At most 22 blocks by construction: 4 + 7 days + 3 + 7 flagged days + actions.
  return { text: t('cart.text', { date, state: md(state) }), blocks };
}

/** What an older copy of the cart becomes, so that no one acts on it. */
export function retiredCart(t: T): { text: string; blocks: KnownBlock[] } {
  return { text: t('cart.retired'), blocks: [{ type: 'context', elements: [mrkdwn(`↪️ ${t('cart.retired')}`)] }] };
}
