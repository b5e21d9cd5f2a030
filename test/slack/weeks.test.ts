// The two weeks in flight, as a new team meets them on a Thursday (issue 11): both agents commit
// next week's carts before Friday's proposal time, while this week's task list is being worked.
// /team-carts and the digest say 2 of 2 committed for the planning week and show the working
// week's done / skipped / open; /tasks says where each week's list is.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importCsv } from '../../src/import/run.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import { runReminders } from '../../src/jobs/remind.ts';
import { CURRENT, changeCart, openCart } from '../../src/services/cart.ts';
import { markTask } from '../../src/services/tasks.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { cartItems, carts, tasks } from '../../db/schema.ts';
import { dayModal } from '../../views/day.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { ACTIONS, INPUTS, VALUE } from '../../views/ids.ts';
import { eventually, useTestApp } from '../support/app.ts';
import { AGENT, OTHER_AGENT, SUPERVISOR, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN, eventBody, post } from '../support/signed.ts';
import { Agent, text, type Blocks } from '../support/slack-client.ts';

/** Thursday 26 Nov 2026, 10:00 in Shanghai: before Friday 15:00, when next week's carts are proposed. */
const THURSDAY = new Date('2026-11-26T02:00:00Z');
const THIS_WEEK = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
const NEXT_WEEK = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];

const ctx = useTestApp(
  { beforeAll, afterAll, beforeEach },
  {
    now: THURSDAY,
    seed: async (t) => {
      await loadCenter(t.db);
      // This week's tasks for the first agent; next week's for the second, so both carts can be committed.
      const rows = ['external_id,agent,type,title,date,effort_minutes'];
      THIS_WEEK.forEach((day, d) => rows.push(`now-${d},${AGENT},follow_up,This week ${d},${day},300`));
      NEXT_WEEK.forEach((day, d) => rows.push(`o-${d},${OTHER_AGENT},follow_up,Next week ${d},${day},${d === 0 ? 270 : 300}`));
      const r = await importCsv(t.db, 'tasks', rows.join('\n'));
      if (r.errors.length) throw new Error(JSON.stringify(r.errors));
    },
  },
);

async function press(a: Agent, action: string) {
  const shown = () => ctx.app.slack.calls.filter((c) => c.method === 'chat.update' || c.method === 'chat.postMessage').length;
  const before = shown();
  await a.click(action, a.button(action).value);
  await eventually(() => expect(shown()).toBeGreaterThan(before), 15_000);
  await a.settle();
}

/** The agent opens a week's cart, balances it and commits it. */
async function commit(id: string, which: '' | 'this') {
  const a = new Agent(ctx.app, id);
  await a.command('/cart', which, `cart-${id}-${which}`);
  await eventually(() => expect(a.message().text).toMatch(/Task cart/), 15_000);
  await a.settle();
  if (/flagged/.test(a.message().text)) await press(a, ACTIONS.autoBalance);
  await press(a, ACTIONS.commit);
  expect(a.message().text).toMatch(/: committed$/);
  return a;
}

/** The agent opens App Home. */
async function openHome(a: Agent) {
  const before = ctx.app.slack.callsTo('views.publish').length;
  await post(ctx.app.baseUrl, eventBody({ type: 'app_home_opened', user: a.id, channel: `D${a.id.slice(1)}`, tab: 'home' }), { contentType: 'application/json' });
  await eventually(() => expect(ctx.app.slack.callsTo('views.publish').length).toBeGreaterThan(before), 15_000);
  await a.settle();
}

