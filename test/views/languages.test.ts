// Every view, in both languages, at Slack's limits: the longest names and titles the data allows
// (Chinese ones, which Slack counts by character as our truncate does), the most rows a view
// shows. Each stays within Block Kit's limits, shows no catalog key where a text should be, and
// reads in one language only: a Chinese reader sees no English catalog word, an English reader
// no Chinese (the data of each is in the reader's language here, so anything else is a leak).
import { describe, expect, it } from 'vitest';
import { addDays, asOf, buildWeek, measure, suggest, type CartTask, type Week } from '../../src/engine/index.ts';
import type { ErrorCode } from '../../src/errors.ts';
import type { Language } from '../../src/language.ts';
import type { CartState, Notice } from '../../src/services/cart.ts';
import type { FieldError } from '../../src/services/forms.ts';
import type { Target } from '../../src/services/recommend.ts';
import type { AgentStanding, TeamPicture } from '../../src/services/team.ts';
import type { TaskListView } from '../../src/services/tasks.ts';
import type { Approval } from '../../src/services/approvals.ts';
import { addTaskModal } from '../../views/add-task.ts';
import { agentDecisionText, alreadyDecidedText, approvalMessage, sendBackModal } from '../../views/approval.ts';
import { cartMessage, retiredCart } from '../../views/cart.ts';
import { commitReasonModal } from '../../views/commit.ts';
import { DAY_PAGE, dayModal } from '../../views/day.ts';
import { weekChart } from '../../views/chart.ts';
import { teamBlocks } from '../../views/digest.ts';
import { brokenText, errorText, fieldErrorText, lateWindowText, notShownText, unreachableText, waitingText, DOING, type Doing } from '../../views/errors.ts';
import { ARGS, helpText, parseArg, unknownArgText, type Command } from '../../views/help.ts';
import { en } from '../../views/i18n/en.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { pickFiltersModal, pickTasksModal } from '../../views/pick.ts';
import { setupHome } from '../../views/setup.ts';
import { reminderMessage, REMINDER_TASKS_MAX } from '../../views/reminder.ts';
import { homeView, taskListText } from '../../views/tasks.ts';
import { troubleHome, troubleModal } from '../../views/trouble.ts';
import { generatedTitle } from '../../views/words.ts';
import { appliedAlreadyText, appliedMessage, proposalMessage, rebalanceBlocks, rebalanceDm, REBALANCE_LISTED } from '../../views/rebalance.ts';
import type { ApplyResult, Proposal } from '../../src/services/rebalance.ts';
import { chineseIn, englishIn, textsOf } from '../support/language.ts';
import { checkBlocks, checkView } from '../support/limits.ts';

const MONDAY = '2026-11-30';
const LANGS: Language[] = ['en', 'zh-CN'];

/** Data in the reader's language, as long as the data may be. */
const DATA = {
  en: { name: 'Bartholomew Montgomery-Featherstonehaugh', title: 'Renewal discussion with the procurement director about the enterprise support contract and its options', customer: 'International Trading Company Limited of Pudong New Area', reason: 'Visiting an important customer on Thursday morning', team: 'Shanghai Customer Care Floor Seven', label: 'Policy anniversary review' },
  'zh-CN': { name: '欧阳慕容司马上官诸葛', title: '与采购总监沟通企业支持合同续约事宜并确认各项服务条款与报价方案的细节'.repeat(2), customer: '上海浦东新区张江高科技园区国际贸易有限公司', reason: '周四上午要拜访一位重要客户，需要提前准备资料', team: '上海客户服务中心第七楼层', label: '保单周年回顾' },
} as const;

const KEYS = Object.keys(en).map((k) => k.replace(/_(one|other)$/, ''));

/** What every rendering must be: within limits (checked by the caller), no key shown, one language only. */
function readsIn(language: Language, payload: unknown) {
  const texts = textsOf(payload).join('\n');
  // One assertion naming every key shown (an expect per key and rendering was most of this file's time).
  expect(KEYS.filter((key) => texts.includes(key)), 'catalog keys shown as text').toEqual([]);
  if (language === 'zh-CN') expect(englishIn(texts), texts.slice(0, 400)).toEqual([]);
  else expect(chineseIn(texts), texts.slice(0, 400)).toEqual([]);
}

