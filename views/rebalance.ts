// Team rebalancing as the supervisor and the agents see it: in /team-carts, a Rebalance button
// beside each agent with overloaded days; the proposal (a list of concrete moves with an Apply
// button that carries every cart's version); what was applied; and each agent's DM saying what
// moved and why. Within Slack's limits by construction: at most REBALANCE_LISTED agents with a
// button, and the engine proposes at most MAX_TEAM_MOVES moves (src/engine/rebalance.ts).
import type { KnownBlock } from '@slack/types';
import { MAX_TEAM_MOVES } from '../src/engine/rebalance.ts';
import type { DayFlag } from '../src/services/cart.ts';
import type { ApplyPlan, ApplyResult, Proposal, TeamMoveNote } from '../src/services/rebalance.ts';
import type { AgentStanding, TeamPicture } from '../src/services/team.ts';
import { addDays } from '../src/engine/calendar.ts';
import type { Key, T } from './i18n/index.ts';
import { ACTIONS } from './ids.ts';
import { LIMITS, mrkdwn, plain, truncateMrkdwn } from './limits.ts';
import { flaggedList } from './notices.ts';
import { md } from './text.ts';
import { taskName } from './words.ts';

/** Agents with a Rebalance button in /team-carts, the most overloaded first: one section each. */
export const REBALANCE_LISTED = 8;

/** The Rebalance button's value: the team, the planning week and the agent whose days are overloaded. */
export const rebalanceValue = (teamId: number, weekStart: string, agentId: string) => `${teamId}|${weekStart}|${agentId}`;
export function parseRebalanceAsk(value: string): { teamId: number; weekStart: string; agentId: string } | null {
  const m = /^(\d{1,10})\|(\d{4}-\d{2}-\d{2})\|([A-Za-z0-9]{1,40})$/.exec(value);
  return m ? { teamId: Number(m[1]), weekStart: m[2]!, agentId: m[3]! } : null;
}

/**
 * The Apply button's value: `team|week|giverCart.version|cart.version,…|item.receiver.day,…`, a
 * receiver by its place among the carts and a day by its place in the week. At most 11 carts and
 * 10 moves: well under a button value's 2,000 characters.
 */
export function applyValue(p: Extract<Proposal, { kind: 'proposal' }>): string {
  const receiver = new Map(p.receivers.map((r, i) => [r.agentId, i]));
  const day = (iso: string) => Array.from({ length: 7 }, (_, i) => addDays(p.weekStart, i)).indexOf(iso);
  const moves = p.moves.map((m) => `${m.itemId}.${receiver.get(m.receiverId)}.${day(m.to)}`).join(',');
  return [p.teamId, p.weekStart, `${p.giver.cartId}.${p.giver.version}`, p.receivers.map((r) => `${r.cartId}.${r.version}`).join(','), moves].join('|');
}

export function parseApplyPlan(value: string): ApplyPlan | null {
  const m = /^(\d{1,10})\|(\d{4}-\d{2}-\d{2})\|(\d{1,10}\.\d{1,10})\|((?:\d{1,10}\.\d{1,10},?){1,10})\|((?:\d{1,10}\.\d{1,2}\.[0-6],?){1,10})$/.exec(value);
  if (!m) return null;
  const pair = (s: string) => {
    const [cartId, version] = s.split('.').map(Number) as [number, number];
    return { cartId, version };
  };
  const receivers = m[4]!.split(',').filter(Boolean).map(pair);
  const moves = m[5]!
    .split(',')
    .filter(Boolean)
    .map((s) => {
      const [itemId, r, d] = s.split('.').map(Number) as [number, number, number];
      return { itemId, receiver: r, day: addDays(m[2]!, d) };
    });
  if (moves.length > MAX_TEAM_MOVES || moves.some((x) => x.receiver >= receivers.length)) return null;
  return { teamId: Number(m[1]), weekStart: m[2]!, giver: pair(m[3]!), receivers, moves, token: value };
}

const overloadedOf = (a: AgentStanding): DayFlag[] => a.days.flatMap((d) => (d.flag && d.flag.kind !== 'idle' ? [{ day: d.day, flag: d.flag }] : []));

/**
 * For /team-carts (supervisors only): each agent whose open cart has overloaded days, with a
 * Rebalance button. Nothing when no open cart is overloaded.
 */
export function rebalanceBlocks(t: T, p: TeamPicture): KnownBlock[] {
  const heavy = p.agents
    .filter((a) => a.status === 'open' && overloadedOf(a).length > 0)
    .map((a) => ({ a, over: overloadedOf(a) }))
    .sort((x, y) => y.over.reduce((s, d) => s + d.flag.by, 0) - x.over.reduce((s, d) => s + d.flag.by, 0));
  if (!heavy.length) return [];
  const blocks: KnownBlock[] = [{ type: 'divider' }, { type: 'section', text: mrkdwn(t('rebalance.title', { week: t.fmt.week(p.weeks.planning) })) }];
  for (const { a, over } of heavy.slice(0, REBALANCE_LISTED)) {
    blocks.push({
      type: 'section',
      text: mrkdwn(truncateMrkdwn(t('rebalance.agent', { who: md(t.fmt.person(a.id)), days: md(flaggedList(t, over.slice(0, 7))) }), 1000)),
      accessory: { type: 'button', action_id: ACTIONS.rebalance, text: plain(t.plain('rebalance.button'), LIMITS.buttonText), value: rebalanceValue(p.team.id, p.weeks.planning, a.id) },
    });
  }
  if (heavy.length > REBALANCE_LISTED) blocks.push({ type: 'context', elements: [mrkdwn(t('digest.more', { count: heavy.length - REBALANCE_LISTED }))] });
  return blocks;
}

