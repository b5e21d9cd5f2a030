// The cart's modals as an agent uses them: open a day, Add task, commit with a reason, Pick customers.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { cartEvents, cartItems, carts, tasks, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { CURRENT, changeCart } from '../../src/services/cart.ts';
import { markTask } from '../../src/services/tasks.ts';
import { ACTIONS, INPUTS, VALUE } from '../../views/ids.ts';
import { DAY_PAGE } from '../../views/day.ts';
import { eventually, useTestApp } from '../support/app.ts';
import { AGENT, NOW, loadCenter } from '../support/fixtures.ts';
import { Agent, text, type View } from '../support/slack-client.ts';

const ctx = useTestApp({ beforeAll, afterAll, beforeEach }, { now: NOW, seed: (db) => loadCenter(db.db) });
const agent = () => new Agent(ctx.app, AGENT);

async function openCart(a = agent()) {
  await a.command('/cart');
  await eventually(() => expect(ctx.app.slack.callsTo('chat.postMessage').length).toBeGreaterThan(0));
  await a.settle();
}
const items = async () => ctx.t.db.select().from(cartItems);
const sel = (value: string) => ({ type: 'static_select', selected_option: { value } });
const txt = (value: string) => ({ type: 'plain_text_input', value });

describe('open a day', () => {
  /** The agent's cart, then the window of `day` opened from it, as Slack shows it. */
  async function openDay(a: Agent, day = '2026-11-30'): Promise<View> {
    await openCart(a);
    await a.click(ACTIONS.openDay, a.button(ACTIONS.openDay, undefined, (e) => e.value.endsWith(`:${day}`)).value);
    await a.settle();
    return a.modal();
  }
  const dayMenus = (a: Agent, modal: View) => a.elements(modal.blocks).filter((e) => e.action_id === ACTIONS.dayTaskMenu);
  const toThu = (menu: Record<string, any>) => menu.options.find((o: any) => o.text.text === 'Move to Thu 3 Dec').value as string;
  /** The agent closes the window as soon as they pick, before the bot's update of it reaches Slack. */
  const closedOnUpdate = (modal: View) =>
    ctx.app.slack.on('views.update', () => {
      ctx.app.slack.closeModal(modal.id!);
      return undefined;
    });
  /** The log lines from now on. */
  const logsFromNow = () => {
    const from = ctx.app.logs.length;
    return () => ctx.app.logs.slice(from).map((l) => JSON.parse(l) as { level: string; msg: string; err?: { cause?: { slackError?: string } } });
  };
  /** What the bot said in DMs besides cart messages. */
  const toldInDm = () => ctx.app.slack.callsTo('chat.postMessage').filter((c) => !(Array.isArray(c.args.blocks) && (c.args.blocks as unknown[]).length > 1)).map((c) => String(c.args.text));

  it('lists the day’s tasks; moving and removing show at once in the modal and the message', async () => {
    const a = agent();
    let modal = await openDay(a);
    expect(modal.blocks[0]!.text.text).toMatch(/^\*7 h\* of 6 h 30 m · 14 tasks · 🔴 overloaded \+30 m/);
    expect(text(modal.blocks)).toMatch(/Follow-up\* · 客户1 Customer 1 — Follow up 1\\n30 m · Normal · from the CRM · 📌 fixed/);
    const menus = dayMenus(a, modal);
    expect(menus).toHaveLength(13); // the fixed task has no menu
    await a.choose(modal, ACTIONS.dayTaskMenu, menus[0]!.block_id, toThu(menus[0]!));
    await a.settle();
    modal = a.modal();
    expect(modal.blocks[0]!.text.text).toMatch(/^\*6 h 30 m\* of 6 h 30 m · 13 tasks · ✅/);
    expect(text(modal.blocks)).toMatch(/Moved: Follow-up · 客户\d+ Customer \d+ \(30 m\) Mon → Thu/);
    expect(text(a.message().blocks)).toMatch(/Mon 30 Nov\* {2}`[█░]+` {2}6 h 30 m \/ 6 h 30 m · 13 tasks · ✅/);

    const remove = dayMenus(a, modal)[0]!;
    const before = (await items()).length;
    await a.choose(modal, ACTIONS.dayTaskMenu, remove.block_id, remove.options.at(-1).value);
    await a.settle();
    expect(await items()).toHaveLength(before - 1);
    expect(text(a.modal().blocks)).toMatch(/Removed Follow-up/);
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('on a cart reopened after its commit, a task done or skipped on the list shows so and stays on its day: no menu, Auto-balance leaves it, a menu from before moves nothing', async () => {
    const a = agent();
    await ctx.t.db.update(teams).set({ allowFlaggedCommit: true });
    await openCart(a);
    // Committed (Monday is overloaded: with a reason), then reopened to plan again, while the agent works from its list.
    const committed = await changeCart(ctx.t.db, AGENT, (await ctx.t.db.select().from(carts))[0]!.id, CURRENT, { kind: 'commit', reason: 'Busy Monday' }, NOW);
    await changeCart(ctx.t.db, AGENT, committed.state.cart.id, CURRENT, { kind: 'reopen' }, NOW);
    const before = await openDay(a);
    // Every Monday task the agent could move is done or skipped on the list but the last (Customer 3).
    const monday = (await ctx.t.db.select().from(tasks).where(eq(tasks.day, '2026-11-30'))).filter((t) => !t.title.endsWith(' 1') && !t.title.endsWith(' 3'));
    expect(monday.length).toBeGreaterThan(6);
    for (const [n, t] of monday.entries()) expect(await markTask(ctx.t.db, AGENT, t.id, n % 4 === 3 ? 'skipped' : 'done')).toBe(true);
    const finishedItems = new Set(monday.map((t) => t.cartItemId!));

    // A menu of the window opened before the Done: refused, nothing changes.
    const version = (await ctx.t.db.select().from(carts))[0]!.version;
    const stale = dayMenus(a, before).find((m) => finishedItems.has(Number(m.block_id.replace('task_', ''))))!;
    await a.choose(before, ACTIONS.dayTaskMenu, stale.block_id, toThu(stale));
    await a.settle();
    expect(text(a.modal().blocks)).toMatch(/is already done, skipped or carried over on your task list, so it stays where it is/);
    expect((await ctx.t.db.select().from(carts))[0]!.version).toBe(version);

    // Opened now: each shows what the list says, without a menu.
    const now = await openDay(a);
    expect(text(now.blocks)).toMatch(/· ✅ done on your task list/);
    expect(text(now.blocks)).toMatch(/· ⏭️ skipped on your task list/);
    expect(dayMenus(a, now).map((m) => Number(m.block_id.replace('task_', ''))).filter((id) => finishedItems.has(id))).toEqual([]);
    expect(dayMenus(a, now)).toHaveLength(13 - finishedItems.size);

    // Auto-balance relieves Monday with what is left to move, never a finished task.
    await a.click(ACTIONS.autoBalance, a.button(ACTIONS.autoBalance).value);
    await a.settle();
    const after = await items();
    expect(after.filter((i) => finishedItems.has(i.id)).map((i) => i.plannedDay)).toEqual([...finishedItems].map(() => '2026-11-30'));
    expect((await ctx.t.db.select().from(carts))[0]!.version).toBeGreaterThan(version);

    // Committed again, the list keeps each of them once, done or skipped on Monday.
    await changeCart(ctx.t.db, AGENT, committed.state.cart.id, CURRENT, { kind: 'commit', reason: 'Busy Monday' }, NOW);
    const listed = (await ctx.t.db.select().from(tasks)).filter((t) => finishedItems.has(t.cartItemId!));
    expect(listed.map((t) => [t.day, t.status]).sort()).toEqual(monday.map((t, n) => ['2026-11-30', n % 4 === 3 ? 'skipped' : 'done']).sort());
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('answers a menu from an outdated modal with the day as it is now, changing nothing', async () => {
    const a = agent();
    const stale = await openDay(a);
    await a.click(ACTIONS.autoBalance, a.button(ACTIONS.autoBalance).value);
    await a.settle();
    const menu = dayMenus(a, stale)[0]!;
    const version = (await ctx.t.db.select().from(carts))[0]!.version;
    await a.choose(stale, ACTIONS.dayTaskMenu, menu.block_id, menu.options[0].value);
    await a.settle();
    expect(text(a.modal().blocks)).toMatch(/older copy of your cart, so nothing changed/);
    expect((await ctx.t.db.select().from(carts))[0]!.version).toBe(version);
  });

  it('ends on the cart as it is when a slower update of the day window reaches Slack after a newer one', async () => {
    const a = agent();
    const modal = await openDay(a);
    const menus = dayMenus(a, modal);
    // The move's window is held a moment on the way (a slow network). Meanwhile the agent moves a task
    // onto Monday from another device, then picks another menu in the window as it still shows: that
    // click is an older copy, and its window, showing the cart as it is now, lands first.
    let held = false;
    const updates = () => ctx.app.slack.callsTo('views.update');
    ctx.app.slack.on('views.update', async () => {
      if (held) return undefined;
      held = true;
      // Answered only once the later click's update has been: whatever the machine's load.
      await eventually(() => expect(updates()[1]?.result).toBeDefined(), 10_000);
      return undefined;
    });
    await a.choose(modal, ACTIONS.dayTaskMenu, menus[0]!.block_id, toThu(menus[0]!));
    await eventually(() => expect(updates()).toHaveLength(1));
    const tuesday = (await items()).find((i) => i.plannedDay === '2026-12-01' && !i.fixed)!;
    const cartId = (await ctx.t.db.select().from(carts))[0]!.id;
    expect((await changeCart(ctx.t.db, AGENT, cartId, CURRENT, { kind: 'move', itemId: tuesday.id, day: '2026-11-30' }, NOW)).changed).toBe(true);
    await a.choose(modal, ACTIONS.dayTaskMenu, menus[1]!.block_id, toThu(menus[1]!));
    await a.settle();
    // Slack refused the held one (the window had changed since its hash), and the day was shown again as it is.
    expect(updates().map((c) => (c.result as { error?: string }).error ?? 'ok')).toEqual(['hash_conflict', 'ok', 'ok']);
    const monday = (await items()).filter((i) => i.plannedDay === '2026-11-30');
    expect(monday).toHaveLength(14);
    const shown = ctx.app.slack.viewOf(modal.id!)!.view as { blocks: Array<Record<string, any>> };
    expect(shown.blocks[0]!.text.text).toMatch(/ · 14 tasks · /);
    expect(text(shown.blocks)).toMatch(/Moved: Follow-up/);
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('a move whose window the agent closed before it was updated: saved and shown in the message, nothing logged as an error', async () => {
    const a = agent();
    const modal = await openDay(a);
    const menu = dayMenus(a, modal)[0]!;
    // The agent picks "Move to Thu" and closes the window at once, before the bot's update reaches Slack.
    closedOnUpdate(modal);
    const logs = logsFromNow();
    await a.choose(modal, ACTIONS.dayTaskMenu, menu.block_id, toThu(menu));
    await a.settle();
    expect(ctx.app.slack.callsTo('views.update').map((c) => (c.result as { error?: string }).error)).toEqual(['not_found']);
    expect((await items()).filter((i) => i.plannedDay === '2026-11-30')).toHaveLength(13);
    expect(text(a.message().blocks)).toMatch(/Mon 30 Nov\* {2}`[█░]+` {2}6 h 30 m \/ 6 h 30 m · 13 tasks · ✅/);
    expect(logs().filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    // Nothing told to the agent either: no trouble window, no DM.
    expect(toldInDm()).toEqual([]);
  });

  it('a move saved whose message Slack refuses to edit, the window closed meanwhile: told in a DM that it is saved, never that nothing was', async () => {
    const a = agent();
    const modal = await openDay(a);
    const menu = dayMenus(a, modal)[0]!;
    closedOnUpdate(modal);
    ctx.app.slack.on('chat.update', () => ({ body: { ok: false, error: 'channel_not_found' } }));
    const logs = logsFromNow();
    await a.choose(modal, ACTIONS.dayTaskMenu, menu.block_id, toThu(menu));
    await a.settle();
    expect((await items()).filter((i) => i.plannedDay === '2026-11-30')).toHaveLength(13);
    expect(toldInDm()).toEqual(["Your change is saved, but I couldn't show it: something went wrong on my side. Open your cart again (`/cart`) to see it."]);
    // The log says what failed, with Slack's refusal, once.
    const failed = logs().filter((l) => l.level === 'error');
    expect(failed.map((l) => [l.msg, l.err?.cause?.slackError])).toEqual([[`change that task (action from ${AGENT}) failed`, 'channel_not_found']]);
  });

  it('a day window Slack no longer opens (the click’s trigger expired: a slow database): told to click again, a warning, no error', async () => {
    const a = agent();
    await openCart(a);
    ctx.app.slack.on('views.open', () => ({ body: { ok: false, error: 'expired_trigger_id' } }));
    const logs = logsFromNow();
    await a.click(ACTIONS.openDay, a.button(ACTIONS.openDay, undefined, (e) => e.value.endsWith(':2026-11-30')).value, 'late-day');
    await a.settle();
    await eventually(() => expect(ctx.app.slack.responses.find((r) => r.id === 'late-day')?.body.text).toBe('Slack stopped waiting for that window: I took more than 3 seconds to open it. Please click again.'));
    expect(logs().filter((l) => l.level === 'error')).toEqual([]);
    expect(logs().filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      `open that day (action from ${AGENT}): Slack refused to open the window, its trigger had expired (more than 3 s after the click); told the person to click again`,
    ]);
  });

  it('pages a day with more tasks than one view holds', async () => {
    const rows = ['external_id,agent,type,title,date,effort_minutes'];
    for (let i = 0; i < DAY_PAGE + 5; i++) rows.push(`many${i},${AGENT},follow_up,Short call ${i},2026-12-02,1`);
    await importCsv(ctx.t.db, 'tasks', rows.join('\n'));
    const a = agent();
    const first = await openDay(a, '2026-12-02');
    expect(text(first.blocks)).toContain('Page 1 of 2');
    await a.clickInModal(first, `${ACTIONS.dayPage}_next`, '1');
    await a.settle();
    const second = a.modal();
    expect(text(second.blocks)).toContain('Page 2 of 2');
    expect(second.blocks.length).toBeLessThanOrEqual(100);
    expect(ctx.app.slack.violations).toEqual([]);
  });
});

describe('Add task', () => {
  async function openAdd(a: Agent) {
    await openCart(a);
    await a.click(ACTIONS.addTask, a.button(ACTIONS.addTask).value);
    await a.settle();
    return a.modal();
  }
  const values = (over: Record<string, unknown> = {}) => ({
    [INPUTS.title]: { [VALUE]: txt('Call back about the invoice') },
    [INPUTS.customer]: { [ACTIONS.customerSearch]: { type: 'external_select', selected_option: { value: 'C7' } } },
    [INPUTS.type]: { [VALUE]: sel('complaint_callback') },
    [INPUTS.day]: { [VALUE]: sel('2026-12-03') },
    [INPUTS.effort]: { [VALUE]: txt('') },
    [INPUTS.priority]: { [VALUE]: sel('high') },
    [INPUTS.notes]: { [VALUE]: txt('') },
    ...over,
  });

  it('searches the agent’s customers and adds the task with the type’s effort, on the chosen day', async () => {
    const a = agent();
    const modal = await openAdd(a);
    expect(modal.blocks.map((b) => b.block_id)).toEqual([INPUTS.title, INPUTS.customer, INPUTS.type, INPUTS.day, INPUTS.effort, INPUTS.priority, INPUTS.notes]);
    const found = await a.suggest(ACTIONS.customerSearch, INPUTS.customer, '客户7');
    expect(found.options[0]).toEqual({ text: { type: 'plain_text', text: '客户7 Customer 7 (C7)' }, value: 'C7' });
    expect(await a.submit(modal, values())).toEqual({});
    await a.settle();
    const added = (await items()).find((i) => i.title === 'Call back about the invoice')!;
    expect(added).toMatchObject({ customerId: 'C7', typeKey: 'complaint_callback', effortMinutes: 20, priority: 'high', plannedDay: '2026-12-03', source: 'custom' });
    expect(text(a.message().blocks)).toMatch(/Added Call back about the invoice \(Thu\)/);
  });

  it.each([
    [{ [INPUTS.title]: { [VALUE]: txt('   ') } }, INPUTS.title, 'Give the task a title.'],
    [{ [INPUTS.title]: { [VALUE]: txt('长'.repeat(151)) } }, INPUTS.title, 'Keep the title to 150 characters (it has 151).'],
    [{ [INPUTS.effort]: { [VALUE]: txt('0') } }, INPUTS.effort, 'Effort is a whole number of minutes from 1 to 390.'],
    [{ [INPUTS.effort]: { [VALUE]: txt('12.5') } }, INPUTS.effort, 'Effort is a whole number of minutes from 1 to 390.'],
    [{ [INPUTS.effort]: { [VALUE]: txt('400') } }, INPUTS.effort, 'Effort is a whole number of minutes from 1 to 390.'],
    [{ [INPUTS.day]: { [VALUE]: sel('2026-12-25') } }, INPUTS.day, 'Pick a day of this cart’s week.'],
    [{ [INPUTS.day]: { [VALUE]: sel('2026-12-05') } }, INPUTS.day, 'Saturday has no capacity: pick a work day.'],
  ])('answers wrong input under the field and saves nothing: %j', async (over, block, message) => {
    const a = agent();
    const modal = await openAdd(a);
    const before = await items();
    const answer = await a.submit(modal, values(over));
    expect(answer).toEqual({ response_action: 'errors', errors: { [block]: message } });
    expect(await items()).toEqual(before);
  });

  it('merges a duplicate of a task already in the cart, keeps the higher priority, and says so', async () => {
    const a = agent();
    const modal = await openAdd(a);
    const before = (await items()).length;
    // C3's system follow-up is low priority; the agent asks for a high one.
    await a.submit(modal, values({ [INPUTS.customer]: { [ACTIONS.customerSearch]: { selected_option: { value: 'C3' } } }, [INPUTS.type]: { [VALUE]: sel('follow_up') } }));
    await a.settle();
    expect(await items()).toHaveLength(before);
    expect((await items()).find((i) => i.customerId === 'C3')).toMatchObject({ title: 'Follow up 3', source: 'system', priority: 'high' });
    expect(text(a.message().blocks)).toMatch(/Nothing new added: already in the cart. 1 duplicate merged \(same customer and type\). The task kept takes the higher priority/);
  });
});

describe('commit with a reason', () => {
  it('asks for a reason when the team allows it, records it for the supervisor, and shows it committed', async () => {
    await ctx.t.db.update(teams).set({ allowFlaggedCommit: true });
    const a = agent();
    await openCart(a);
    await a.click(ACTIONS.commit, a.button(ACTIONS.commit).value);
    await a.settle();
    const modal = a.modal();
    expect(text(modal.blocks)).toMatch(/Still flagged: Mon overloaded by 30 m, Thu idle, 1 h 54 m under/);
    expect(await a.submit(modal, { [INPUTS.reason]: { [VALUE]: txt('ok') } })).toMatchObject({ response_action: 'errors' });
    await a.submit(modal, { [INPUTS.reason]: { [VALUE]: txt('Big customer visit on Thursday, calls move to Monday') } });
    await a.settle();
    const cart = (await ctx.t.db.select().from(carts))[0]!;
    expect(cart).toMatchObject({ status: 'committed', exceptionReason: 'Big customer visit on Thursday, calls move to Monday' });
    const commit = (await ctx.t.db.select().from(cartEvents).where(eq(cartEvents.action, 'commit')))[0]!;
    expect(commit.detail).toMatchObject({ flagged: [{ day: '2026-11-30', flag: { kind: 'overloaded', by: 30 } }, { day: '2026-12-03', flag: { kind: 'idle', by: 114 } }] });
    expect(text(a.message().blocks)).toMatch(/Committed/);
  });
});

describe('Pick customers', () => {
  it('filters, ranks recommended tasks (imported first, rules otherwise), and adds the ticked ones on the lightest days', async () => {
    await importCsv(ctx.t.db, 'customers', 'customer_id,name,owner,segment,region,last_contact,renewal_date\nC61,Acme Foods,U0AGENT1,gold,Pudong,2026-08-01,2026-12-10\nC62,Blue Sky,U0AGENT1,gold,Pudong,2026-11-20,\nC63,Far Away,U0AGENT2,gold,Pudong,2026-01-01,\n');
    await importCsv(ctx.t.db, 'recommendations', 'customer_id,type,score,reason\nC62,cross_sell,0.91,Bought twice this month\n');
    const a = agent();
    await openCart(a);
    await a.click(ACTIONS.pickCustomers, a.button(ACTIONS.pickCustomers).value);
    await a.settle();
    const filters = a.modal();
    const answer = await a.submit(filters, {
      [INPUTS.segment]: { [VALUE]: sel('gold') },
      [INPUTS.region]: { [VALUE]: sel('*') },
      [INPUTS.tags]: { [VALUE]: txt('') },
      [INPUTS.lastContact]: { [VALUE]: txt('') },
      [INPUTS.mine]: { [VALUE]: { type: 'checkboxes', selected_options: [{ value: 'mine' }] } },
    });
    expect(answer.response_action).toBe('update');
    const step2 = answer.view as { blocks: any[]; private_metadata: string; callback_id: string };
    const customers = step2.blocks.filter((b) => b.block_id?.startsWith('pick_c_'));
    expect(customers.map((b) => b.block_id)).toEqual(['pick_c_C62', 'pick_c_C61']); // imported score first; not someone else's customer
    expect(customers[0].element.options[0]).toMatchObject({ text: { text: 'Cross-sell · 0.91' }, description: { text: 'Bought twice this month' } });
    expect(customers[1].element.options.map((o: any) => o.description.text)).toEqual(expect.arrayContaining(['Renewal due in 13 days', 'No contact for 118 days']));

    const before = (await items()).length;
    await a.submit({ ...step2, id: 'V9' }, {
      [INPUTS.pickDay]: { [VALUE]: sel('auto') },
      pick_c_C62: { [VALUE]: { type: 'checkboxes', selected_options: [{ value: 'cross_sell' }] } },
      pick_c_C61: { [VALUE]: { type: 'checkboxes', selected_options: [{ value: 'renewal_call' }] } },
    });
    await a.settle();
    const added = (await items()).filter((i) => i.source === 'recommended');
    expect((await items()).length).toBe(before + 2);
    // The lightest allowed day is Thursday, the idle one.
    expect(added.map((i) => i.plannedDay)).toEqual(['2026-12-03', '2026-12-03']);
    expect(text(a.message().blocks)).toMatch(/Added Cross-sell · Blue Sky/);
  });

  it('says so under the filters when nothing matches', async () => {
    const a = agent();
    await openCart(a);
    await a.click(ACTIONS.pickCustomers, a.button(ACTIONS.pickCustomers).value);
    await a.settle();
    const answer = await a.submit(a.modal(), { [INPUTS.segment]: { [VALUE]: sel('*') }, [INPUTS.region]: { [VALUE]: sel('*') }, [INPUTS.tags]: { [VALUE]: txt('nonexistent-tag') }, [INPUTS.lastContact]: { [VALUE]: txt('') }, [INPUTS.mine]: { [VALUE]: { selected_options: [] } } });
    expect(answer).toEqual({ response_action: 'errors', errors: { [INPUTS.segment]: 'No customers with recommended tasks match these filters. Widen them.' } });
  });
});

describe('a Slack user the bot does not know', () => {
  it('gets the set-up answer from every cart button, never a bare id', async () => {
    const stranger = new Agent(ctx.app, 'U0STRANGER');
    for (const id of [ACTIONS.addTask, ACTIONS.pickCustomers, ACTIONS.openDay, ACTIONS.autoBalance, ACTIONS.commit]) {
      await stranger.click(id, '1:1:2026-11-30', id);
    }
    await stranger.settle();
    expect(ctx.app.slack.responses).toHaveLength(5);
    for (const r of ctx.app.slack.responses) expect(String(r.body.text), r.id).toMatch(/doesn't know you yet.*`U0STRANGER`/);
  });
});

describe('the cart message itself', () => {
  it('is posted anew when the agent deleted it', async () => {
    const a = agent();
    await openCart(a);
    ctx.app.slack.on('chat.update', () => ({ body: { ok: false, error: 'message_not_found' } }));
    await a.click(ACTIONS.autoBalance, a.button(ACTIONS.autoBalance).value);
    await a.settle();
    expect(ctx.app.slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(text(a.message().blocks)).toMatch(/Auto-balance moved/);
  });

  it('two tasks added at once, after it was deleted: one live cart message, showing both', async () => {
    const a = agent();
    await openCart(a);
    // Two Add task modals, as from two devices, each submitted on the copy still on the agent's screen.
    const modals = [];
    for (let i = 0; i < 2; i++) {
      await a.click(ACTIONS.addTask, a.button(ACTIONS.addTask).value);
      await a.settle();
      modals.push(a.modal());
    }
    const dm = `D${AGENT.slice(1)}`;
    const [first] = ctx.app.slack.messagesIn(dm);
    ctx.app.slack.deleteMessage(dm, first!.ts);
    const values = (title: string) => ({ [INPUTS.title]: { [VALUE]: txt(title) }, [INPUTS.type]: { [VALUE]: sel('custom') }, [INPUTS.day]: { [VALUE]: sel('2026-12-03') }, [INPUTS.effort]: { [VALUE]: txt('10') }, [INPUTS.priority]: { [VALUE]: sel('normal') } });
    await Promise.all([a.submit(modals[0]!, values('First of two')), a.submit(modals[1]!, values('Second of two'))]);
    await a.settle();
    expect((await items()).filter((i) => i.title.endsWith('of two'))).toHaveLength(2);
    const live = ctx.app.slack.messagesIn(dm).filter((m) => a.elements(m.blocks as never).some((e) => e.action_id === ACTIONS.addTask));
    expect(live).toHaveLength(1);
    const [row] = await ctx.t.db.select({ ts: carts.messageTs, version: carts.version }).from(carts).where(eq(carts.agentId, AGENT));
    expect(live[0]!.ts).toBe(row!.ts);
    expect(JSON.stringify(live[0]!.blocks)).toContain(`:${row!.version}`);
    expect(ctx.app.slack.violations).toEqual([]);
  });
});
