// Open a day: its tasks in a modal, each with a menu to move it or remove it; long days page.
import type { KnownBlock, View } from '@slack/types';
import { allowedDays, type CartTask } from '../src/engine/index.ts';
import type { CartState, Notice } from '../src/services/cart.ts';
import type { Key, T } from './i18n/index.ts';
import { ACTIONS, VIEWS } from './ids.ts';
import { LIMITS, mrkdwn, plain, truncateMrkdwn } from './limits.ts';
import { flagText, noticeText } from './notices.ts';
import { md } from './text.ts';
import { offName } from './words.ts';

/** Tasks per page: one block each, with room for the summary and paging. */
export const DAY_PAGE = 40;

/** The day modal's private_metadata: the cart, its version, the day and the page shown. */
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

/** A task's menu: move it to a day, or remove it. */
export type DayMenuChoice = { kind: 'move'; itemId: number; day: string } | { kind: 'remove'; itemId: number };

/** What the task list says of a task settled there (a cart reopened after its commit). */
const FINISHED: Record<NonNullable<CartTask['finished']>, Key> = { done: 'day.done', skipped: 'day.skipped', carried_over: 'day.carried_over' };

const menuValue = (c: DayMenuChoice) => (c.kind === 'move' ? `m:${c.itemId}:${c.day}` : `r:${c.itemId}`);

/** Reads a task menu's value (`m:itemId:day` or `r:itemId`); the service refuses a day or an item not of the cart. */
export function parseDayMenu(value: string): DayMenuChoice | null {
  const [kind, id, day] = value.split(':');
  const itemId = Number(id);
  if (!Number.isSafeInteger(itemId)) return null;
  if (kind === 'm' && day) return { kind: 'move', itemId, day };
  if (kind === 'r') return { kind: 'remove', itemId };
  return null;
}

/** The page a paging button leads to (its value), or the first. */
export const parsePage = (value: string | undefined) => (Number.isSafeInteger(Number(value)) ? Number(value) : 0);

function detailsOf(t: T, task: CartTask): string {
  const parts = [t.fmt.minutes(task.effort), t.fmt.priority(task.priority)];
  if (task.earliest || task.due) parts.push(t.plain('day.window', { from: task.earliest ? t.fmt.weekday(task.earliest) : '…', to: task.due ? t.fmt.weekday(task.due) : '…' }));
  parts.push(t.fmt.source(task.source));
  if (task.finished) parts.push(t.plain(FINISHED[task.finished]));
  else if (task.fixed) parts.push(t.plain('day.fixed'));
  return parts.join(' · ');
}

function taskBlock(t: T, s: CartState, task: CartTask): KnownBlock {
  const label = t.fmt.typeLabel(task.type, task.label);
  const head = task.customerName ? t('day.task_customer', { label, customer: task.customerName, title: task.title }) : t('day.task', { label, title: task.title });
  const text = mrkdwn(truncateMrkdwn(`${head}\n${t('day.details', { details: detailsOf(t, task) })}`, 600));
  if (task.fixed || s.cart.status === 'committed') return { type: 'section', text };
  const moves = allowedDays(task, s.week).filter((d) => d !== task.day);
  const itemId = Number(task.id);
  const options = [
    ...moves.map((d) => ({ text: plain(t.plain('day.move_to', { day: t.fmt.day(d) }), LIMITS.optionText), value: menuValue({ kind: 'move', itemId, day: d }) })),
    { text: plain(t.plain('day.remove'), LIMITS.optionText), value: menuValue({ kind: 'remove', itemId }) },
  ];
  return {
    type: 'section',
    block_id: `task_${task.id}`,
    text,
    accessory: { type: 'static_select', action_id: ACTIONS.dayTaskMenu, placeholder: plain(t.plain('day.menu'), LIMITS.placeholder), options },
  };
}

export function dayModal(t: T, s: CartState, day: string, page: number, notice?: Notice | null): View {
  const d = s.measure.days.find((x) => x.plan.day === day);
  const tasks = s.tasks.filter((x) => x.day === day);
  const pages = Math.max(1, Math.ceil(tasks.length / DAY_PAGE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const summary = t('day.summary', {
    load: t.fmt.minutes(d?.workload ?? 0),
    capacity: t.fmt.minutes(d?.plan.capacity ?? 0),
    count: tasks.length,
    flag: md(flagText(t, d?.flag ?? null, d?.plan)),
  });
  const off = d?.plan.off ? ` · ${t('day.off', { off: offName(t, day, d.plan.off) })}` : '';
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(summary + off) }];
  if (notice) blocks.push({ type: 'context', elements: [mrkdwn(`📝 ${truncateMrkdwn(noticeText(t, notice), 600)}`)] });
  blocks.push({ type: 'divider' });
  if (!tasks.length) blocks.push({ type: 'section', text: mrkdwn(t('day.empty')) });
  for (const task of tasks.slice(p * DAY_PAGE, (p + 1) * DAY_PAGE)) blocks.push(taskBlock(t, s, task));
  if (pages > 1) {
    const nav = [];
    if (p > 0) nav.push({ type: 'button' as const, action_id: `${ACTIONS.dayPage}_prev`, text: plain(t.plain('button.previous'), LIMITS.buttonText), value: String(p - 1) });
    if (p < pages - 1) nav.push({ type: 'button' as const, action_id: `${ACTIONS.dayPage}_next`, text: plain(t.plain('button.next'), LIMITS.buttonText), value: String(p + 1) });
    blocks.push({ type: 'context', elements: [mrkdwn(t('day.page', { page: p + 1, pages }))] }, { type: 'actions', elements: nav });
  }
  return {
    type: 'modal',
    callback_id: VIEWS.day,
    private_metadata: encodeDayRef({ cartId: s.cart.id, version: s.cart.version, day, page: p }),
    title: plain(t.fmt.dayLong(day), LIMITS.modalTitle),
    close: plain(t.plain('button.done'), LIMITS.modalTitle),
    blocks,
  };
}
