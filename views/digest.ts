// The supervisor's picture of a team, readable in ten seconds: digests and /team-carts. Both
// weeks in flight at a glance, each named: the planning week's carts (committed, open, flagged,
// exceptions, per agent) and the working week's task list (done, skipped, open, per agent); one
// of them in detail. A small team is listed whole; a large one is summarised with its worst
// cases. Always within Slack's limits, whatever the team's size.
import type { KnownBlock } from '@slack/types';
import type { AgentStanding, Outcomes, TeamPicture } from '../src/services/team.ts';
import type { T } from './i18n/index.ts';
import { ACTIONS } from './ids.ts';
import { LIMITS, mrkdwn, plain, truncate, truncateMrkdwn } from './limits.ts';
import { md } from './text.ts';

/** Agents listed one per line before the digest switches to a summary and the worst cases. */
export const LIST_ALL_UP_TO = 25;
const WORST = 15;
const LOWEST = 10;
/** Names in "Not committed", exceptions with their reasons. */
const NAMES = 40;
const EXCEPTIONS = 8;

export type DigestKind = 'daily' | 'weekly' | 'now';
/** Which week a picture shows in detail: the planning week's carts, or the working week's list. */
export type Detail = 'planning' | 'working';

/** The Nudge button's value: the team and the planning week it nudges for. */
export const nudgeValue = (teamId: number, weekStart: string) => `${teamId}:${weekStart}`;
export function parseNudge(value: string): { teamId: number; weekStart: string } | null {
  const [team, weekStart] = value.split(':');
  const teamId = Number(team);
  return Number.isSafeInteger(teamId) && weekStart ? { teamId, weekStart } : null;
}

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

/** A day of the working week: everything done, something left (today or past), still to come, nothing planned. */
function workCell(d: Outcomes & { day: string }, today: string): string {
  if (!d.done && !d.skipped && !d.open) return '⬜';
  if (!d.open) return '✅';
  return d.day <= today ? '🔸' : '▫️';
}

/** Lines in as few sections as fit the section text limit each. */
function sections(lines: string[]): KnownBlock[] {
  const out: KnownBlock[] = [];
  let chunk = '';
  for (const l of lines) {
    if (chunk.length + l.length + 1 > LIMITS.sectionText - 100) {
      out.push({ type: 'section', text: mrkdwn(chunk) });
      chunk = '';
    }
    chunk += (chunk ? '\n' : '') + l;
  }
  if (chunk) out.push({ type: 'section', text: mrkdwn(chunk) });
  return out;
}

function names(t: T, agents: AgentStanding[], max: number): string {
  const list = t.fmt.list(agents.slice(0, max).map((a) => t.fmt.person(a.id)));
  return agents.length > max ? t('list.and_more_people', { list: md(list), count: agents.length - max }) : list;
}

const total = (o: Outcomes) => o.done + o.skipped + o.open;