/** The week on its Tuesday: Monday gone by (each view then shows a day gone by too). */
function week(language: Language): Week {
  const built = buildWeek(MONDAY, {
    zone: 'Asia/Shanghai',
    workDays: [1, 2, 3, 4, 5],
    dayCapacity: 390,
    upperPercent: 100,
    lowerPercent: 60,
    holidays: [{ from: addDays(MONDAY, 2), to: addDays(MONDAY, 2), reason: DATA[language].reason }],
    timeOff: [],
  });
  return asOf(built, addDays(MONDAY, 1));
}

function cart(language: Language, n: number, status: 'open' | 'committed' = 'open'): CartState {
  const d = DATA[language];
  const w = week(language);
  const tasks: CartTask[] = Array.from({ length: n }, (_, i) => ({
    id: String(i + 1),
    // Shipped types with their shipped (English) label are shown in the reader's language; an admin's own label as it is.
    type: i % 3 === 0 ? 'follow_up' : i % 3 === 1 ? 'renewal_call' : 'policy_review',
    label: i % 3 === 0 ? 'Follow-up' : i % 3 === 1 ? 'Renewal call' : d.label,
    title: `${d.title} ${i}`,
    customerId: `C${i}`,
    customerName: `${d.customer} ${i}`,
    effort: 5 + (i % 40),
    priority: (['low', 'normal', 'high', 'urgent'] as const)[i % 4]!,
    day: addDays(MONDAY, i % 7 === 6 ? 6 : i % 5 === 4 ? 0 : i % 7),
    earliest: i % 4 === 0 ? MONDAY : null,
    due: i % 4 === 0 ? addDays(MONDAY, 3) : null,
    // Done, skipped or carried over on the list of an earlier commit (a reopened cart): read as fixed, as db/queries/carts.ts reads it.
    fixed: i % 11 === 0 || i % 13 === 1 || i % 17 === 2 || i % 19 === 3,
    source: (['system', 'carried_over', 'recommended', 'custom'] as const)[i % 4]!,
    finished: i % 13 === 1 ? ('done' as const) : i % 17 === 2 ? ('skipped' as const) : i % 19 === 3 ? ('carried_over' as const) : null,
  }));
  return {
    cart: { id: 2_000_000_000, agentId: 'U0AGENT1', weekStart: MONDAY, status, version: 99_999, channelId: 'D1', messageTs: '1.1', committedAt: null, exceptionReason: null, createdAt: new Date(0), updatedAt: new Date(0) },
    person: {} as CartState['person'],
    week: w,
    tasks,
    measure: measure(tasks, w),
    advice: suggest(tasks, w),
    merged: Array.from({ length: 6 }, (_, i) => ({ type: 'custom', label: d.label, customer: `${d.customer} ${i}`, from: addDays(MONDAY, 1), into: MONDAY })),
    context: '',
    names: 0,
  };
}

function notices(language: Language): Notice[] {
  const d = DATA[language];
  const task = { type: 'follow_up', label: 'Follow-up', customer: d.customer, effort: 95 };
  const flagged = [0, 1, 2, 3, 4, 5, 6].map((i) => ({ day: addDays(MONDAY, i), flag: { kind: (['overloaded', 'idle', 'off_day'] as const)[i % 3]!, by: 30 + i * 50 } }));
  const move = { ...task, from: MONDAY, to: addDays(MONDAY, 3) };
  return [
    { kind: 'older_copy' },
    { kind: 'committed_already' },
    { kind: 'suggestion_gone' },
    { kind: 'applied', moves: [move, move, move, move, move], more: 12, flagged },
    { kind: 'balanced', count: 17, moves: [move, move, move, move, move], more: 12, flagged: [] },
    { kind: 'balanced', count: 1, moves: [move], more: 0, flagged },
    { kind: 'nothing_to_balance', flagged: true },
    { kind: 'nothing_to_balance', flagged: false },
    { kind: 'moved', move, flagged },
    { kind: 'nothing_to_move' },
    { kind: 'task_gone' },
    { kind: 'removed', task, day: MONDAY, flagged: [] },
    { kind: 'added', tasks: Array.from({ length: 5 }, () => ({ title: d.title, day: MONDAY })), more: 15, merged: 3 },
    { kind: 'already_in_cart', merged: 1, revised: true },
    { kind: 'already_in_cart', merged: 0, revised: false },
    { kind: 'not_committed', flagged, withReason: true },
    { kind: 'not_committed', flagged, withReason: false },
    { kind: 'committed', tasks: 1, exception: false },
    { kind: 'committed', tasks: 300, exception: true },
    { kind: 'open_already' },
    { kind: 'reopened' },
    { kind: 'proposed' },
    { kind: 'refused', code: 'outside_window', params: { title: d.title, day: MONDAY } },
    { kind: 'sent_back', by: 'U0SUP1', note: d.reason.repeat(10) },
  ];
}