/** A move as the supervisor reads it: "• Follow-up · Wang Fang (30 m) Tue → @Chen Jing Tue". */
function moveLine(t: T, m: TeamMoveNote): string {
  return t('rebalance.move', { task: taskName(t, m), effort: t.fmt.minutes(m.effort), from: t.fmt.weekday(m.from), to: md(t.fmt.person(m.receiverId)), day: t.fmt.weekday(m.to) });
}

const lines = (t: T, moves: readonly TeamMoveNote[]) => truncateMrkdwn(moves.map((m) => moveLine(t, m)).join('\n'), LIMITS.sectionText - 100);

const BLOCKED: Record<Extract<Proposal, { kind: 'blocked' }>['reason'], Key> = {
  not_overloaded: 'rebalance.blocked_not_overloaded',
  nothing_movable: 'rebalance.blocked_nothing_movable',
  no_teammate: 'rebalance.blocked_no_teammate',
  no_room: 'rebalance.blocked_no_room',
  no_cart: 'rebalance.blocked_no_cart',
  committed: 'rebalance.blocked_committed',
};

/** The proposal for the supervisor: the moves and an Apply button, or why there are none. `stale`: it replaces one a changed cart made old. */
export function proposalMessage(t: T, p: Proposal, options: { stale?: boolean } = {}): { text: string; blocks: KnownBlock[] } {
  const agentId = p.kind === 'proposal' ? p.giver.agentId : p.agentId;
  const who = md(t.fmt.person(agentId));
  const blocks: KnownBlock[] = [];
  if (options.stale) blocks.push({ type: 'section', text: mrkdwn(t('rebalance.stale')) });
  const days = p.overloaded.length ? `\n${flaggedList(t, p.overloaded.slice(0, 7))}` : '';
  const head = t('rebalance.header', { who, week: t.fmt.week(p.weekStart) }) + days;
  blocks.push({ type: 'section', text: mrkdwn(truncateMrkdwn(head, LIMITS.sectionText - 100)) });
  if (p.kind === 'blocked') {
    const reason = t(BLOCKED[p.reason], { who });
    blocks.push({ type: 'section', text: mrkdwn(reason) });
    return { text: reason, blocks };
  }
  blocks.push({ type: 'section', text: mrkdwn(lines(t, p.moves)) });
  blocks.push({ type: 'context', elements: [mrkdwn(t('rebalance.summary', { who, before: t.fmt.minutes(p.overBefore), after: t.fmt.minutes(p.overAfter) }))] });
  blocks.push({
    type: 'actions',
    elements: [{ type: 'button', action_id: ACTIONS.applyRebalance, style: 'primary', text: plain(t.plain('rebalance.apply', { count: p.moves.length }), LIMITS.buttonText), value: applyValue(p) }],
  });
  return { text: t('rebalance.proposal_text', { who, count: p.moves.length }), blocks };
}

/** What the supervisor sees once the moves are made (the proposal's message, replaced). */
export function appliedMessage(t: T, r: Extract<ApplyResult, { kind: 'applied' }>): { text: string; blocks: KnownBlock[] } {
  const receivers = md(t.fmt.list([...new Set(r.moves.map((m) => m.receiverId))].map((id) => t.fmt.person(id))));
  const text = t('rebalance.applied', { count: r.moves.length, who: md(t.fmt.person(r.giver.cart.agentId)), receivers });
  return {
    text,
    blocks: [
      { type: 'section', text: mrkdwn(text) },
      { type: 'section', text: mrkdwn(lines(t, r.moves)) },
      { type: 'context', elements: [mrkdwn(t('rebalance.summary', { who: md(t.fmt.person(r.giver.cart.agentId)), before: t.fmt.minutes(r.overBefore), after: t.fmt.minutes(r.overAfter) }))] },
    ],
  };
}

/** A second click on a proposal already applied. */
export function appliedAlreadyText(t: T): string {
  return t('rebalance.applied_already');
}

/** The DM to an agent of the rebalance: what left their cart (the giver) or came into it, and why. */
export function rebalanceDm(t: T, r: Extract<ApplyResult, { kind: 'applied' }>, agentId: string): string {
  const giver = r.giver.cart.agentId;
  const week = t.fmt.week(r.giver.cart.weekStart);
  const days = md(flaggedList(t, r.overloaded.slice(0, 7)));
  const by = md(t.fmt.person(r.supervisorId));
  if (agentId === giver) return t('rebalance.dm_giver', { who: by, week, days, moves: md(lines(t, r.moves)) });
  const mine = r.moves.filter((m) => m.receiverId === agentId);
  const list = truncateMrkdwn(mine.map((m) => t('rebalance.move_in', { task: taskName(t, m), effort: t.fmt.minutes(m.effort), day: t.fmt.weekday(m.to) })).join('\n'), LIMITS.sectionText - 100);
  return t('rebalance.dm_receiver', { who: by, from: md(t.fmt.person(giver)), week, days, moves: md(list) });
}