describe('a Thursday, both agents having committed next week', () => {
  it('/team-carts and the digest say 2 of 2 committed for next week, and show this week’s done, skipped and open', async () => {
    // Next week: both agents commit, before Friday's proposal.
    await commit(AGENT, '');
    await commit(OTHER_AGENT, '');
    // This week: the first agent works a committed list (one done so far, the rest open).
    const first = await commit(AGENT, 'this');
    await openHome(first);
    const home = ctx.app.slack.callsTo('views.publish').at(-1)!.args.view as { blocks: Array<Record<string, any>> };
    await first.clickInHome(ACTIONS.taskDone, first.button(ACTIONS.taskDone, home.blocks).value);
    await first.settle();
    const home2 = ctx.app.slack.callsTo('views.publish').at(-1)!.args.view as { blocks: Array<Record<string, any>> };
    expect(home2.blocks.some((b) => b.elements?.some((e: any) => e.action_id === ACTIONS.taskUndo))).toBe(true);

    const sup = new Agent(ctx.app, SUPERVISOR);
    await sup.command('/team-carts', '', 'next');
    await sup.command('/team-carts', 'this', 'this');
    await sup.settle();
    const next = text(ctx.app.slack.responses.find((r) => r.id === 'next')!.body.blocks as never);
    expect(next).toContain('*Next week, being planned* · week of 30 Nov');
    expect(next).toMatch(/\*2 of 2 committed\*/);
    expect(next).toContain('Carts are proposed Fri 27 Nov 15:00');
    expect(next).toContain('*This week, being worked* · week of 23 Nov');
    expect(next).toContain('✅ 1 done · ⏭️ 0 skipped · ▫️ 4 open');
    expect(next).toContain(`<@${AGENT}>: ✅ 1 · ⏭️ 0 · ▫️ 4 (20 % done)`);
    // Nobody is left to nudge.
    expect(next).not.toContain(ACTIONS.nudge);
    const thisWeek = text(ctx.app.slack.responses.find((r) => r.id === 'this')!.body.blocks as never);
    // Mon–Wed have tasks left, today (Thursday) is done, Friday is to come.
    expect(thisWeek).toMatch(/🔸🔸🔸✅▫️ {2}<@U0AGENT1>: ✅ 1 · ⏭️ 0 · ▫️ 4/);
    expect(thisWeek).toContain(`✅ <@${AGENT}>`);

    const [digest] = await runDigests(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { now: ctx.app.clock.now });
    expect(digest).toMatchObject({ weekStart: '2026-11-30', sent: 1 });
    const posted = text(ctx.app.slack.callsTo('chat.postMessage').at(-1)!.args.blocks as never);
    expect(posted).toContain('*Next week, being planned* · week of 30 Nov');
    expect(posted).toMatch(/\*2 of 2 committed\*/);
    expect(posted).toContain('✅ 1 done · ⏭️ 0 skipped · ▫️ 4 open');
  }, 90_000);

  it('/tasks week without a list this week says where next week’s committed plan is, and /tasks next shows it', async () => {
    const other = await commit(OTHER_AGENT, '');
    await other.command('/tasks', 'week', 'week');
    await other.command('/tasks', 'next', 'next');
    await other.command('/tasks', '', 'today');
    await other.settle();
    const answer = (id: string) => String(ctx.app.slack.responses.find((r) => r.id === id)!.body.text);
    expect(answer('week')).toBe(
      '*This week · week of 23 Nov* — your task list\nNothing on your task list this week. Commit this week’s cart with `/cart this` to make one. Your committed plan for next week (week of 30 Nov) is in `/tasks next`.',
    );
    expect(answer('next')).toMatch(/^\*Next week · week of 30 Nov\* — the plan you committed\n\*Mon 30 Nov\*\n/);
    expect(answer('next')).toContain('▫️ *Follow-up* — Next week 0 (4 h 30 m)\n*Tue 1 Dec*\n▫️ *Follow-up* — Next week 1 (5 h)');
    expect(answer('today')).toContain('*Today · Thu 26 Nov*');
    expect(answer('today')).toContain('`/tasks next`');
  }, 60_000);
});