const ERRORS: ErrorCode[] = [
  'unknown_user',
  'cart_not_found',
  'cart_not_yours',
  'task_not_yours',
  'task_gone',
  'fixed_task',
  'fixed_task_remove',
  'outside_window',
  'outside_week',
  'not_work_day',
  'cart_busy',
  'suggestion_stale',
  'committed',
  'not_supervisor',
  'unknown_button',
  'unknown_team_button',
  'rebalance_not_supervisor',
  'unknown_window',
  'unknown_menu',
  'unknown_form',
  'invalid_effort',
  'not_approver',
];

const FIELD_ERRORS: FieldError[] = [
  { code: 'title_missing' },
  { code: 'title_long', max: 150, has: 151 },
  { code: 'customer_not_yours' },
  { code: 'type_missing' },
  { code: 'day_not_in_week' },
  { code: 'day_off', day: addDays(MONDAY, 5), kind: 'non_work_day', reason: '' },
  { code: 'day_off', day: addDays(MONDAY, 2), kind: 'holiday', reason: '' },
  { code: 'effort_range', max: 390 },
  { code: 'priority_missing' },
  { code: 'notes_long', max: 1000, has: 1200 },
  { code: 'committed' },
  { code: 'reason_short' },
  { code: 'reason_long', max: 500, has: 501 },
  { code: 'segment_from_list' },
  { code: 'region_from_list' },
  { code: 'tags_too_many', max: 20, each: 100 },
  { code: 'days_number' },
  { code: 'no_targets' },
  { code: 'not_your_customer' },
  { code: 'tick_from_list' },
  { code: 'tick_one' },
  { code: 'pick_work_day' },
  { code: 'note_missing' },
  { code: 'note_long', max: 500, has: 501 },
];