export function teamBlocks(t: T, p: TeamPicture, kind: DigestKind, options: { nudge?: boolean; detail?: Detail } = {}): { text: string; blocks: KnownBlock[] } {
  const detail = options.detail ?? 'planning';
  const { weeks } = p;
  const committed = p.agents.filter((a) => a.status === 'committed');
  const open = p.agents.filter((a) => a.status === 'open');
  const notStarted = p.agents.filter((a) => a.status === 'none');
  const waiting = p.agents.filter((a) => a.status !== 'committed');
  const exceptions = committed.filter((a) => a.exception);
  const flagged = p.agents.filter((a) => a.flagged > 0 && a.status !== 'none');
  const planned = p.agents.reduce((s, a) => s + a.planned, 0);
  const capacity = p.agents.reduce((s, a) => s + a.capacity, 0);
  const small = p.agents.length <= LIST_ALL_UP_TO;
  const title = t.plain(({ daily: 'digest.daily', weekly: 'digest.weekly', now: 'digest.now' } as const)[kind]);
  const planningWeek = t.fmt.week(weeks.planning);
  const workingWeek = t.fmt.week(weeks.working);

  const blocks: KnownBlock[] = [{ type: 'header', text: plain(truncate(t.plain('digest.header', { title, team: p.team.name }), LIMITS.headerText), LIMITS.headerText) }];

  // The planning week: the carts.
  const counts = [t('digest.committed', { committed: committed.length, total: p.agents.length })];
  if (open.length) counts.push(t('digest.open', { count: open.length }));
  if (notStarted.length) counts.push(t('digest.not_started', { count: notStarted.length }));
  if (flagged.length) counts.push(t('digest.flagged', { count: flagged.length }));
  if (exceptions.length) counts.push(t('digest.exceptions', { count: exceptions.length }));
  counts.push(t('digest.planned', { planned: t.fmt.hours(planned), capacity: t.fmt.hours(capacity) }));
  const proposal = weeks.proposed ? '' : `\n${t('digest.proposed_at', { when: t.fmt.dayTime(weeks.proposedAt, p.team.timezone) })}`;
  blocks.push({ type: 'section', text: mrkdwn(`${t('digest.planning', { week: planningWeek })}\n${counts.join(' · ')}${proposal}`) });
  if (detail === 'planning') {
    if (waiting.length) blocks.push({ type: 'section', text: mrkdwn(truncateMrkdwn(t('digest.not_committed', { names: md(names(t, waiting, NAMES)) }), LIMITS.sectionText - 100)) });
    // Each exception with where its approval stands; one sent back stays listed until the cart is committed again.
    const listedExceptions = p.agents.filter((a) => a.approval || (a.status === 'committed' && a.exception));
    if (listedExceptions.length) {
      const lines = listedExceptions.slice(0, EXCEPTIONS).map((a) => exceptionLine(t, a));
      if (listedExceptions.length > EXCEPTIONS) lines.push(t('digest.more', { count: listedExceptions.length - EXCEPTIONS }));
      blocks.push({ type: 'section', text: mrkdwn(truncateMrkdwn(`${t('digest.exceptions_title')}\n${lines.join('\n')}`, LIMITS.sectionText - 100)) });
    }
    const listed = small
      ? p.agents
      : [...p.agents].sort((a, b) => b.flagged - a.flagged || (a.status === 'committed' ? 1 : 0) - (b.status === 'committed' ? 1 : 0)).slice(0, WORST);
    blocks.push({ type: 'context', elements: [mrkdwn(small ? t('digest.legend') : t('digest.legend_worst', { count: listed.length }))] });
    blocks.push(
      ...sections(
        listed.map((a) => {
          const cells = a.days.filter((d) => d.work || d.minutes > 0).map((d) => cell(d, a.status !== 'none')).join('');
          return `${cells}  ${t('digest.hours', { planned: t.fmt.hours(a.planned), capacity: t.fmt.hours(a.capacity) })}  ${statusMark(a)} ${t.fmt.person(a.id)}`;
        }),
      ),
    );
  } else {
    // At a glance: each agent's cart by its mark.
    const listed = small ? p.agents : [...waiting, ...committed].slice(0, NAMES);
    const glance = listed.map((a) => `${statusMark(a)} ${t.fmt.person(a.id)}`).join('   ');
    if (glance) blocks.push({ type: 'section', text: mrkdwn(truncateMrkdwn(small ? glance : t('digest.glance_more', { list: md(glance), count: p.agents.length - listed.length }), LIMITS.sectionText - 100)) });
  }

  // The working week: the task list.
  blocks.push({ type: 'divider' });
  const sum = p.agents.reduce((o, a) => ({ done: o.done + a.working.done, skipped: o.skipped + a.working.skipped, open: o.open + a.working.open }), { done: 0, skipped: 0, open: 0 });
  const outcome = total(sum) ? t('digest.outcomes', { done: sum.done, skipped: sum.skipped, open: sum.open }) : t('digest.no_list');
  // Tasks left open before this week that no cart has carried yet: said apart from this week's, for the team and each agent.
  const earlier = p.agents.reduce((n, a) => n + a.earlier, 0);
  const earlierLine = earlier ? `\n${t('digest.earlier', { count: earlier })}` : '';
  blocks.push({ type: 'section', text: mrkdwn(`${t('digest.working', { week: workingWeek })}\n${outcome}${earlierLine}`) });
  // Lowest share done first; an agent with only tasks from before the week has done none of this week's.
  const doneShare = (a: AgentStanding) => a.working.done / Math.max(1, total(a.working));
  const working = p.agents.filter((a) => total(a.working) > 0 || a.earlier > 0).sort((x, y) => doneShare(x) - doneShare(y));
  const agentOutcomes = (a: AgentStanding) =>
    t('digest.agent_outcomes', { who: md(t.fmt.person(a.id)), done: a.working.done, skipped: a.working.skipped, open: a.working.open, pct: t.fmt.percent(a.working.done, total(a.working)) }) +
    (a.earlier ? ` · ${t('digest.agent_earlier', { count: a.earlier })}` : '');
  if (working.length) {
    const shown = small ? working : working.slice(0, LOWEST);
    if (!small) blocks.push({ type: 'context', elements: [mrkdwn(t('digest.lowest_first', { count: shown.length }))] });
    if (detail === 'working') {
      blocks.push({ type: 'context', elements: [mrkdwn(t('digest.working_legend'))] });
      blocks.push(
        ...sections(
          shown.map((a) => {
            const cells = a.working.days.filter((d, i) => i < 5 || total(d) > 0).map((d) => workCell(d, weeks.today)).join('');
            return `${cells}  ${agentOutcomes(a)}`;
          }),
        ),
      );
    } else {
      blocks.push(
        ...sections(
          shown.map(agentOutcomes),
        ),
      );
    }
  }

  // Last week's completion, in the weekly digest.
  if (kind === 'weekly') {
    const totals = p.agents.reduce((o, a) => ({ done: o.done + a.lastWeek.done, skipped: o.skipped + a.lastWeek.skipped, open: o.open + a.lastWeek.open }), { done: 0, skipped: 0, open: 0 });
    const all = total(totals);
    if (all) {
      blocks.push({ type: 'divider' });
      const perAgent = p.agents.filter((a) => total(a.lastWeek) > 0).sort((x, y) => x.lastWeek.done / total(x.lastWeek) - y.lastWeek.done / total(y.lastWeek));
      const shown = small ? perAgent : perAgent.slice(0, LOWEST);
      blocks.push({
        type: 'section',
        text: mrkdwn(t('digest.last_week', { done: t.fmt.percent(totals.done, all), skipped: t.fmt.percent(totals.skipped, all), open: t.fmt.percent(totals.open, all) })),
      });
      if (!small) blocks.push({ type: 'context', elements: [mrkdwn(t('digest.lowest_first', { count: shown.length }))] });
      blocks.push(
        ...sections(
          shown.map((a) => t('digest.agent_outcomes', { who: md(t.fmt.person(a.id)), done: a.lastWeek.done, skipped: a.lastWeek.skipped, open: a.lastWeek.open, pct: t.fmt.percent(a.lastWeek.done, total(a.lastWeek)) })),
        ),
      );
    }
  }

  if (kind === 'now') blocks.push({ type: 'context', elements: [mrkdwn(t(detail === 'planning' ? 'digest.see_working' : 'digest.see_planning'))] });
  if (options.nudge && waiting.length) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: ACTIONS.nudge, text: plain(t.plain('digest.nudge', { count: waiting.length }), LIMITS.buttonText), value: nudgeValue(p.team.id, weeks.planning) }],
    });
  }
  // At most 24 blocks by construction: the long lists are cut to 40 names, 8 exceptions, 15 and 10 lines.
  return { text: t('digest.text', { title, team: p.team.name, committed: committed.length, total: p.agents.length, week: planningWeek }), blocks };
}

/** An exception in the digest: whose, the reason, and where its approval stands (awaiting, approved by, sent back by). */
function exceptionLine(t: T, a: AgentStanding): string {
  const who = md(t.fmt.person(a.id));
  const approval = a.approval;
  if (!approval) return t('digest.exception_line', { who, reason: truncate(a.exception ?? '', 200) });
  const by = md(t.fmt.person(approval.by ?? ''));
  const state =
    approval.status === 'approved' ? t('digest.approval_approved', { who: by }) : approval.status === 'sent_back' ? t('digest.approval_sent_back', { who: by }) : t('digest.approval_pending');
  return t('digest.exception_state', { who, reason: truncate(approval.reason, 200), state: md(state) });
}

/** The title of the weekly digest's attached CSV export (a file's title is plain text). */
export function exportTitle(t: T, team: string, monday: string): string {
  return truncate(t.plain('digest.export_title', { team, week: t.fmt.week(monday) }), 250);
}