describe('the week being worked, in its cart, on Thursday', () => {
  const sel = (value: string) => ({ type: 'static_select', selected_option: { value } });
  const txt = (value: string) => ({ type: 'plain_text_input', value });
  const dayLine = (a: Agent, day: string) => (a.message().blocks as Array<{ text?: { text: string } }>).map((b) => b.text?.text ?? '').find((l) => l.includes(`*${day}*`)) ?? '';
  async function openDay(a: Agent, day: string) {
    await a.click(ACTIONS.openDay, a.button(ACTIONS.openDay, undefined, (e) => e.value.endsWith(`:${day}`)).value);
    await a.settle();
    return a.modal();
  }
  const menuOf = (a: Agent, modal: ReturnType<Agent['modal']>) => a.elements(modal.blocks).find((e) => e.action_id === ACTIONS.dayTaskMenu)!;

  it('shows Monday to Wednesday gone by and never flags them; nothing moves or is added to them; after midnight Thursday has gone by too', async () => {
    // A task left open last week: carried into this week's cart onto today, not onto Monday, gone by.
    const [lastWeek] = await ctx.t.db.insert(carts).values({ agentId: AGENT, weekStart: '2026-11-16', status: 'committed' }).returning();
    await ctx.t.db.insert(tasks).values({ cartId: lastWeek!.id, agentId: AGENT, typeKey: 'follow_up', title: 'Missed last Friday', effortMinutes: 30, day: '2026-11-20', source: 'system' });
    const a = new Agent(ctx.app, AGENT);
    await a.command('/cart', 'this', 'this');
    await eventually(() => expect(a.message().text).toMatch(/Task cart · week of 23 Nov 2026/), 15_000);
    await a.settle();
    for (const day of ['Mon 23 Nov', 'Tue 24 Nov', 'Wed 25 Nov']) expect(dayLine(a, day)).toMatch(/5 h \/ 6 h 30 m · 1 task · ⏪ gone by$/);
    expect(dayLine(a, 'Thu 26 Nov')).toMatch(/5 h 30 m \/ 6 h 30 m · 2 tasks · ✅$/);
    expect((await ctx.t.db.select().from(cartItems)).find((i) => i.title === 'Missed last Friday')).toMatchObject({ plannedDay: '2026-11-26', source: 'carried_over' });

    // Wednesday's task was missed: the menu offers today and Friday, no day gone by. The agent removes it.
    let modal = await openDay(a, '2026-11-25');
    expect(modal.blocks[0]!.text.text).toMatch(/⏪ gone by/);
    const menu = menuOf(a, modal);
    expect(menu.options.map((o: { text: { text: string } }) => o.text.text)).toEqual(['Move to Thu 26 Nov', 'Move to Fri 27 Nov', 'Remove from cart']);
    await a.choose(modal, ACTIONS.dayTaskMenu, menu.block_id, menu.options.at(-1).value);
    await a.settle();
    // An empty Wednesday gone by is not idle: the cart stays balanced, and may be committed.
    expect(dayLine(a, 'Wed 25 Nov')).toMatch(/0 m \/ 6 h 30 m · 0 tasks · ⏪ gone by$/);
    expect(a.message().text).toBe('Task cart · week of 23 Nov 2026: balanced');
    expect(a.button(ACTIONS.commit).confirm).toBeDefined();

    // Add task offers today and Friday only; a day gone by sent anyway is answered under the field.
    await a.click(ACTIONS.addTask, a.button(ACTIONS.addTask).value);
    await a.settle();
    modal = a.modal();
    const dayInput = modal.blocks.find((b) => b.block_id === INPUTS.day)!;
    expect(dayInput.element.options.map((o: { value: string }) => o.value)).toEqual(['2026-11-26', '2026-11-27']);
    const values = (day: string) => ({
      [INPUTS.title]: { [VALUE]: txt('Call back') },
      [INPUTS.customer]: { [ACTIONS.customerSearch]: { type: 'external_select', selected_option: null } },
      [INPUTS.type]: { [VALUE]: sel('custom') },
      [INPUTS.day]: { [VALUE]: sel(day) },
      [INPUTS.effort]: { [VALUE]: txt('30') },
      [INPUTS.priority]: { [VALUE]: sel('normal') },
      [INPUTS.notes]: { [VALUE]: txt('') },
    });
    const version = (await ctx.t.db.select().from(carts)).find((c) => c.weekStart === '2026-11-23')!.version;
    expect(await a.submit(modal, values('2026-11-24'))).toEqual({ response_action: 'errors', errors: { [INPUTS.day]: 'Tue 24 Nov has gone by: pick today or a day to come.' } });
    expect((await ctx.t.db.select().from(carts)).find((c) => c.weekStart === '2026-11-23')!.version).toBe(version);

    // Past midnight in Shanghai, Friday: the window of Thursday opened now says it has gone by, and its task may only go to Friday.
    ctx.app.clock.now = new Date('2026-11-26T16:30:00Z');
    modal = await openDay(a, '2026-11-26');
    expect(modal.blocks[0]!.text.text).toMatch(/⏪ gone by/);
    expect(menuOf(a, modal).options.map((o: { text: { text: string } }) => o.text.text)).toEqual(['Move to Fri 27 Nov', 'Remove from cart']);
    expect(ctx.app.slack.violations).toEqual([]);
  }, 60_000);
});

