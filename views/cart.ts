// The cart message: a pure function of the cart's state. Within 50 blocks and
// well under Slack's message size for any cart, by construction: one line per
// day, one suggestion per flagged day (at most four moves shown), texts trimmed.
import type { KnownBlock } from '@slack/types';
import { dayName, formatDay, type Advice, type CartTask, type DayLoad, type Move } from '../src/engine/index.ts';
import type { CartState } from '../src/services/cart.ts';
import { ACTIONS } from '../src/slack/ids.ts';
import { LIMITS, mrkdwn, plain, truncateMrkdwn } from './limits.ts';
import { escape } from './text.ts';

const hm = (minutes: number) => {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h${m ? ` ${m} m` : ''}` : `${m} m`;
};

export function bar(load: number, capacity: number, width = 10): string {
  if (capacity <= 0) return load > 0 ? '▓'.repeat(width) : '·'.repeat(width);
  const filled = Math.min(width, Math.round((load / capacity) * width));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function flagText(d: DayLoad): string {
  const f = d.flag;
  if (!f) return '✅';
  if (f.kind === 'overloaded') return `🔴 overloaded +${hm(f.by)}`;
  if (f.kind === 'idle') return `🟡 idle −${hm(f.by)}`;
  return `🔴 ${hm(f.by)} on ${d.plan.off ? escape(d.plan.off.reason) : 'a day off'}`;
}

export const cartRef = (s: CartState) => `${s.cart.id}:${s.cart.version}`;

function moveLine(tasks: Map<string, CartTask>, m: Move): string {
  const t = tasks.get(m.taskId);
  const who = t ? truncateMrkdwn(escape(`${t.label}${t.customerName ? ` · ${t.customerName}` : ''}`), 60) : 'a task';
  return `Move ${who} (${t?.effort ?? '?'} m) ${dayName(m.from)} → ${dayName(m.to)}`;
}

function adviceBlocks(s: CartState, a: Advice, tasks: Map<string, CartTask>): KnownBlock[] {
  const d = s.measure.days.find((x) => x.plan.day === a.day)!;
  const title = `*${dayName(a.day)}* ${flagText(d)}`;
  const best = a.suggestions[0];
  if (!best) return [{ type: 'section', text: mrkdwn(`${title}\n${a.blocked ?? ''}`) }];
  const shown = best.moves.slice(0, 4).map((m) => `• ${moveLine(tasks, m)}`);
  if (best.moves.length > 4) shown.push(`• and ${best.moves.length - 4} more`);
  const more = a.suggestions.length > 1 ? `\n_${a.suggestions.length - 1} other way${a.suggestions.length > 2 ? 's' : ''}: Auto-balance weighs the whole week._` : '';
  return [
    {
      type: 'section',
      text: mrkdwn(`${title} — ${best.clears ? 'clears it' : `leaves ${hm(best.flaggedAfter)} flagged`}:\n${shown.join('\n')}${more}`),
      accessory: { type: 'button', action_id: ACTIONS.applySuggestion, text: plain('Apply', LIMITS.buttonText), value: `${cartRef(s)}:${a.day}:0` },
    },
  ];
}

export function cartMessage(s: CartState, notice?: string): { text: string; blocks: KnownBlock[] } {
  const weekLabel = formatDay(s.week.start, 'd LLL yyyy');
  const m = s.measure;
  const committed = s.cart.status === 'committed';
  const flagged = m.days.filter((d) => d.flag);
  const status = committed
    ? `✔️ *Committed* — ${m.taskCount} tasks are your task list for the week.`
    : flagged.length
      ? `⚠️ *${flagged.length} day${flagged.length > 1 ? 's' : ''} flagged* — adjust, then commit.`
      : '✅ *Balanced* — review and commit, or adjust by hand.';
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Task cart · week of ${weekLabel}`, LIMITS.headerText) },
    { type: 'section', text: mrkdwn(`${status}\n${m.taskCount} tasks · ${hm(m.totalMinutes)} planned of ${hm(m.totalCapacity)} capacity`) },
  ];
  if (notice) blocks.push({ type: 'context', elements: [mrkdwn(`📝 ${truncateMrkdwn(escape(notice), 600)}`)] });
  blocks.push({ type: 'divider' });
  for (const d of m.days) {
    if (!d.plan.work && d.workload === 0) continue;
    const date = formatDay(d.plan.day, 'ccc d LLL');
    blocks.push({
      type: 'section',
      text: mrkdwn(`*${date}*  \`${bar(d.workload, d.plan.capacity)}\`  ${hm(d.workload)} / ${hm(d.plan.capacity)} · ${d.count} task${d.count === 1 ? '' : 's'} · ${flagText(d)}`),
      accessory: { type: 'button', action_id: ACTIONS.openDay, text: plain('Open', LIMITS.buttonText), value: `${cartRef(s)}:${d.plan.day}` },
    });
  }
  if (s.merged.length) {
    const shown = escape(s.merged.slice(0, 3).join('; '));
    blocks.push({ type: 'context', elements: [mrkdwn(truncateMrkdwn(`🔗 Merged ${s.merged.length} duplicate${s.merged.length > 1 ? 's' : ''}: ${shown}${s.merged.length > 3 ? `; and ${s.merged.length - 3} more` : ''}`, 800))] });
  }
  if (!committed && s.advice.length) {
    blocks.push({ type: 'divider' }, { type: 'section', text: mrkdwn('*Suggestions*') });
    const tasks = new Map(s.tasks.map((t) => [t.id, t]));
    for (const a of s.advice) blocks.push(...adviceBlocks(s, a, tasks));
  }
  const ref = cartRef(s);
  blocks.push({
    type: 'actions',
    elements: committed
      ? [{ type: 'button', action_id: ACTIONS.reopen, text: plain('Reopen', LIMITS.buttonText), value: ref }]
      : [
          { type: 'button', action_id: ACTIONS.addTask, text: plain('Add task', LIMITS.buttonText), value: ref },
          { type: 'button', action_id: ACTIONS.pickCustomers, text: plain('Pick customers', LIMITS.buttonText), value: ref },
          { type: 'button', action_id: ACTIONS.autoBalance, text: plain('Auto-balance', LIMITS.buttonText), value: ref },
          {
            type: 'button',
            action_id: ACTIONS.commit,
            style: 'primary',
            text: plain('Commit', LIMITS.buttonText),
            value: ref,
            ...(m.committable
              ? {
                  confirm: {
                    title: plain('Commit this week?', LIMITS.modalTitle),
                    // A confirm dialog's text is plain_text (Block Kit reference), at most 300 characters.
                    text: plain(`${m.taskCount} tasks, ${hm(m.totalMinutes)}, become your task list. You can reopen it later.`, 300),
                    confirm: plain('Commit', LIMITS.modalTitle),
                    deny: plain('Keep adjusting', LIMITS.modalTitle),
                  },
                }
              : {}),
          },
        ],
  });
  const text = `Task cart · week of ${weekLabel}: ${committed ? 'committed' : flagged.length ? `${flagged.length} day(s) flagged` : 'balanced'}`;
  // At most 22 blocks by construction: 4 + 7 days + 3 + 7 flagged days + actions.
  return { text, blocks };
}
