// The supervisor's picture of a team, readable in ten seconds: digests and /team-carts.
// A small team is listed whole; a large one is summarised with its worst cases. Always
// within Slack's limits, whatever the team's size.
import type { KnownBlock } from '@slack/types';
import { formatDay } from '../src/engine/index.ts';
import type { AgentStanding, TeamPicture } from '../src/services/team.ts';
import { ACTIONS } from '../src/slack/ids.ts';
import { LIMITS, mrkdwn, plain, truncate, truncateMrkdwn } from './limits.ts';
import { escape, mention } from './text.ts';

/** Agents listed one per line before the digest switches to a summary and the worst cases. */
export const LIST_ALL_UP_TO = 25;
const WORST = 15;

const hours = (m: number) => `${Math.round(m / 6) / 10} h`;

function cell(d: AgentStanding['days'][number], hasCart: boolean): string {
  if (!d.work) return d.minutes > 0 ? '🟥' : '⬜';
  if (!hasCart) return '▫️';
  if (!d.flag) return '🟩';
  return d.flag.kind === 'idle' ? '🟨' : '🟥';
}

function statusMark(a: AgentStanding): string {
  if (a.status === 'committed') return a.exception ? '✅⚠️' : '✅';
  return a.status === 'open' ? '✏️' : '▫️';
}

function line(a: AgentStanding): string {
  const work = a.days.filter((d) => d.work || d.minutes > 0);
  return `${work.map((d) => cell(d, a.status !== 'none')).join('')}  ${hours(a.planned)}/${hours(a.capacity)}  ${statusMark(a)} ${mention(a.id)}`;
}

/** Lines in as few sections as fit 3000 characters each. */
function sections(lines: string[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  let chunk = '';
  for (const l of lines) {
    if (chunk.length + l.length + 1 > 2900) {
      out.push({ type: 'section', text: mrkdwn(chunk) });
      chunk = '';
    }
    chunk += (chunk ? '\n' : '') + l;
  }
  if (chunk) out.push({ type: 'section', text: mrkdwn(chunk) });
  return out;
}

function names(agents: AgentStanding[], max: number): string {
  const shown = agents.slice(0, max).map((a) => mention(a.id));
  return shown.join(', ') + (agents.length > max ? ` and ${agents.length - max} more` : '');
}

export type DigestKind = 'daily' | 'weekly' | 'now';

export function teamBlocks(p: TeamPicture, kind: DigestKind, options: { nudge?: boolean } = {}): { text: string; blocks: KnownBlock[] } {
  const week = formatDay(p.weekStart, 'd LLL');
  const committed = p.agents.filter((a) => a.status === 'committed');
  const waiting = p.agents.filter((a) => a.status !== 'committed');
  const exceptions = committed.filter((a) => a.exception);
  const flagged = p.agents.filter((a) => a.flagged > 0 && a.status !== 'none');
  const planned = p.agents.reduce((s, a) => s + a.planned, 0);
  const capacity = p.agents.reduce((s, a) => s + a.capacity, 0);
  const title = { daily: 'Daily digest', weekly: 'Weekly digest', now: 'Team carts' }[kind];
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(truncate(`${title} · ${p.team.name} · week of ${week}`, LIMITS.headerText), LIMITS.headerText) },
    {
      type: 'section',
      text: mrkdwn(
        `*${committed.length} of ${p.agents.length} committed*` +
          (exceptions.length ? ` · ⚠️ ${exceptions.length} with an exception` : '') +
          (flagged.length ? ` · 🔴 ${flagged.length} with flagged days` : '') +
          ` · planned ${hours(planned)} of ${hours(capacity)}`,
      ),
    },
  ];
  if (waiting.length) blocks.push({ type: 'section', text: mrkdwn(truncateMrkdwn(`*Not committed:* ${names(waiting, 40)}`, 2900)) });
  if (exceptions.length) {
    blocks.push({ type: 'section', text: mrkdwn(truncateMrkdwn(`*Exceptions:*\n${exceptions.slice(0, 8).map((a) => `• ${mention(a.id)}: ${truncateMrkdwn(escape(a.exception!), 200)}`).join('\n')}${exceptions.length > 8 ? `\n…and ${exceptions.length - 8} more` : ''}`, 2900)) });
  }
  blocks.push({ type: 'divider' });
  const small = p.agents.length <= LIST_ALL_UP_TO;
  const listed = small ? p.agents : [...p.agents].sort((a, b) => b.flagged - a.flagged || (a.status === 'committed' ? 1 : 0) - (b.status === 'committed' ? 1 : 0)).slice(0, WORST);
  blocks.push({ type: 'context', elements: [mrkdwn(small ? 'Each day: 🟩 balanced · 🟥 overloaded · 🟨 idle · ⬜ off · ▫️ no cart yet' : `The ${listed.length} agents with the most flagged minutes. 🟩 balanced · 🟥 overloaded · 🟨 idle · ⬜ off · ▫️ no cart`)] });
  blocks.push(...sections(listed.map(line)));

  const totals = p.agents.reduce((t, a) => ({ done: t.done + a.lastWeek.done, skipped: t.skipped + a.lastWeek.skipped, open: t.open + a.lastWeek.open }), { done: 0, skipped: 0, open: 0 });
  const all = totals.done + totals.skipped + totals.open;
  const pct = (n: number, of: number) => (of ? `${Math.round((100 * n) / of)} %` : '–');
  if (all) {
    blocks.push({ type: 'divider' });
    const perAgent = p.agents
      .filter((a) => a.lastWeek.done + a.lastWeek.skipped + a.lastWeek.open > 0)
      .map((a) => ({ a, of: a.lastWeek.done + a.lastWeek.skipped + a.lastWeek.open }))
      .sort((x, y) => x.a.lastWeek.done / x.of - y.a.lastWeek.done / y.of);
    const shown = small ? perAgent : perAgent.slice(0, 10);
    blocks.push({ type: 'section', text: mrkdwn(`*Last week:* done ${pct(totals.done, all)} · skipped ${pct(totals.skipped, all)} · open ${pct(totals.open, all)}${small ? '' : ' — lowest completion first:'}`) });
    blocks.push(...sections(shown.map(({ a, of }) => `${mention(a.id)}: ✅ ${a.lastWeek.done} · ⏭️ ${a.lastWeek.skipped} · ▫️ ${a.lastWeek.open} (${pct(a.lastWeek.done, of)} done)`)));
  }
  if (options.nudge && waiting.length) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: ACTIONS.nudge, text: plain(`Nudge ${waiting.length} not committed`, LIMITS.buttonText), value: `${p.team.id}:${p.weekStart}` }],
    });
  }
  // At most 16 blocks by construction: the long lists are cut to 40 names, 8 exceptions, 25 lines.
  return { text: `${title} · ${escape(p.team.name)}: ${committed.length} of ${p.agents.length} committed`, blocks };
}