describe('the week being worked, in its cart, on Saturday', () => {
  it('shows every day gone by, may be committed, and refuses Add task and Pick customers with a way on, in the agent’s language', async () => {
    ctx.app.clock.now = new Date('2026-11-28T02:00:00Z');
    const a = new Agent(ctx.app, AGENT);
    await a.command('/cart', 'this', 'this');
    await eventually(() => expect(a.message().text).toBe('Task cart · week of 23 Nov 2026: balanced'), 15_000);
    await a.settle();
    const lines = (a.message().blocks as Array<{ text?: { text: string } }>).map((b) => b.text?.text ?? '').filter((l) => / · \d+ tasks? · /.test(l));
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l).toMatch(/⏪ gone by$/);
    for (const action of [ACTIONS.addTask, ACTIONS.pickCustomers]) {
      const before = ctx.app.slack.responses.length;
      await a.click(action, a.button(action).value);
      await a.settle();
      expect(ctx.app.slack.responses.length).toBe(before + 1);
      expect(String(ctx.app.slack.responses.at(-1)!.body.text)).toContain('Every work day of this cart’s week has gone by: nothing more can be planned on it. Plan next week with `/cart`.');
    }
    expect(ctx.app.slack.callsTo('views.open')).toEqual([]);
    // Committed as it stands: the days gone by are never flagged.
    await press(a, ACTIONS.commit);
    expect(a.message().text).toMatch(/: committed$/);
  }, 60_000);
});

/** Monday 23 Nov, 10:00 in Shanghai, and Friday 27 Nov after the proposal (16:00). */
const MONDAY_BEFORE = new Date('2026-11-23T02:00:00Z');
const FRIDAY_AFTER_PROPOSAL = new Date('2026-11-27T08:00:00Z');

/**
 * The agent's week of 23 Nov (five tasks, one a day) committed on its Monday; `meanwhile` runs in the
 * week (tasks marked, say); then, on Friday after the proposal, next week's cart is made, carrying the
 * tasks of Monday to Thursday still open. The week's cart.
 */
async function weekCommittedThenProposed(meanwhile: (cartId: number) => Promise<void> = async () => {}) {
  const { state } = await openCart(ctx.t.db, AGENT, 'this', MONDAY_BEFORE);
  expect((await changeCart(ctx.t.db, AGENT, state.cart.id, CURRENT, { kind: 'commit' }, MONDAY_BEFORE)).changed).toBe(true);
  await meanwhile(state.cart.id);
  await openCart(ctx.t.db, AGENT, 'next', FRIDAY_AFTER_PROPOSAL);
  return state.cart;
}

