// Text from people and files is data, never markup: every view rendered in both languages with
// arbitrary strings (and the fragments an attacker would try, on Slack and on i18next) in every
// text field shows no mention, channel ping or link that the bot did not mean, escapes people's
// text exactly once, and stays within Slack's limits.
import fc from 'fast-check';
import { assert, describe, expect, it } from 'vitest';
import { addDays, asOf, buildWeek, measure, suggest, type CartTask, type Priority, type TaskSource } from '../../src/engine/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import { LANGUAGES } from '../../src/language.ts';
import type { CartState, Notice } from '../../src/services/cart.ts';
import type { Target } from '../../src/services/recommend.ts';
import type { AgentStanding, TeamPicture } from '../../src/services/team.ts';
import type { TaskListView } from '../../src/services/tasks.ts';
import type { Approval } from '../../src/services/approvals.ts';
import { addTaskModal } from '../../views/add-task.ts';
import { agentDecisionText, alreadyDecidedText, approvalMessage, sendBackModal } from '../../views/approval.ts';
import { cartMessage, retiredCart } from '../../views/cart.ts';
import { commitReasonModal } from '../../views/commit.ts';
import { dayModal } from '../../views/day.ts';
import { weekChart } from '../../views/chart.ts';
import { teamBlocks } from '../../views/digest.ts';
import { errorText } from '../../views/errors.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { truncateMrkdwn } from '../../views/limits.ts';
import { pickFiltersModal, pickTasksModal } from '../../views/pick.ts';
import { setupBlocks, setupHome, setupText } from '../../views/setup.ts';
import { reminderMessage } from '../../views/reminder.ts';
import { homeView, taskListText } from '../../views/tasks.ts';
import { escape, mention } from '../../views/text.ts';
import { troubleHome, troubleModal } from '../../views/trouble.ts';
import { appliedMessage, proposalMessage, rebalanceBlocks, rebalanceDm } from '../../views/rebalance.ts';
import type { ApplyResult, Proposal } from '../../src/services/rebalance.ts';
import { checkBlocks, checkView } from '../support/limits.ts';
import { anyText } from '../support/arbitraries.ts';

const MONDAY = '2026-11-30';

/** What an attacker would type, and what a careless escaper would get wrong. */
const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S0123|@support>',
  '<@U0ACCSUP1>',
  '<@W012ABC>',
  '<#C0123|general>',
  '<http://x|y>',
  '<https://evil.example|urgent: reset password>',
  '<mailto:boss@example.com|boss>',
  '&lt;!channel&gt;',
  '&amp;',
  '&',
  '<',
  '>',
  '*bold* _it_ ~s~ `code`',
  '@channel @here @everyone #general https://evil.example',
  '\u202Eevil',
  '长标签客户名称',
  // i18next's own syntax must stay text too: interpolation, unescaped interpolation, nesting.
  '{{count}}',
  '{{- title}}',
  '$t(cart.header)',
  '$t(setup.text, {"id": "<!channel>"})',
];

const LANGS = LANGUAGES.map((l) => textsFor(l));

const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: anyText(20) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
);
const text = fc.oneof(
  { weight: 8, arbitrary: fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join('')) },
  // Long enough to hit every limit, once escaped.
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...HOSTILE), { minLength: 40, maxLength: 120 }).map((parts) => parts.join('')) },
);
/** Ids and keys are checked on import (a member id, a type key of 50 characters): hostile, but as short. */
const short = text.map((t) => [...t].slice(0, 30).join(''));
const userId = fc.oneof(fc.constantFrom('U0AGENT1', 'U0AGENT2', 'W0ABC123'), short);
const priority = fc.constantFrom<Priority>('low', 'normal', 'high', 'urgent');
const source = fc.constantFrom<TaskSource>('system', 'carried_over', 'recommended', 'custom');

