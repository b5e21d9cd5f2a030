// Text from people and files is data, never markup: every view rendered with arbitrary strings
// (and the fragments an attacker would try) in every text field shows no mention, channel ping
// or link that the bot did not mean, and stays within Slack's limits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, buildWeek, measure, suggest, type CartTask, type Priority, type TaskSource } from '../../src/engine/index.ts';
import type { CartState } from '../../src/services/cart.ts';
import type { Target } from '../../src/services/recommend.ts';
import type { AgentStanding, TeamPicture } from '../../src/services/team.ts';
import type { TaskListView } from '../../src/services/tasks.ts';
import { addTaskModal } from '../../views/add-task.ts';
import { cartMessage } from '../../views/cart.ts';
import { commitReasonModal } from '../../views/commit.ts';
import { dayModal } from '../../views/day.ts';
import { teamBlocks } from '../../views/digest.ts';
import { truncateMrkdwn } from '../../views/limits.ts';
import { pickFiltersModal, pickTasksModal } from '../../views/pick.ts';
import { setupBlocks, setupHome, setupText } from '../../views/setup.ts';
import { homeView, taskListText } from '../../views/tasks.ts';
import { ephemeral, escape, mention } from '../../views/text.ts';
import { troubleHome, troubleModal } from '../../views/trouble.ts';
import { checkBlocks, checkView } from '../support/limits.ts';

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
];

const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
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
 */
function mrkdwnTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) mrkdwnTexts(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') {
      expect(o.verbatim, o.text).toBe(true);
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
  for (const t of texts) {
    const rest = t.replace(/<@[UW][A-Z0-9]+>/g, (m) => (meant.has(m) ? '' : m));
    expect(rest, t).not.toMatch(/[<>]/);
    expect(rest, t).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
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
});

const cartArb = fc.record({
  tasks: fc.array(taskArb, { maxLength: 30 }),
  reason: text,
  merged: fc.array(text, { maxLength: 5 }),
  notice: text,
  committed: fc.boolean(),
});

type CartInput = typeof cartArb extends fc.Arbitrary<infer T> ? T : never;

function cartState(c: CartInput): CartState {
  const week = weekOf(c.reason);
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
    fixed: t.fixed,
    source: t.source,
  }));
  return {
    cart: { id: 7, agentId: 'U0AGENT1', weekStart: MONDAY, status: c.committed ? 'committed' : 'open', version: 3, channelId: 'D1', messageTs: '1.1', committedAt: null, exceptionReason: null, createdAt: new Date(0), updatedAt: new Date(0) },
    person: {} as CartState['person'],
    week,
    tasks,
    measure: measure(tasks, week),
    advice: suggest(tasks, week),
    merged: c.merged,
  };
}

const RUNS = { numRuns: 150 };

describe('people’s text in every view', () => {
  it('the cart message and every day of it', () => {
    fc.assert(
      fc.property(cartArb, (c) => {
        const s = cartState(c);
        const message = cartMessage(s, c.notice);
        expectOnlyMeant([message.text, ...mrkdwnTexts(message.blocks)]);
        expect(checkBlocks(message.blocks, 'message')).toEqual([]);
        for (const d of s.week.days) {
          const view = dayModal(s, d.day, 0, c.notice);
          expectOnlyMeant(mrkdwnTexts(view));
          expect(checkView(view as never)).toEqual([]);
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
        const views = [
          addTaskModal(7, week, types.map((t) => ({ ...t, effortMinutes: 10 })), MONDAY),
          commitReasonModal(7, 3, flagged),
          pickFiltersModal(7, { segments: choices, regions: choices }, { teamCustomers }),
          pickTasksModal(
            7,
            week,
            targets.map(
              (t, i): Target => ({
                customer: { id: `${i}${t.id}`.slice(0, 200), name: t.name, segment: t.segment, lastContact: null, renewalDate: null },
                recommendations: t.reasons.map((r, j) => ({ customerId: t.id, typeKey: `${j}${r.typeKey}`.slice(0, 100), score: 0.5, reason: r.reason, origin: 'imported' as const })),
                best: 1,
              }),
            ),
            new Map(types.map((t) => [t.key, t.label])),
          ),
        ];
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
        const v: TaskListView = {
          name,
          today: MONDAY,
          weekStart: MONDAY,
          week: rows.map((r, i) => ({ id: i + 1, title: r.title, label: r.label, customerName: r.customerName, effortMinutes: 10, priority: r.priority, day: addDays(MONDAY, r.day), status: r.status })),
          thisCart: { weekStart: MONDAY, status: 'committed', exceptionReason: name },
          nextCart: null,
        };
        const home = homeView(v);
        expectOnlyMeant(mrkdwnTexts(home));
        expect(checkView(home as never)).toEqual([]);
        for (const range of ['today', 'week'] as const) {
          const list = taskListText(v, range);
          expectOnlyMeant([list]);
          expect(list.length).toBeLessThanOrEqual(4000);
        }
      }),
      RUNS,
    );
  });

  it('the digest and /team-carts: the only mentions are of the team’s agents, by id', () => {
    const agentArb = fc.record({ id: userId, name: text, exception: fc.option(text), status: fc.constantFrom('none', 'open', 'committed' as const), flagged: fc.integer({ min: 0, max: 300 }) });
    fc.assert(
      fc.property(text, fc.array(agentArb, { maxLength: 40 }), fc.constantFrom('daily', 'weekly', 'now' as const), (teamName, agents, kind) => {
        const picture: TeamPicture = {
          team: { id: 1, name: teamName } as TeamPicture['team'],
          weekStart: MONDAY,
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
              lastWeek: { done: 3, skipped: 1, open: 1 },
            }),
          ),
        };
        const message = teamBlocks(picture, kind, { nudge: true });
        const meant = new Set(agents.map((a) => a.id).filter((id) => /^[UW][A-Z0-9]+$/.test(id)).map((id) => `<@${id}>`));
        expectOnlyMeant([message.text, ...mrkdwnTexts(message.blocks)], meant);
        expect(checkBlocks(message.blocks, 'message')).toEqual([]);
      }),
      RUNS,
    );
  });

  it('set-up answers, failures, and private answers', () => {
    fc.assert(
      fc.property(text, (t) => {
        expectOnlyMeant([...mrkdwnTexts(setupBlocks(t)), ...mrkdwnTexts(setupHome(t)), escape(setupText(t))]);
        expectOnlyMeant([...mrkdwnTexts(troubleHome(t)), ...mrkdwnTexts(troubleModal(t, t)), ephemeral(t).text]);
        expect(checkView(troubleModal(t, t) as never)).toEqual([]);
        expect(checkView(troubleHome(t) as never)).toEqual([]);
      }),
      RUNS,
    );
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