/** The agent's App Home as last published, and how many times it was (openHome above opens it). */
const home = () => ctx.app.slack.homeOf(AGENT)!.view.blocks as Blocks;
const homes = () => ctx.app.slack.callsTo('views.publish').filter((c) => c.args.user_id === AGENT).length;

describe('a week worked, its open tasks carried into the next week’s cart, then its cart reopened', () => {
  it('shows the carried tasks as carried over and fixed, and a commit again lists none of them twice', async () => {
    const cart = await weekCommittedThenProposed();
    const listed = () => ctx.t.db.select().from(tasks).where(eq(tasks.cartId, cart.id));
    expect((await listed()).map((x) => x.status).sort()).toEqual(['carried_over', 'carried_over', 'carried_over', 'carried_over', 'open']);
    // This week's cart reopened: the carried tasks stay where they were, said so, and nothing moves them.
    const reopened = await changeCart(ctx.t.db, AGENT, cart.id, CURRENT, { kind: 'reopen' }, FRIDAY_AFTER_PROPOSAL);
    const carried = reopened.state.tasks.filter((x) => x.finished === 'carried_over');
    expect(carried.map((x) => [x.day, x.fixed])).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'].map((d) => [d, true]));
    expect(text(dayModal(textsFor('zh-CN'), reopened.state, '2026-11-24', 0).blocks as never)).toContain('➡️ 已结转到之后一周的任务车');
    const refused = await changeCart(ctx.t.db, AGENT, cart.id, CURRENT, { kind: 'move', itemId: Number(carried[0]!.id), day: '2026-11-27' }, FRIDAY_AFTER_PROPOSAL).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'finished_task' });
    // Committed again: Friday's task is listed again, the carried ones are not (they are in next week's cart).
    expect((await changeCart(ctx.t.db, AGENT, cart.id, CURRENT, { kind: 'commit' }, FRIDAY_AFTER_PROPOSAL)).changed).toBe(true);
    expect((await listed()).map((x) => x.status).sort()).toEqual(['carried_over', 'carried_over', 'carried_over', 'carried_over', 'open']);
  }, 60_000);
});