/**
 * Every mrkdwn text of a view or message: block texts, fields, context elements, confirm dialogs.
 * Each must be verbatim, so that Slack does not parse its plain text for "@here" or "#channel".
 * (Checked without vitest's `expect` here and below: a run reads some hundred thousand texts, and
 * vitest's bookkeeping for each `expect` cost more than the views themselves.)
 */
function mrkdwnTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) mrkdwnTexts(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') {
      if (o.verbatim !== true) assert.fail(`a mrkdwn text that is not verbatim: ${o.text}`);
      out.push(o.text);
    }
    for (const v of Object.values(o)) mrkdwnTexts(v, out);
  }
  return out;
}

/**
 * No `<…>` token but the mentions the bot meant, and no `&` but its own escapes: Slack parses
 * `<!…>`, `<@…>`, `<#…>` and `<http…>` only between angle brackets.
 */
function expectOnlyMeant(texts: string[], meant: ReadonlySet<string> = new Set()) {
  const foreign = texts.filter((t) => {
    const rest = t.replace(/<@[UW][A-Z0-9]+>/g, (m) => (meant.has(m) ? '' : m));
    return /[<>]/.test(rest) || /&(?!amp;|lt;|gt;)/.test(rest);
  });
  expect(foreign, 'texts with a token or an & the bot did not mean').toEqual([]);
}

function weekOf(reason: string) {
  return buildWeek(MONDAY, {
    zone: 'Asia/Shanghai',
    workDays: [1, 2, 3, 4, 5],
    dayCapacity: 60,
    upperPercent: 100,
    lowerPercent: 60,
    holidays: [{ from: addDays(MONDAY, 2), to: addDays(MONDAY, 2), reason }],
    timeOff: [],
  });
}

const taskArb = fc.record({
  title: text,
  label: text,
  customerName: fc.option(text),
  customerId: fc.option(text),
  day: fc.integer({ min: 0, max: 6 }),
  effort: fc.integer({ min: 1, max: 90 }),
  priority,
  source,
  fixed: fc.boolean(),
  finished: fc.constantFrom(null, 'done' as const, 'skipped' as const, 'carried_over' as const),
});

const cartArb = fc.record({
  tasks: fc.array(taskArb, { maxLength: 30 }),
  reason: text,
  merged: fc.array(fc.record({ label: text, customer: text, legacy: fc.boolean() }), { maxLength: 5 }),
  notice: text,
  noticeKind: fc.integer({ min: 0, max: 5 }),
  committed: fc.boolean(),
  /** The day it is, from Monday (the week being worked, the days before it gone by) to past Friday; 0 also for a week planned ahead. */
  today: fc.integer({ min: 0, max: 5 }),
});

/** A notice carrying people's text in every field it has. */
function noticeOf(kind: number, text: string): Notice {
  const task = { type: 'custom', label: text, customer: text, effort: 10 };
  const flagged = [{ day: MONDAY, flag: { kind: 'overloaded' as const, by: 30 } }];
  switch (kind) {
    case 0:
      return { kind: 'refused', code: 'fixed_task', params: { title: text, day: MONDAY } };
    case 1:
      return { kind: 'added', tasks: [{ title: text, day: MONDAY }], more: 3, merged: 1 };
    case 2:
      return { kind: 'removed', task, day: MONDAY, flagged };
    case 3:
      return { kind: 'balanced', count: 2, moves: [{ ...task, from: MONDAY, to: addDays(MONDAY, 1) }], more: 1, flagged };
    case 4:
      return { kind: 'moved', move: { ...task, from: MONDAY, to: addDays(MONDAY, 1) }, flagged: [] };
    default:
      return { kind: 'sent_back', by: 'U0SUP1', note: text };
  }
}

type CartInput = typeof cartArb extends fc.Arbitrary<infer T> ? T : never;

