// Messages and modals of the cart's size and shape, without Task Cart's code: what the floor app
// (bolt-floor-app.mjs) sends, and the bench's fixed reference work (index.ts) is made of.
// Plain JavaScript: the floor app runs under node alone.

/** About the cart message's size and shape: a header, a line and an Open button per day, suggestions, buttons. */
export const FLOOR_MESSAGE = [
  { type: 'header', text: { type: 'plain_text', text: 'Task cart · week of 30 Nov 2026' } },
  ...Array.from({ length: 13 }, (_, i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: `*Day ${i}* ████████░░ 6 h 20 m of 6 h 30 m · 23 tasks · ⚠️ overloaded by 20 m`, verbatim: true },
    accessory: { type: 'button', action_id: `open_${i}`, text: { type: 'plain_text', text: 'Open' }, value: `15:7:2026-12-0${i % 7}` },
  })),
  { type: 'actions', elements: ['Add task', 'Pick customers', 'Auto-balance', 'Commit'].map((text, i) => ({ type: 'button', action_id: `b${i}`, text: { type: 'plain_text', text }, value: '15:7' })) },
];

/** A task's line in a day window, with its menu: move to another day, or remove (Chinese and English text). */
const dayTask = (i) => ({
  type: 'section',
  block_id: `task_${i}`,
  text: { type: 'mrkdwn', text: `*跟进回访* — Call ${i}\n14 m · Normal · from the CRM`, verbatim: true },
  accessory: {
    type: 'static_select',
    action_id: 'day_task_menu',
    placeholder: { type: 'plain_text', text: 'Move or remove', emoji: true },
    options: [1, 2, 3, 4].map((d) => ({ text: { type: 'plain_text', text: `Move to day ${d}`, emoji: true }, value: `m:${i}:2026-12-0${d}` })).concat({ text: { type: 'plain_text', text: 'Remove from cart', emoji: true }, value: `r:${i}` }),
  },
});

/** About a full day window's size and shape: a busy Monday of 36 tasks, some 30 kB of JSON. */
export function dayView() {
  return { type: 'modal', callback_id: 'day', title: { type: 'plain_text', text: 'Mon 30 Nov' }, close: { type: 'plain_text', text: 'Close' }, private_metadata: '15:7:2026-11-30:0', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*8 h 14 m* of 6 h 30 m · 36 tasks · 🔴 overloaded +1 h 44 m', verbatim: true } }, { type: 'divider' }, ...Array.from({ length: 36 }, (_, i) => dayTask(i))] };
}