describe.each(LANGS)('every view in %s', (language) => {
  const t = textsFor(language);
  const d = DATA[language];

  it('the cart message, with every notice, open and committed, within 50 blocks and well under Slack’s message size', () => {
    for (const [n, status] of [[300, 'open'], [300, 'committed'], [0, 'open'], [12, 'open']] as const) {
      for (const notice of notices(language)) {
        const message = cartMessage(t, cart(language, n, status), notice);
        expect(checkBlocks(message.blocks, 'message')).toEqual([]);
        readsIn(language, message);
      }
    }
    readsIn(language, retiredCart(t));
  });

  it('every day of a cart, a page at a time, with every notice', () => {
    const s = cart(language, 7 * DAY_PAGE + 20);
    for (const day of s.week.days) {
      for (const [page, notice] of notices(language).entries()) {
        const view = dayModal(t, s, day.day, page % 3, notice);
        expect(checkView(view as never)).toEqual([]);
        readsIn(language, view);
      }
    }
  });

  it('Add task, commit with a reason, and both steps of Pick customers', () => {
    const w = week(language);
    const types = [
      ...['renewal_call', 'follow_up', 'satisfaction_survey', 'cross_sell', 'complaint_callback', 'welcome_call', 'custom'].map((key) => ({
        key,
        label: { renewal_call: 'Renewal call', follow_up: 'Follow-up', satisfaction_survey: 'Satisfaction survey', cross_sell: 'Cross-sell', complaint_callback: 'Complaint callback', welcome_call: 'Welcome call', custom: 'Custom' }[key]!,
        effortMinutes: 95,
      })),
      ...Array.from({ length: 150 }, (_, i) => ({ key: `type_${i}`, label: `${d.label}${d.title}`, effortMinutes: 9999 })),
    ];
    const targets: Target[] = Array.from({ length: 20 }, (_, i) => ({
      customer: { id: `C${'9'.repeat(140)}${i}`, name: `${d.customer}${d.customer}${i}`, segment: d.label, lastContact: null, renewalDate: null },
      recommendations: [
        { customerId: `C${i}`, typeKey: 'renewal_call', score: 0.99, reason: { kind: 'renewal_due' as const, days: i % 2 ? 1 : 45 }, origin: 'rules' as const },
        { customerId: `C${i}`, typeKey: 'follow_up', score: 0.5, reason: { kind: 'no_contact' as const, days: 400 }, origin: 'rules' as const },
        { customerId: `C${i}`, typeKey: 'cross_sell', score: 0.4, reason: { kind: 'never_contacted' as const }, origin: 'rules' as const },
        { customerId: `C${i}`, typeKey: 'welcome_call', score: 0.3, reason: { kind: 'segment' as const, segment: d.label }, origin: 'rules' as const },
        { customerId: `C${i}`, typeKey: 'custom', score: 0.2, reason: { kind: 'imported' as const, text: '' }, origin: 'imported' as const },
        ...Array.from({ length: 10 }, (_, j) => ({ customerId: `C${i}`, typeKey: `type_${j}`, score: 0.1, reason: { kind: 'imported' as const, text: d.reason }, origin: 'imported' as const })),
      ],
      best: 1,
    }));
    const flagged = w.days.map((x, i) => ({ day: x.day, flag: { kind: (['overloaded', 'idle', 'off_day'] as const)[i % 3]!, by: 1000 + i } }));
    const views = [
      addTaskModal(t, 2_000_000_000, w, types, MONDAY),
      commitReasonModal(t, 2_000_000_000, 99_999, flagged),
      pickFiltersModal(t, 2_000_000_000, { segments: Array(200).fill(d.customer), regions: Array(200).fill(d.team) }, { teamCustomers: true }),
      pickTasksModal(t, 2_000_000_000, w, targets, new Map(types.map((x) => [x.key, x.label]))),
    ];
    for (const view of views) {
      expect(checkView(view as never)).toEqual([]);
      readsIn(language, view);
    }
  });

  it('App Home and every /tasks list, full and empty', () => {
    const row = (i: number, from: string) => ({
      id: i + 1,
      typeKey: i % 2 ? 'follow_up' : 'policy_review',
      title: d.title,
      label: i % 2 ? 'Follow-up' : d.label,
      customerName: d.customer,
      effortMinutes: 95,
      priority: (['low', 'normal', 'high', 'urgent'] as const)[i % 4]!,
      day: addDays(from, i % 7),
      status: (['open', 'done', 'skipped', 'carried_over'] as const)[i % 4]!,
    });
    const next = addDays(MONDAY, 7);
    const full: TaskListView = {
      person: {} as TaskListView['person'],
      name: d.name,
      today: MONDAY,
      weekStart: MONDAY,
      // Today (Monday) has more tasks than App Home shows with buttons.
      week: Array.from({ length: 300 }, (_, i) => row(i, MONDAY)).map((r, i) => (i % 3 ? r : { ...r, day: MONDAY })).sort((a, b) => a.day.localeCompare(b.day)),
      // As many left open before the week as the list reads, of more: with today's at their most, App Home at its limit.
      earlier: Array.from({ length: 50 }, (_, i) => ({ ...row(2000 + i, addDays(MONDAY, -14)), status: 'open' as const })).sort((a, b) => a.day.localeCompare(b.day)),
      earlierCount: 120,
      nextWeekStart: next,
      next: Array.from({ length: 200 }, (_, i) => row(1000 + i, next)).sort((a, b) => a.day.localeCompare(b.day)),
      thisCart: { weekStart: MONDAY, status: 'committed', exceptionReason: d.reason },
      nextCart: { weekStart: next, status: 'committed', exceptionReason: null },
      reminders: { team: true, start: true, end: false, startAt: '09:00', nudgeAt: '17:00' },
    };
    const empty: TaskListView = { ...full, week: [], earlier: [], earlierCount: 0, next: [], thisCart: null, nextCart: { weekStart: next, status: 'open', exceptionReason: null }, reminders: { ...full.reminders!, team: false } };
    for (const v of [full, empty, { ...empty, nextCart: full.nextCart, next: full.next, reminders: undefined }, { ...empty, earlier: full.earlier.slice(0, 3), earlierCount: 3 }]) {
      const home = homeView(t, v);
      expect(checkView(home as never)).toEqual([]);
      readsIn(language, home);
      for (const range of ['today', 'week', 'next'] as const) {
        const list = taskListText(t, v, range);
        expect([...list].length).toBeLessThanOrEqual(4000);
        readsIn(language, { text: list });
      }
    }
  });

  it('the reminders: a day of 60 tasks stays within 50 blocks and says how many more; the nudge at every stage of the day', () => {
    const row = (i: number) => ({
      id: 1_000_000_000 + i,
      typeKey: i % 2 ? 'follow_up' : 'policy_review',
      title: d.title,
      label: i % 2 ? 'Follow-up' : d.label,
      customerName: d.customer,
      effortMinutes: 95,
      priority: (['low', 'normal', 'high', 'urgent'] as const)[i % 4]!,
      day: MONDAY,
      status: (['open', 'open', 'done', 'skipped'] as const)[i % 4]!,
    });
    const day = Array.from({ length: 60 }, (_, i) => row(i));
    const open = day.filter((x) => x.status === 'open').length;
    for (const r of [
      // The start of the day at its most: as many tasks as it lists and more, and some still open from before the week.
      { kind: 'start' as const, tasks: day, minutesLeft: null, earlier: 120 },
      { kind: 'start' as const, tasks: day.slice(0, 3), minutesLeft: null, earlier: 1 },
      { kind: 'start' as const, tasks: day.slice(0, 3), minutesLeft: null, earlier: 0 },
      // Nothing planned today: sent for those from before the week, and edited once they are done.
      { kind: 'start' as const, tasks: [], minutesLeft: null, earlier: 120 },
      { kind: 'start' as const, tasks: [], minutesLeft: null, earlier: 1 },
      { kind: 'start' as const, tasks: [], minutesLeft: null, earlier: 0 },
      { kind: 'end' as const, tasks: day, minutesLeft: 30, earlier: 3 },
      { kind: 'end' as const, tasks: day, minutesLeft: 0, earlier: 0 },
      { kind: 'end' as const, tasks: day.map((x) => ({ ...x, status: 'done' as const })), minutesLeft: 12, earlier: 0 },
    ]) {
      const message = reminderMessage(t, { ...r, day: MONDAY });
      expect(checkBlocks(message.blocks, 'message')).toEqual([]);
      readsIn(language, message);
      const shown = r.kind === 'start' ? r.tasks.length : r.tasks.filter((x) => x.status === 'open').length;
      const listed = message.blocks.filter((b) => b.type === 'actions').length;
      expect(listed).toBe(Math.min(shown, REMINDER_TASKS_MAX));
      const more = textsOf(message.blocks).join('\n');
      if (shown > listed) expect(more).toContain(t('home.more_today', { count: shown - listed }));
      // Only the start of the day says how many are still open from before the week, and only when some are:
      // after today's tasks, or, with none planned, as what the reminder is for.
      const earlierLine = t('reminder.earlier', { count: r.earlier });
      const head = message.text;
      if (r.kind === 'start' && r.tasks.length && r.earlier) expect(more).toContain(earlierLine);
      else expect(more).not.toContain(earlierLine);
      if (r.kind === 'start' && !r.tasks.length) {
        expect(head).toBe(r.earlier ? t('reminder.start_earlier', { day: t.fmt.day(MONDAY), count: r.earlier }) : t('reminder.start_none', { day: t.fmt.day(MONDAY) }));
        expect(head).toContain(t.fmt.day(MONDAY));
        if (r.earlier) expect(head).toContain(String(r.earlier));
      }
    }
    expect(reminderMessage(t, { kind: 'start', day: MONDAY, tasks: day, minutesLeft: null, earlier: 120 }).blocks.length).toBeLessThanOrEqual(50);
    expect(textsOf(reminderMessage(t, { kind: 'end', day: MONDAY, tasks: day, minutesLeft: 30, earlier: 0 }).blocks).join('\n')).toContain(t('reminder.end', { count: open, left: t.fmt.minutes(30) }));
  });

  it('the digests and /team-carts, for 25 agents and for 300, both details, before and after the proposal', () => {
    for (const n of [1, 25, 300]) {
      const agents: AgentStanding[] = Array.from({ length: n }, (_, i) => ({
        id: `U0AGENT${String(i).padStart(4, '0')}`,
        name: d.name,
        status: (['none', 'open', 'committed'] as const)[i % 3]!,
        exception: i % 3 === 2 && i % 2 ? d.reason.repeat(5) : null,
        days: Array.from({ length: 7 }, (_, j) => ({ day: addDays(MONDAY, j), work: j < 5, minutes: j === 5 ? 30 : 300 + i, capacity: j < 5 ? 390 : 0, flag: j === 0 && i % 2 ? { kind: 'overloaded' as const, by: i } : null })),
        planned: 1500,
        capacity: 1950,
        flagged: i % 2 ? i : 0,
        working: { done: i % 7, skipped: 1, open: 9, days: Array.from({ length: 7 }, (_, j) => ({ day: addDays(MONDAY, j - 7), done: j % 2, skipped: 0, open: j % 3 })) },
        lastWeek: { done: i % 5, skipped: 1, open: 2 },
        // Some with tasks still open from before the week, a count as long as a team's would get.
        earlier: i % 4 === 1 ? 120 + i : 0,
        approval: i % 3 === 0 ? null : { reason: d.reason.repeat(5), status: (['pending', 'approved', 'sent_back'] as const)[i % 3]!, by: i % 3 === 0 ? null : 'U0SUP1' },
      }));
      for (const proposed of [false, true]) {
        const picture: TeamPicture = {
          team: { id: 7, name: d.team.repeat(4), timezone: 'Asia/Shanghai' } as TeamPicture['team'],
          weeks: { today: addDays(MONDAY, -4), working: addDays(MONDAY, -7), planning: MONDAY, proposedAt: new Date('2026-11-27T07:00:00Z'), proposed },
          agents,
        };
        for (const kind of ['daily', 'weekly', 'now'] as const) {
          for (const detail of ['planning', 'working'] as const) {
            const message = teamBlocks(t, picture, kind, { nudge: kind === 'now', detail });
            expect(checkBlocks(message.blocks, 'message')).toEqual([]);
            readsIn(language, message);
            // The tasks still open from before the week: the team's count, and each listed agent's.
            const all = textsOf(message.blocks).join('\n');
            const earlier = agents.reduce((sum, a) => sum + a.earlier, 0);
            if (earlier) expect(all).toContain(t('digest.earlier', { count: earlier }));
            else expect(all).not.toContain('↩️');
            // (The weekly digest lists last week's outcomes by agent too, without them.)
            const listed = agents.filter((a) => a.earlier && all.includes(`${t.fmt.person(a.id)}${language === 'en' ? ': ' : '：'}✅`));
            if (kind !== 'weekly') for (const a of listed) expect(all).toContain(t('digest.agent_earlier', { count: a.earlier }));
            if (n > 1) expect(listed.length).toBeGreaterThan(0);
          }
          if (kind === 'now') continue;
          // The chart: its words in the language (people's names, long ones cut, aside), a bounded image.
          const chart = weekChart(t, picture, kind)!;
          const words = [...chart.svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!).filter((w) => !w.startsWith(d.name.slice(0, 8)) && !w.startsWith(d.team.slice(0, 8)));
          readsIn(language, { text: [...words, chart.altText].join('\n') });
          expect(chart.width).toBeLessThan(1400);
          expect(chart.height).toBeLessThan(800);
          expect(chart.title.length).toBeLessThanOrEqual(250);
        }
      }
    }
  });

  it('the approval DM in every state and week, Send back’s modal, and what the agent and a late supervisor are told, at the longest reason and note', () => {
    const longest = (s: string) => [...s.repeat(20)].slice(0, 500).join('');
    for (const status of ['pending', 'approved', 'sent_back', 'withdrawn'] as const) {
      for (const week of ['planning', 'working', 'other'] as const) {
        const approval: Approval = {
          id: 2_000_000_000,
          agentId: 'U0AGENT1',
          teamName: d.team.repeat(4),
          weekStart: MONDAY,
          week,
          reason: longest(d.reason),
          // Every day of the week flagged, each kind.
          flagged: [0, 1, 2, 3, 4, 5, 6].map((i) => ({ day: addDays(MONDAY, i), minutes: 400 + i * 60, capacity: i < 5 ? 390 : 0, flag: { kind: (['overloaded', 'idle', 'off_day'] as const)[i % 3]!, by: 30 + i * 50 } })),
          status,
          decidedBy: status === 'pending' || status === 'withdrawn' ? null : 'U0SUP1',
          note: status === 'sent_back' ? longest(d.reason) : null,
        };
        const message = approvalMessage(t, approval);
        expect(checkBlocks(message.blocks, 'message')).toEqual([]);
        readsIn(language, message);
        const modal = sendBackModal(t, approval);
        expect(checkView(modal as never)).toEqual([]);
        readsIn(language, modal);
        readsIn(language, { text: alreadyDecidedText(t, approval) });
        readsIn(language, { text: agentDecisionText(t, approval) });
      }
    }
  });

  it('set-up, refusals, failures, form errors, help and generated titles', () => {
    const home = setupHome(t, 'U0NEWBIE');
    expect(checkView(home as never)).toEqual([]);
    readsIn(language, home);
    for (const code of ERRORS) {
      for (const mode of ['mrkdwn', 'plain'] as const) {
        const text = errorText(t, code, { title: d.title, day: MONDAY, userId: 'U0NEWBIE' }, mode);
        readsIn(language, { text });
        expect(checkView(troubleModal(t, d.title, text) as never)).toEqual([]);
        expect(checkView(troubleHome(t, text) as never)).toEqual([]);
      }
    }
    for (const e of FIELD_ERRORS) readsIn(language, { text: fieldErrorText(t, e) });
    for (const doing of Object.keys(DOING) as Doing[]) {
      for (const saves of [true, false]) {
        for (const render of [unreachableText, waitingText, brokenText]) readsIn(language, { text: render(t, { doing, saves }, 'mrkdwn') });
      }
    }
    for (const mode of ['mrkdwn', 'plain'] as const) {
      readsIn(language, { text: lateWindowText(t, mode) });
      for (const where of ['cart', 'tasks', 'home', 'decision'] as const) {
        const text = notShownText(t, where, mode);
        readsIn(language, { text });
        expect(checkView(troubleModal(t, d.title, text) as never)).toEqual([]);
        expect(checkView(troubleHome(t, text) as never)).toEqual([]);
      }
    }
    for (const command of Object.keys(ARGS) as Command[]) {
      readsIn(language, { text: helpText(t, command) });
      readsIn(language, { text: unknownArgText(t, command, '?!') });
    }
    for (const about of [
      { kind: 'follow_up' as const, customer: d.customer, since: 1 },
      { kind: 'follow_up' as const, customer: d.customer, since: 45 },
      { kind: 'follow_up' as const, customer: d.customer, since: null },
      { kind: 'renewal_call' as const, customer: d.customer, renewal: '2026-12-24' },
    ]) {
      readsIn(language, { text: generatedTitle(t, about) });
    }
  });
});

