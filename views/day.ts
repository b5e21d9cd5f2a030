// Open a day: its tasks in a modal, each with a menu to move it or remove it; long days page.
import type { KnownBlock, View } from '@slack/types';
import { allowedDays, dayName, formatDay, type CartTask } from '../src/engine/index.ts';
import type { CartState } from '../src/services/cart.ts';
import { ACTIONS, VIEWS } from '../src/slack/ids.ts';
import { LIMITS, mrkdwn, plain, truncateMrkdwn } from './limits.ts';
import { escape } from './text.ts';

/** Tasks per page: one block each, with room for the summary and paging. */
export const DAY_PAGE = 40;

export interface DayRef {
  cartId: number;
  version: number;
  day: string;
  page: number;
}

export const encodeDayRef = (r: DayRef) => `${r.cartId}:${r.version}:${r.day}:${r.page}`;
export function decodeDayRef(s: string): DayRef | null {
  const [c, v, day, p] = s.split(':');
  const r = { cartId: Number(c), version: Number(v), day: day ?? '', page: Number(p) };
  return Number.isInteger(r.cartId) && Number.isInteger(r.version) && /^\d{4}-\d{2}-\d{2}$/.test(r.day) && Number.isInteger(r.page) ? r : null;
}

const SOURCE = { system: 'from the CRM', carried_over: 'carried over', recommended: 'recommended', custom: 'added by you' } as const;

function windowText(t: CartTask): string {
  if (!t.earliest && !t.due) return '';
  return ` · window ${t.earliest ? dayName(t.earliest) : '…'}–${t.due ? dayName(t.due) : '…'}`;
}

function taskBlock(s: CartState, t: CartTask): KnownBlock {
  const text = mrkdwn(
    truncateMrkdwn(`*${escape(t.label)}*${t.customerName ? ` · ${escape(t.customerName)}` : ''} — ${escape(t.title)}\n${t.effort} m · ${t.priority}${windowText(t)} · ${SOURCE[t.source]}${t.fixed ? ' · 📌 fixed' : ''}`, 600),
  );
  if (t.fixed || s.cart.status === 'committed') return { type: 'section', text };
  const moves = allowedDays(t, s.week).filter((d) => d !== t.day);
  const options = [
    ...moves.map((d) => ({ text: plain(`Move to ${formatDay(d, 'ccc d LLL')}`, LIMITS.optionText), value: `m:${t.id}:${d}` })),
    { text: plain('Remove from cart', LIMITS.optionText), value: `r:${t.id}` },
  ];
  return {
    type: 'section',
    block_id: `task_${t.id}`,
    text,
    accessory: { type: 'static_select', action_id: ACTIONS.dayTaskMenu, placeholder: plain('Move or remove', 150), options },
  };
}

export function dayModal(s: CartState, day: string, page: number, notice?: string): View {
  const d = s.measure.days.find((x) => x.plan.day === day);
  const tasks = s.tasks.filter((t) => t.day === day);
  const pages = Math.max(1, Math.ceil(tasks.length / DAY_PAGE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const flag = d?.flag ? (d.flag.kind === 'idle' ? `🟡 idle −${d.flag.by} m` : `🔴 over by ${d.flag.by} m`) : '✅';
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`*${d?.workload ?? 0} m* of ${d?.plan.capacity ?? 0} m · ${tasks.length} task${tasks.length === 1 ? '' : 's'} · ${flag}${d?.plan.off ? ` · ${escape(d.plan.off.reason)}` : ''}`) },
  ];
  if (notice) blocks.push({ type: 'context', elements: [mrkdwn(`📝 ${truncateMrkdwn(escape(notice), 600)}`)] });
  blocks.push({ type: 'divider' });
  if (!tasks.length) blocks.push({ type: 'section', text: mrkdwn('_No tasks on this day._') });
  for (const t of tasks.slice(p * DAY_PAGE, (p + 1) * DAY_PAGE)) blocks.push(taskBlock(s, t));
  if (pages > 1) {
    const nav = [];
    if (p > 0) nav.push({ type: 'button' as const, action_id: `${ACTIONS.dayPage}_prev`, text: plain('◀ Previous', LIMITS.buttonText), value: String(p - 1) });
    if (p < pages - 1) nav.push({ type: 'button' as const, action_id: `${ACTIONS.dayPage}_next`, text: plain('Next ▶', LIMITS.buttonText), value: String(p + 1) });
    blocks.push({ type: 'context', elements: [mrkdwn(`Page ${p + 1} of ${pages}`)] }, { type: 'actions', elements: nav });
  }
  return {
    type: 'modal',
    callback_id: VIEWS.day,
    private_metadata: encodeDayRef({ cartId: s.cart.id, version: s.cart.version, day, page: p }),
    title: plain(formatDay(day, 'cccc d LLL'), LIMITS.modalTitle),
    close: plain('Done', LIMITS.modalTitle),
    blocks,
  };
}