function cartState(c: CartInput): CartState {
  const week = asOf(weekOf(c.reason), addDays(MONDAY, c.today));
  const tasks: CartTask[] = c.tasks.map((t, i) => ({
    id: String(i + 1),
    type: 'custom',
    label: t.label,
    title: t.title,
    customerId: t.customerId,
    customerName: t.customerName,
    effort: t.effort,
    priority: t.priority,
    day: addDays(MONDAY, t.day),
    earliest: null,
    due: null,
    fixed: t.fixed || t.finished !== null,
    source: t.source,
    finished: t.finished,
  }));
  return {
    cart: { id: 7, agentId: 'U0AGENT1', weekStart: MONDAY, status: c.committed ? 'committed' : 'open', version: 3, channelId: 'D1', messageTs: '1.1', committedAt: null, exceptionReason: null, createdAt: new Date(0), updatedAt: new Date(0) },
    person: {} as CartState['person'],
    week,
    tasks,
    measure: measure(tasks, week),
    advice: suggest(tasks, week),
    merged: c.merged.map((m) => (m.legacy ? { text: m.label } : { type: 'custom', label: m.label, customer: m.customer, from: MONDAY, into: addDays(MONDAY, 1) })),
    context: '',
    names: 0,
  };
}

const RUNS = { numRuns: 150 };