describe('slash command arguments', () => {
  it.each([
    ['cart', '', ''],
    ['cart', 'this', 'this'],
    ['cart', ' NEXT ', 'next'],
    ['cart', 'help', 'help'],
    ['cart', '本周', 'this'],
    ['cart', '下周', 'next'],
    ['cart', '帮助', 'help'],
    ['cart', '？', 'help'],
    ['cart', 'today', null],
    ['cart', '明天', null],
    ['tasks', '', ''],
    ['tasks', 'today', 'today'],
    ['tasks', '今天', 'today'],
    ['tasks', 'week', 'this'],
    ['tasks', '本周', 'this'],
    ['tasks', 'next', 'next'],
    ['tasks', '下周', 'next'],
    ['tasks', '帮助', 'help'],
    ['teamCarts', 'this', 'this'],
    ['teamCarts', '本周', 'this'],
    ['teamCarts', '下周', 'next'],
    ['teamCarts', 'today', null],
  ] as const)('/%s "%s" is %s', (command, text, arg) => {
    expect(parseArg(command, text)).toBe(arg);
  });

  it('are shown in each language’s help as that language writes them', () => {
    expect(helpText(textsFor('zh-CN'), 'cart')).toContain('`/cart 下周`'.replace('下周', '本周'));
    expect(helpText(textsFor('zh-CN'), 'tasks')).toContain('`/tasks 下周`');
    expect(helpText(textsFor('en'), 'tasks')).toContain('`/tasks next`');
  });
});