describe('the last work day’s tasks left open, after the week', () => {
  it('are in App Home and /tasks the Monday after, each with its day, Done and Skip, until a cart carries what is still open', async () => {
    // Next week's cart carries Monday to Thursday; Friday's task is worked that day, and left open.
    const cart = await weekCommittedThenProposed();
    const friday = (await ctx.t.db.select().from(tasks).where(eq(tasks.cartId, cart.id))).find((x) => x.day === '2026-11-27')!;
    expect(friday.status).toBe('open');

    // Monday 30 Nov, 10:00 in Shanghai: the week before is over, and nothing has carried Friday's task yet.
    ctx.app.clock.now = new Date('2026-11-30T02:00:00Z');
    const a = new Agent(ctx.app, AGENT);
    await a.command('/tasks', '', 'today');
    await a.command('/tasks', 'week', 'week');
    await a.settle();
    const answer = (id: string) => String(ctx.app.slack.responses.find((r) => r.id === id)!.body.text);
    for (const id of ['today', 'week']) expect(answer(id)).toContain('\n\n*Still open from before this week* · 1\nFri 27 Nov · ▫️ *Follow-up* — This week 4 (5 h)');
    expect(homes()).toBe(0);
    await openHome(a);
    expect(homes()).toBe(1);
    expect(text(home())).toContain('*Still open from before this week:* 1 task. Mark it here; if it is still open when your next cart is made, that cart carries it.');
    expect(text(home())).toContain('Fri 27 Nov · ▫️ *Follow-up* — This week 4 (5 h)');
    expect(a.button(ACTIONS.taskSkip, home()).value).toBe(String(friday.id));
    // The supervisor's /team-carts says it apart from this week's list (which nobody has committed yet).
    const sup = new Agent(ctx.app, SUPERVISOR);
    const teamCarts = async (id: string) => {
      await sup.command('/team-carts', 'this', id);
      await sup.settle();
      return text(ctx.app.slack.responses.find((r) => r.id === id)!.body.blocks as never);
    };
    const before = await teamCarts('team-before');
    expect(before).toContain('*This week, being worked* · week of 30 Nov');
    expect(before).toContain('↩️ 1 task still open from before this week: no cart has carried it yet.');
    expect(before).toContain(`<@${AGENT}>: ✅ 0 · ⏭️ 0 · ▫️ 0 (– done) · ↩️ 1 from before this week`);
    expect(before).not.toContain(`<@${OTHER_AGENT}>: ✅`);

    // Done from App Home: marked, and the Home published again without it.
    await a.clickInHome(ACTIONS.taskDone, a.button(ACTIONS.taskDone, home()).value);
    await eventually(() => expect(homes()).toBe(2), 15_000);
    await a.settle();
    expect((await ctx.t.db.select().from(tasks).where(eq(tasks.id, friday.id)))[0]!.status).toBe('done');
    expect(text(home())).not.toContain('Still open from before this week');
    expect(await teamCarts('team-after')).not.toContain('↩️');
    // The next cart made carries nothing of it.
    const { state: planning } = await openCart(ctx.t.db, AGENT, 'next', ctx.app.clock.now);
    expect(planning.week.start).toBe('2026-12-07');
    expect(planning.tasks.filter((x) => x.source === 'carried_over')).toEqual([]);
  }, 60_000);

  it('the start-of-day reminder says how many, and no longer once it is done', async () => {
    // A few of next week's tasks for the agent too: with its others, a cart committed once balanced.
    const rows = ['external_id,agent,type,title,date,effort_minutes', ...NEXT_WEEK.map((day, d) => `nx-${d},${AGENT},follow_up,Next week ${d},${day},30`)];
    expect((await importCsv(ctx.t.db, 'tasks', rows.join('\n'))).errors).toEqual([]);
    // Monday to Thursday done; Friday's left open, and the cart proposed on Friday carries nothing.
    await weekCommittedThenProposed(async (cartId) => {
      const listed = await ctx.t.db.select().from(tasks).where(eq(tasks.cartId, cartId));
      for (const x of listed.filter((x) => x.day < '2026-11-27')) await markTask(ctx.t.db, AGENT, x.id, 'done');
    });
    // Monday 30 Nov, 09:30 in Shanghai: this week's cart committed, its list made.
    ctx.app.clock.now = new Date('2026-11-30T01:30:00Z');
    const { state: week } = await openCart(ctx.t.db, AGENT, 'this', ctx.app.clock.now);
    await changeCart(ctx.t.db, AGENT, week.cart.id, CURRENT, { kind: 'balance' }, ctx.app.clock.now);
    const committed = await changeCart(ctx.t.db, AGENT, week.cart.id, CURRENT, { kind: 'commit' }, ctx.app.clock.now);
    expect(committed.notice).toMatchObject({ kind: 'committed' });

    await runReminders(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { kind: 'start', at: ctx.app.clock.now, now: ctx.app.clock.now, perSecond: 1000 });
    const reminder = () => ctx.app.slack.messagesIn(`D${AGENT.slice(1)}`).find((m) => String(m.text).startsWith('☀️'))!;
    expect(text(reminder().blocks as Blocks)).toContain('↩️ Also 1 task still open from before this week: App Home and `/tasks` list it.');

    // Done in App Home on Friday's task: the reminder is edited, and says it no more.
    const a = new Agent(ctx.app, AGENT);
    await openHome(a);
    const friday = a.elements(home()).filter((e) => e.action_id === ACTIONS.taskDone).at(-1)!;
    expect(text(home())).toContain('Fri 27 Nov · ▫️ *Follow-up* — This week 4');
    await a.clickInHome(ACTIONS.taskDone, friday.value as string);
    await eventually(() => expect(text(reminder().blocks as Blocks)).not.toContain('still open from before this week'), 15_000);
    await a.settle();
  }, 60_000);

  it('with nothing on the list today, the start-of-day reminder still comes for them, and says when they are done; no nudge', async () => {
    // Next week's cart proposed on Friday and not committed yet: on Monday nothing is on the list, but Friday's task is open.
    await weekCommittedThenProposed();
    ctx.app.clock.now = new Date('2026-11-30T01:30:00Z');
    const remind = async (kind: 'start' | 'end', at: Date) => (await runReminders(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { kind, at, now: at, perSecond: 1000 })).reports;
    const mine = (reports: Awaited<ReturnType<typeof remind>>) => reports.find((r) => r.team === 'Shanghai Care')!;
    expect(mine(await remind('start', ctx.app.clock.now))).toMatchObject({ sent: 1 });
    const reminders = () => ctx.app.slack.messagesIn(`D${AGENT.slice(1)}`).filter((m) => /^(☀️|⏰)/.test(String(m.text)));
    expect(reminders()).toHaveLength(1);
    const morning = () => reminders()[0]!;
    expect(morning().text).toBe('☀️ *Today, Mon 30 Nov:* nothing on your list, and 1 task still open from before this week: App Home and `/tasks` list it, with Done and Skip.');
    expect(text(morning().blocks as Blocks)).not.toContain('Also');

    // Before the day ends, Friday's task still open: the nudge is about today's tasks, and there are none (nor for the other agent).
    ctx.app.clock.now = new Date('2026-11-30T09:00:00Z');
    expect(mine(await remind('end', ctx.app.clock.now))).toMatchObject({ agents: 2, sent: 0, quiet: 2 });
    expect(reminders()).toHaveLength(1);

    // Done in App Home: the reminder says nothing is left.
    const a = new Agent(ctx.app, AGENT);
    await openHome(a);
    await a.clickInHome(ACTIONS.taskDone, a.button(ACTIONS.taskDone, home()).value);
    await eventually(() => expect(morning().text).toBe('☀️ *Today, Mon 30 Nov:* nothing on your list, and nothing left open from before this week.'), 15_000);
    await a.settle();
    expect(reminders()).toHaveLength(1);
  }, 60_000);

  it('counts the week’s tasks carried on, and the one left open, as not done in last week’s figures of the weekly digest', async () => {
    await weekCommittedThenProposed();
    // Monday 30 Nov, 09:00 in Shanghai: the week of 23 Nov is last week.
    const [digest] = await runDigests(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { now: new Date('2026-11-30T01:00:00Z'), weekly: true });
    expect(digest).toMatchObject({ sent: 1 });
    const posted = text(ctx.app.slack.callsTo('chat.postMessage').at(-1)!.args.blocks as never);
    // Four carried into the next cart and one left open: none was done in its week (it said "open" before).
    expect(posted).toContain('*Last week:* done 0 % · skipped 0 % · not done 100 %');
    expect(posted).toContain(`<@${AGENT}>: ✅ 0 · ⏭️ 0 · ▫️ 5 (0 % done)`);
  }, 60_000);

  it('one still open when the next cart is made is carried into it, and leaves App Home', async () => {
    await weekCommittedThenProposed();
    // Tuesday 1 Dec: the agent opens the cart of the week of 7 Dec, which carries Friday's task.
    ctx.app.clock.now = new Date('2026-12-01T02:00:00Z');
    const { state: planning } = await openCart(ctx.t.db, AGENT, 'next', ctx.app.clock.now);
    expect(planning.tasks.filter((x) => x.source === 'carried_over').map((x) => [x.title, x.day])).toEqual([['This week 4', '2026-12-07']]);
    await openHome(new Agent(ctx.app, AGENT));
    expect(text(home())).not.toContain('Still open from before this week');
  }, 60_000);
});