describe('people’s text in every view', () => {
  it('the cart message and every day of it', () => {
    fc.assert(
      fc.property(cartArb, (c) => {
        const s = cartState(c);
        const notice = noticeOf(c.noticeKind, c.notice);
        for (const t of LANGS) {
          const message = cartMessage(t, s, notice);
          // The one mention a notice may make: the supervisor who sent the cart back.
          const meant = new Set(['<@U0SUP1>']);
          expectOnlyMeant([message.text, ...mrkdwnTexts(message.blocks)], meant);
          expect(checkBlocks(message.blocks, 'message')).toEqual([]);
          for (const d of s.week.days) {
            const view = dayModal(t, s, d.day, 0, notice);
            expectOnlyMeant(mrkdwnTexts(view), meant);
            expect(checkView(view as never)).toEqual([]);
          }
        }
      }),
      RUNS,
    );
  });

  it('the Add task, commit and Pick customers modals', () => {
    const targetArb = fc.record({ id: short, name: text, segment: fc.option(text), reasons: fc.array(fc.record({ typeKey: short, reason: text }), { minLength: 1, maxLength: 12 }) });
    fc.assert(
      fc.property(fc.array(fc.record({ key: short, label: text }), { maxLength: 8 }), fc.array(targetArb, { maxLength: 20 }), fc.array(text, { maxLength: 5 }), text, fc.boolean(), (types, targets, choices, flagged, teamCustomers) => {
        const week = weekOf(flagged);
        const views = LANGS.flatMap((tt) => [
          addTaskModal(tt, 7, week, types.map((t) => ({ ...t, effortMinutes: 10 })), MONDAY),
          commitReasonModal(tt, 7, 3, [{ day: addDays(MONDAY, 2), flag: { kind: 'off_day', by: 30 } }]),
          pickFiltersModal(tt, 7, { segments: choices, regions: choices }, { teamCustomers }),
          pickTasksModal(
            tt,
            7,
            week,
            targets.map(
              (t, i): Target => ({
                customer: { id: `${i}${t.id}`.slice(0, 200), name: t.name, segment: t.segment, lastContact: null, renewalDate: null },
                recommendations: t.reasons.map((r, j) => ({ customerId: t.id, typeKey: `${j}${r.typeKey}`.slice(0, 100), score: 0.5, reason: { kind: 'imported' as const, text: r.reason }, origin: 'imported' as const })),
                best: 1,
              }),
            ),
            new Map(types.map((t) => [t.key, t.label])),
          ),
        ]);
        for (const view of views) {
          expectOnlyMeant(mrkdwnTexts(view));
          expect(checkView(view as never)).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('App Home and /tasks', () => {
    const rowArb = fc.record({ title: text, label: text, customerName: fc.option(text), day: fc.integer({ min: 0, max: 6 }), status: fc.constantFrom('open', 'done', 'skipped', 'carried_over' as const), priority });
    fc.assert(
      fc.property(text, fc.array(rowArb, { maxLength: 60 }), (name, rows) => {
        const row = (r: (typeof rows)[number], i: number, from: string) => ({
          id: i + 1,
          typeKey: 'follow_up',
          title: r.title,
          label: r.label,
          customerName: r.customerName,
          effortMinutes: 10,
          priority: r.priority,
          day: addDays(from, r.day),
          status: r.status,
        });
        const next = addDays(MONDAY, 7);
        const v: TaskListView = {
          person: {} as TaskListView['person'],
          name,
          today: MONDAY,
          weekStart: MONDAY,
          week: rows.map((r, i) => row(r, i, MONDAY)),
          // Left open before the week: the same hostile text, in App Home with buttons and in /tasks.
          earlier: rows.map((r, i) => ({ ...row(r, i + 200, addDays(MONDAY, -7)), status: 'open' as const })),
          earlierCount: rows.length * 2,
          nextWeekStart: next,
          next: rows.map((r, i) => row(r, i + 100, next)),
          thisCart: { weekStart: MONDAY, status: 'committed', exceptionReason: name },
          nextCart: { weekStart: next, status: 'committed', exceptionReason: null },
        };
        for (const t of LANGS) {
          const home = homeView(t, v);
          expectOnlyMeant(mrkdwnTexts(home));
          expect(checkView(home as never)).toEqual([]);
          for (const range of ['today', 'week', 'next'] as const) {
            const list = taskListText(t, v, range);
            expectOnlyMeant([list]);
            expect(list.length).toBeLessThanOrEqual(4000);
          }
        }
      }),
      RUNS,
    );
  });

  it('the reminders, at the start of the day and near its end', () => {
    const rowArb = fc.record({ title: text, label: text, customerName: fc.option(text), status: fc.constantFrom('open', 'done', 'skipped' as const), priority });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 60 }), fc.constantFrom('start' as const, 'end' as const), fc.integer({ min: 0, max: 600 }), (rows, kind, minutesLeft) => {
        const tasks = rows.map((r, i) => ({ ...r, id: i + 1, typeKey: 'follow_up', effortMinutes: 10, day: MONDAY }));
        for (const t of LANGS) {
          const message = reminderMessage(t, { kind, day: MONDAY, tasks, minutesLeft: kind === 'end' ? minutesLeft : null, earlier: rows.length });
          expectOnlyMeant([...mrkdwnTexts(message.blocks), message.text]);
          expect(checkBlocks(message.blocks, 'message')).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('the digest and /team-carts: the only mentions are of the team’s agents, by id', () => {
    const approvalArb = fc.option(fc.record({ reason: text, status: fc.constantFrom('pending' as const, 'approved' as const, 'sent_back' as const), by: fc.option(userId) }));
    const agentArb = fc.record({ id: userId, name: text, exception: fc.option(text), status: fc.constantFrom('none', 'open', 'committed' as const), flagged: fc.integer({ min: 0, max: 300 }), approval: approvalArb, earlier: fc.nat(40) });
    fc.assert(
      fc.property(text, fc.array(agentArb, { maxLength: 40 }), fc.constantFrom('daily', 'weekly', 'now' as const), fc.constantFrom('planning', 'working' as const), (teamName, agents, kind, detail) => {
        const working = addDays(MONDAY, -7);
        const picture: TeamPicture = {
          team: { id: 1, name: teamName, timezone: 'Asia/Shanghai' } as TeamPicture['team'],
          weeks: { today: addDays(working, 2), working, planning: MONDAY, proposedAt: new Date('2026-11-27T07:00:00Z'), proposed: kind === 'now' },
          agents: agents.map(
            (a): AgentStanding => ({
              id: a.id,
              name: a.name,
              status: a.status,
              exception: a.status === 'committed' ? a.exception : null,
              days: Array.from({ length: 7 }, (_, i) => ({ day: addDays(MONDAY, i), work: i < 5, minutes: 300, capacity: i < 5 ? 390 : 0, flag: a.flagged && i === 0 ? { kind: 'overloaded', by: a.flagged } : null })),
              planned: 1500,
              capacity: 1950,
              flagged: a.flagged,
              working: { done: 2, skipped: 1, open: 4, days: Array.from({ length: 7 }, (_, i) => ({ day: addDays(working, i), done: i % 2, skipped: 0, open: i % 3 })) },
              lastWeek: { done: 3, skipped: 1, open: 1 },
              earlier: a.earlier,
              approval: a.approval,
            }),
          ),
        };
        const meant = new Set(agents.flatMap((a) => [a.id, a.approval?.by ?? '']).filter((id) => /^[UW][A-Z0-9]+$/.test(id)).map((id) => `<@${id}>`));
        for (const t of LANGS) {
          const message = teamBlocks(t, picture, kind, { nudge: true, detail });
          expectOnlyMeant([message.text, ...mrkdwnTexts(message.blocks)], meant);
          expect(checkBlocks(message.blocks, 'message')).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('the approval DM in every state, Send back’s modal, and what the agent and a late supervisor are told: the only mentions are the agent’s and the decider’s', () => {
    const dayArb = fc.record({ day: fc.integer({ min: 0, max: 6 }), minutes: fc.integer({ min: 0, max: 900 }), kind: fc.constantFrom('overloaded' as const, 'idle' as const, 'off_day' as const), by: fc.integer({ min: 1, max: 600 }) });
    fc.assert(
      fc.property(
        fc.record({ agentId: userId, decidedBy: fc.option(userId), reason: text, note: fc.option(text), team: text, days: fc.array(dayArb, { maxLength: 7 }) }),
        fc.constantFrom('pending' as const, 'approved' as const, 'sent_back' as const, 'withdrawn' as const),
        fc.constantFrom('planning' as const, 'working' as const, 'other' as const),
        (a, status, week) => {
          const approval: Approval = {
            id: 2_000_000_000,
            agentId: a.agentId,
            teamName: a.team,
            weekStart: MONDAY,
            week,
            reason: a.reason,
            flagged: a.days.map((d) => ({ day: addDays(MONDAY, d.day), minutes: d.minutes, capacity: 390, flag: { kind: d.kind, by: d.by } })),
            status,
            decidedBy: a.decidedBy,
            note: a.note,
          };
          const meant = new Set([a.agentId, a.decidedBy ?? ''].filter((id) => /^[UW][A-Z0-9]+$/.test(id)).map((id) => `<@${id}>`));
          for (const t of LANGS) {
            const message = approvalMessage(t, approval);
            expectOnlyMeant([message.text, ...mrkdwnTexts(message.blocks), alreadyDecidedText(t, approval), agentDecisionText(t, approval)], meant);
            expect(checkBlocks(message.blocks, 'message')).toEqual([]);
            const modal = sendBackModal(t, approval);
            expectOnlyMeant(mrkdwnTexts(modal), meant);
            expect(checkView(modal as never)).toEqual([]);
          }
        },
      ),
      RUNS,
    );
  });

  it('the digest’s chart: any names are XML text in its SVG, its title and alt text plain', () => {
    fc.assert(
      fc.property(text, fc.array(fc.record({ id: userId, name: text }), { minLength: 1, maxLength: 30 }), fc.constantFrom('daily', 'weekly' as const), (teamName, agents, kind) => {
        const working = addDays(MONDAY, -7);
        const picture: TeamPicture = {
          team: { id: 1, name: teamName, timezone: 'Asia/Shanghai' } as TeamPicture['team'],
          weeks: { today: addDays(working, 2), working, planning: MONDAY, proposedAt: new Date('2026-11-27T07:00:00Z'), proposed: true },
          agents: agents.map(
            (a, i): AgentStanding => ({
              id: a.id,
              name: a.name,
              status: 'open',
              exception: null,
              days: Array.from({ length: 7 }, (_, d) => ({ day: addDays(MONDAY, d), work: d < 5, minutes: 100 * (i % 6), capacity: d < 5 ? 390 : 0, flag: null })),
              planned: 0,
              capacity: 1950,
              flagged: i,
              working: { done: i, skipped: 1, open: 2, days: [] },
              earlier: i % 3,
              lastWeek: { done: 3, skipped: i % 3, open: 1 },
            }),
          ),
        };
        for (const t of LANGS) {
          const chart = weekChart(t, picture, kind)!;
          // Only the SVG's own tags; every & an entity.
          const rest = chart.svg.replace(/<\/?(svg|rect|text|line)\b[^<>]*>/g, '');
          expect(rest).not.toMatch(/[<>]/);
          expect(rest).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
          // Plain text for Slack (a file's title and alt text are not parsed), within Slack's lengths.
          expect(chart.title.length).toBeLessThanOrEqual(250);
          expect(chart.altText.length).toBeLessThanOrEqual(1000);
        }
      }),
      RUNS,
    );
  });

  it('set-up answers, refusals, failures and private answers', () => {
    const codes: ErrorCode[] = ['fixed_task', 'fixed_task_remove', 'outside_window', 'outside_week', 'unknown_user'];
    fc.assert(
      fc.property(text, fc.constantFrom(...codes), (s, code) => {
        for (const t of LANGS) {
          expectOnlyMeant([...mrkdwnTexts(setupBlocks(t, s)), ...mrkdwnTexts(setupHome(t, s)), setupText(t, s)]);
          const refused = errorText(t, code, { title: s, day: MONDAY, userId: s });
          expectOnlyMeant([...mrkdwnTexts(troubleHome(t, refused)), ...mrkdwnTexts(troubleModal(t, s, refused)), refused, ...mrkdwnTexts(retiredCart(t).blocks)]);
          expect(checkView(troubleModal(t, s, refused) as never)).toEqual([]);
          expect(checkView(troubleHome(t, refused) as never)).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('escapes people’s text exactly once, in both languages, and leaves i18next’s syntax as text', () => {
    const hostile = 'a<b>&c {{count}} $t(cart.header)';
    const once = 'a&lt;b&gt;&amp;c {{count}} $t(cart.header)';
    for (const t of LANGS) {
      const task: CartTask = { id: '1', type: 'custom', label: hostile, title: hostile, customerId: 'C1', customerName: hostile, effort: 10, priority: 'normal', day: MONDAY, earliest: null, due: null, fixed: false, source: 'custom' };
      const week = weekOf(hostile);
      const s: CartState = { ...cartState({ tasks: [], reason: hostile, merged: [], notice: '', noticeKind: 0, committed: false, today: 0 }), tasks: [task], measure: measure([task], week), advice: suggest([task], week) };
      const texts = [
        ...mrkdwnTexts(cartMessage(t, s, noticeOf(0, hostile)).blocks),
        ...mrkdwnTexts(dayModal(t, s, MONDAY, 0, noticeOf(2, hostile))),
        errorText(t, 'outside_window', { title: hostile, day: MONDAY }),
      ];
      const all = texts.join('\n');
      expect(all).toContain(once);
      expect(all).not.toContain('&amp;lt;');
      expect(all).not.toContain('&amp;amp;');
      expect(all).not.toContain('a<b>');
      // Plain text (Slack does not parse it) takes people's text as it is.
      expect(errorText(t, 'outside_window', { title: hostile, day: MONDAY }, 'plain')).toContain(hostile);
    }
  });
});

describe('escape and mention', () => {
  it('escape is Slack’s: & < > and nothing else, so the text reads as typed', () => {
    expect(escape('<!channel> & <@U1> *bold*')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt; *bold*');
    expect(escape('&lt;')).toBe('&amp;lt;');
  });

  it('mention builds the bot’s own mentions from ids only', () => {
    expect(mention('U0AGENT1')).toBe('<@U0AGENT1>');
    expect(mention('W0ABC')).toBe('<@W0ABC>');
    expect(mention('U1> <!channel')).toBe('U1&gt; &lt;!channel');
    expect(mention('C0123')).toBe('C0123');
  });

  it('a cut never leaves half an escape or half a mention at the end', () => {
    expect(truncateMrkdwn('ab&amp;cd', 4)).toBe('ab…');
    expect(truncateMrkdwn('ab<@U0AGENT1>', 6)).toBe('ab…');
    expect(truncateMrkdwn('abcdef', 4)).toBe('abc…');
    expect(truncateMrkdwn('abc', 4)).toBe('abc');
  });
});

describe('people’s text in rebalancing', () => {
  it('the Rebalance buttons, the proposal, what was applied and each agent’s DM: the only mentions are the bot’s, by id', () => {
    const moveArb = fc.record({ label: text, type: short, customer: fc.option(text), effort: fc.integer({ min: 1, max: 600 }), from: fc.integer({ min: 0, max: 6 }), to: fc.integer({ min: 0, max: 6 }), receiverId: userId });
    fc.assert(
      fc.property(fc.array(moveArb, { minLength: 1, maxLength: 10 }), userId, userId, fc.array(fc.record({ id: userId, status: fc.constantFrom('none', 'open', 'committed' as const), over: fc.integer({ min: 0, max: 900 }) }), { maxLength: 30 }), (raw, giver, supervisor, agents) => {
        const moves = raw.map((m, i) => ({ ...m, itemId: i + 1, from: addDays(MONDAY, m.from), to: addDays(MONDAY, m.to) }));
        const receivers = [...new Set(moves.map((m) => m.receiverId))].map((agentId, i) => ({ cartId: i + 2, version: 3, agentId }));
        const overloaded = [{ day: MONDAY, flag: { kind: 'overloaded' as const, by: 30 } }];
        const proposal: Proposal = { kind: 'proposal', teamId: 1, weekStart: MONDAY, giver: { cartId: 1, version: 2, agentId: giver }, receivers, moves, overBefore: 30, overAfter: 0, overloaded };
        const ids = [giver, supervisor, ...moves.map((m) => m.receiverId), ...agents.map((a) => a.id)];
        const meant = new Set(ids.filter((id) => /^[UW][A-Z0-9]+$/.test(id)).map((id) => `<@${id}>`));
        const state = { cart: { agentId: giver, weekStart: MONDAY } } as never;
        const applied: Extract<ApplyResult, { kind: 'applied' }> = { kind: 'applied', supervisorId: supervisor, giver: state, receivers: [], moves, overBefore: 30, overAfter: 0, overloaded };
        const picture = {
          team: { id: 1, name: 'x' },
          weeks: { planning: MONDAY },
          agents: agents.map((a) => ({ id: a.id, status: a.status, days: [{ day: MONDAY, work: true, minutes: 400, capacity: 390, flag: a.over ? { kind: 'overloaded', by: a.over } : null }] })),
        } as unknown as TeamPicture;
        for (const t of LANGS) {
          for (const message of [proposalMessage(t, proposal), proposalMessage(t, proposal, { stale: true }), appliedMessage(t, applied), { text: '', blocks: rebalanceBlocks(t, picture) }]) {
            expectOnlyMeant([message.text, ...mrkdwnTexts(message.blocks)], meant);
            expect(checkBlocks(message.blocks, 'message')).toEqual([]);
          }
          for (const who of [giver, moves[0]!.receiverId]) expectOnlyMeant([rebalanceDm(t, applied, who)], meant);
        }
      }),
      RUNS,
    );
  });
});