describe.each(LANGS)('rebalancing in %s', (language) => {
  const t = textsFor(language);
  const d = DATA[language];
  const giver = 'U0AGENT0000';
  /** The most a proposal holds: ten moves of long titles and customers, to ten teammates, each flag of a week. */
  const moves = Array.from({ length: 10 }, (_, i) => ({ itemId: 100_000 + i, receiverId: `U0AGENT${String(i + 1).padStart(4, '0')}`, type: i % 2 ? 'follow_up' : 'policy_review', label: i % 2 ? 'Follow-up' : d.label, customer: `${d.customer} ${i}`, effort: 5 + i * 40, from: addDays(MONDAY, i % 7), to: addDays(MONDAY, (i + 1) % 5) }));
  const overloaded = Array.from({ length: 7 }, (_, i) => ({ day: addDays(MONDAY, i), flag: i < 5 ? { kind: 'overloaded' as const, by: 1234 } : { kind: 'off_day' as const, by: 600 } }));
  const proposal: Proposal = {
    kind: 'proposal',
    teamId: 2_147_483_647,
    weekStart: MONDAY,
    giver: { cartId: 2_147_483_647, version: 2_147_483_647, agentId: giver },
    receivers: moves.map((m) => ({ cartId: 2_147_483_600, version: 2_147_483_647, agentId: m.receiverId })),
    moves,
    overBefore: 7370,
    overAfter: 5000,
    overloaded,
  };

  it('the proposal, a fresh one after a change, every reason for none, what was applied and each agent’s DM', () => {
    for (const stale of [false, true]) {
      const message = proposalMessage(t, proposal, { stale });
      expect(checkBlocks(message.blocks, 'message')).toEqual([]);
      readsIn(language, message);
    }
    for (const reason of ['not_overloaded', 'nothing_movable', 'no_teammate', 'no_room', 'no_cart', 'committed'] as const) {
      const message = proposalMessage(t, { kind: 'blocked', teamId: 1, weekStart: MONDAY, agentId: giver, reason, overloaded });
      expect(checkBlocks(message.blocks, 'message')).toEqual([]);
      readsIn(language, message);
    }
    const c = cart(language, 3);
    const state = (agentId: string) => ({ ...c, cart: { ...c.cart, agentId, weekStart: MONDAY } });
    const applied: Extract<ApplyResult, { kind: 'applied' }> = { kind: 'applied', supervisorId: 'U0SUP1', giver: state(giver), receivers: moves.map((m) => state(m.receiverId)), moves, overBefore: 7370, overAfter: 5000, overloaded };
    const message = appliedMessage(t, applied);
    expect(checkBlocks(message.blocks, 'message')).toEqual([]);
    readsIn(language, message);
    for (const who of [giver, moves[0]!.receiverId]) {
      const dm = rebalanceDm(t, applied, who);
      expect(dm.length).toBeLessThan(4000);
      readsIn(language, { text: dm });
    }
    readsIn(language, { text: appliedAlreadyText(t) });
  });

  it('/team-carts with Rebalance buttons for 300 overloaded agents stays within 50 blocks and Slack’s message size', () => {
    for (const n of [1, REBALANCE_LISTED, 300]) {
      const agents: AgentStanding[] = Array.from({ length: n }, (_, i) => ({
        id: `U0AGENT${String(i).padStart(4, '0')}`,
        name: d.name,
        status: 'open',
        exception: null,
        days: Array.from({ length: 7 }, (_, j) => ({ day: addDays(MONDAY, j), work: j < 5, minutes: 9999, capacity: j < 5 ? 390 : 0, flag: j < 5 ? { kind: 'overloaded' as const, by: 9609 + i } : { kind: 'off_day' as const, by: 9999 } })),
        planned: 69_993,
        capacity: 1950,
        flagged: 68_000 + i,
        working: { done: 1, skipped: 1, open: 9, days: Array.from({ length: 7 }, (_, j) => ({ day: addDays(MONDAY, j - 7), done: j % 2, skipped: 0, open: j % 3 })) },
        lastWeek: { done: 1, skipped: 1, open: 2 },
        earlier: 99_999,
      }));
      const picture: TeamPicture = {
        team: { id: 2_147_483_647, name: d.team.repeat(4), timezone: 'Asia/Shanghai' } as TeamPicture['team'],
        weeks: { today: addDays(MONDAY, -4), working: addDays(MONDAY, -7), planning: MONDAY, proposedAt: new Date('2026-11-27T07:00:00Z'), proposed: true },
        agents,
      };
      const message = teamBlocks(t, picture, 'now', { nudge: true, detail: 'planning' });
      const extra = rebalanceBlocks(t, picture);
      const buttons = extra.filter((b) => b.type === 'section' && 'accessory' in b && b.accessory);
      expect(buttons).toHaveLength(Math.min(n, REBALANCE_LISTED));
      const all = { ...message, blocks: [...message.blocks, ...extra] };
      expect(checkBlocks(all.blocks, 'message')).toEqual([]);
      readsIn(language, all);
    }
  });
});
