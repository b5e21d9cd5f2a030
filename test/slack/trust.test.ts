// Trust, as a hostile agent would test it through Slack: hostile text shows as text, forged
// fields are refused, replays and retries change nothing twice, and requests from outside the
// bot's workspace or its five minutes are refused.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cartEvents, cartItems, carts, tasks, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { ACTIONS, INPUTS, VALUE } from '../../views/ids.ts';
import { eventually, useTestApp } from '../support/app.ts';
import { AGENT, NOW, OTHER_AGENT, SUPERVISOR, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN, commandBody, eventBody, payloadBody, post } from '../support/signed.ts';
import { Agent, text, type View } from '../support/slack-client.ts';

const ctx = useTestApp({ beforeAll, afterAll, beforeEach }, { now: NOW, seed: (db) => loadCenter(db.db) });
const agent = () => new Agent(ctx.app, AGENT);
const items = () => ctx.t.db.select().from(cartItems);
const count = async (table: typeof cartEvents | typeof cartItems | typeof tasks) => (await ctx.t.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
const sel = (value: string) => ({ type: 'static_select', selected_option: { value } });
const txt = (value: string) => ({ type: 'plain_text_input', value });
/** Everything the bot sent to Slack: Web API calls and response_url posts. */
const sent = () => JSON.stringify([ctx.app.slack.calls.map((c) => c.args), ctx.app.slack.responses]);

async function openCart(a = agent()) {
  await a.command('/cart');
  await eventually(() => expect(ctx.app.slack.callsTo('chat.postMessage').length).toBeGreaterThan(0));
  await a.settle();
}

async function openAdd(a = agent()): Promise<View> {
  await openCart(a);
  await a.click(ACTIONS.addTask, a.button(ACTIONS.addTask).value);
  await a.settle();
  return a.modal();
}

const addValues = (over: Record<string, unknown> = {}) => ({
  [INPUTS.title]: { [VALUE]: txt('Call back about the invoice') },
  [INPUTS.customer]: { [ACTIONS.customerSearch]: { type: 'external_select', selected_option: { value: 'C7' } } },
  [INPUTS.type]: { [VALUE]: sel('complaint_callback') },
  [INPUTS.day]: { [VALUE]: sel('2026-12-03') },
  [INPUTS.effort]: { [VALUE]: txt('') },
  [INPUTS.priority]: { [VALUE]: sel('high') },
  [INPUTS.notes]: { [VALUE]: txt('') },
  ...over,
});

/** A customer of the other agent, in the same team. */
const theirs = () => importCsv(ctx.t.db, 'customers', `customer_id,name,owner,segment\nC900,Other Co,${OTHER_AGENT},gold\n`);

describe('text from people and files is shown as text', () => {
  it('a commit reason with channel pings and a disguised link reaches the digest and /team-carts as text', async () => {
    await ctx.t.db.update(teams).set({ allowFlaggedCommit: true, digestChannel: 'C0DIGEST' });
    const a = agent();
    await openCart(a);
    await a.click(ACTIONS.commit, a.button(ACTIONS.commit).value);
    await a.settle();
    const reason = '<!channel> <!here> <https://evil.example|urgent: reset password>';
    await a.submit(a.modal(), { [INPUTS.reason]: { [VALUE]: txt(reason) } });
    await a.settle();
    expect((await ctx.t.db.select().from(carts))[0]).toMatchObject({ status: 'committed', exceptionReason: reason });

    await runDigests(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { now: NOW });
    const digest = ctx.app.slack.callsTo('chat.postMessage').at(-1)!;
    expect(digest.args.channel).toBe('C0DIGEST');
    expect(text(digest.args.blocks as never)).toContain(`<@${AGENT}>: &lt;!channel&gt; &lt;!here&gt; &lt;https://evil.example|urgent: reset password&gt;`);

    const sup = new Agent(ctx.app, SUPERVISOR);
    await sup.command('/team-carts', '', 'team');
    await sup.settle();
    expect(text(ctx.app.slack.responses.find((r) => r.id === 'team')!.body.blocks as never)).toContain('&lt;!channel&gt; &lt;!here&gt;');
    for (const token of ['<!channel>', '<!here>', '<https://evil']) expect(sent()).not.toContain(token);
  });

  it('titles and names from Add task and from CSV show as text in the cart, the day, App Home and /tasks', async () => {
    await importCsv(ctx.t.db, 'customers', `customer_id,name,owner\nC77,<@U0ACCSUP1> Corp,${AGENT}\n`);
    await importCsv(ctx.t.db, 'tasks', `external_id,agent,type,title,date,customer_id,effort_minutes\nevil,${AGENT},follow_up,<!channel> call <https://evil|click>,2026-12-03,C77,30\n`);
    const a = agent();
    const modal = await openAdd(a);
    await a.submit(modal, addValues({ [INPUTS.title]: { [VALUE]: txt('<@U0ACCSUP1> please & <#C0123|general>') } }));
    await a.settle();
    expect(text(a.message().blocks)).toContain('Added &lt;@U0ACCSUP1&gt; please &amp; &lt;#C0123|general&gt; (Thu)');

    await a.click(ACTIONS.openDay, a.button(ACTIONS.openDay, undefined, (e) => e.value.endsWith(':2026-12-03')).value);
    await a.settle();
    const day = text(a.modal().blocks);
    expect(day).toContain('&lt;@U0ACCSUP1&gt; Corp — &lt;!channel&gt; call &lt;https://evil|click&gt;');
    expect(day).toContain('&lt;@U0ACCSUP1&gt; please &amp; &lt;#C0123|general&gt;');

    await a.click(ACTIONS.autoBalance, a.button(ACTIONS.autoBalance).value);
    await a.settle();
    await a.click(ACTIONS.commit, a.button(ACTIONS.commit).value);
    await a.settle();
    ctx.app.clock.now = new Date('2026-12-03T02:00:00Z');
    await post(ctx.app.baseUrl, eventBody({ type: 'app_home_opened', user: AGENT, channel: 'D1', tab: 'home' }), { contentType: 'application/json' });
    await a.command('/tasks', 'week', 'tasks');
    await a.settle();
    const home = JSON.stringify(ctx.app.slack.callsTo('views.publish').at(-1)!.args.view);
    expect(home).toContain('&lt;!channel&gt; call');
    expect(String(ctx.app.slack.responses.find((r) => r.id === 'tasks')!.body.text)).toContain('&lt;@U0ACCSUP1&gt; please');
    for (const token of ['<!channel>', '<@U0ACCSUP1>', '<https://evil', '<#C0123']) expect(sent()).not.toContain(token);
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('a command’s own text is echoed as text', async () => {
    await agent().command('/cart', '<!channel>', 'echo');
    await agent().settle();
    expect(ctx.app.slack.responses.find((r) => r.id === 'echo')!.body.text).toMatch(/^I don't know “\/cart &lt;!channel&gt;”\.\n\*Task Cart\*/);
  });
});

describe('every field is checked again on the server', () => {
  it.each([
    ['a forged 200,000-character note', { [INPUTS.notes]: { [VALUE]: txt('n'.repeat(200_000)) } }, INPUTS.notes, 'Keep the notes to 1000 characters (they have 200000).'],
    ['a title of zero-width characters only', { [INPUTS.title]: { [VALUE]: txt('\u200B\u200D\u2060\uFEFF') } }, INPUTS.title, 'Give the task a title.'],
    ['an unknown priority', { [INPUTS.priority]: { [VALUE]: sel('critical') } }, INPUTS.priority, 'Pick a priority: low, normal, high or urgent.'],
    ['no priority at all', { [INPUTS.priority]: { [VALUE]: { type: 'static_select', selected_option: null } } }, INPUTS.priority, 'Pick a priority: low, normal, high or urgent.'],
    ['an unknown task type', { [INPUTS.type]: { [VALUE]: sel('<!channel>') } }, INPUTS.type, 'Pick a task type.'],
    ['another agent’s customer', { [INPUTS.customer]: { [ACTIONS.customerSearch]: { selected_option: { value: 'C900' } } } }, INPUTS.customer, 'Pick one of your customers from the list.'],
    ['a customer that does not exist, answered the same way', { [INPUTS.customer]: { [ACTIONS.customerSearch]: { selected_option: { value: 'C-NOPE' } } } }, INPUTS.customer, 'Pick one of your customers from the list.'],
    ['a huge effort', { [INPUTS.effort]: { [VALUE]: txt('9'.repeat(400)) } }, INPUTS.effort, 'Effort is a whole number of minutes from 1 to 390.'],
  ])('Add task refuses %s under its field and saves nothing', async (_, over, block, message) => {
    await theirs();
    const a = agent();
    const modal = await openAdd(a);
    const before = { items: await items(), events: await count(cartEvents) };
    expect(await a.submit(modal, addValues(over))).toEqual({ response_action: 'errors', errors: { [block]: message } });
    expect({ items: await items(), events: await count(cartEvents) }).toEqual(before);
  });

  it('Add task strips bidi overrides and invisible characters from what it saves', async () => {
    const a = agent();
    await a.submit(await openAdd(a), addValues({ [INPUTS.title]: { [VALUE]: txt('Invoice \u202Efdp.exe\u202C  call\u200B') }, [INPUTS.notes]: { [VALUE]: txt('line one\r\n\u0000line two\u2066') } }));
    await a.settle();
    const added = (await items()).find((i) => i.source === 'custom')!;
    expect(added).toMatchObject({ title: 'Invoice fdp.exe call', notes: 'line one\nline two' });
  });

  it('the customer search finds only the agent’s own customers; a team that allows it shares them', async () => {
    await theirs();
    const a = agent();
    expect((await a.suggest(ACTIONS.customerSearch, INPUTS.customer, 'Other')).options).toEqual([]);
    expect((await a.suggest(ACTIONS.customerSearch, INPUTS.customer, 'C900')).options).toEqual([]);
    await ctx.t.db.update(teams).set({ teamCustomers: true });
    expect((await a.suggest(ACTIONS.customerSearch, INPUTS.customer, 'Other')).options).toEqual([{ text: { type: 'plain_text', text: 'Other Co (C900)' }, value: 'C900' }]);
    const modal = await openAdd(a);
    expect(await a.submit(modal, addValues({ [INPUTS.customer]: { [ACTIONS.customerSearch]: { selected_option: { value: 'C900' } } } }))).toEqual({});
    await a.settle();
    expect((await items()).some((i) => i.customerId === 'C900')).toBe(true);
  });

  it('Pick customers re-checks the ticked customers and names them from the database, not from the modal', async () => {
    await theirs();
    await importCsv(ctx.t.db, 'customers', `customer_id,name,owner,segment,last_contact\nC61,Acme Foods,${AGENT},gold,2026-08-01\n`);
    const a = agent();
    await openCart(a);
    await a.click(ACTIONS.pickCustomers, a.button(ACTIONS.pickCustomers).value);
    await a.settle();
    const filters = a.modal();
    // Without the team's leave, "only my customers" is not a choice: it is always so.
    expect(filters.blocks.map((b) => b.block_id)).not.toContain(INPUTS.mine);
    const answer = await a.submit(filters, { [INPUTS.segment]: { [VALUE]: sel('gold') }, [INPUTS.region]: { [VALUE]: sel('*') }, [INPUTS.tags]: { [VALUE]: txt('') }, [INPUTS.lastContact]: { [VALUE]: txt('') } });
    const step2 = { ...(answer.view as View), id: 'V9', hash: 'h9' };
    expect(step2.blocks.filter((b) => b.block_id?.startsWith('pick_c_')).map((b) => b.block_id)).toEqual(['pick_c_C61']);
    // A forged copy: someone else's customer added, and a label that lies.
    const forged = { ...step2, blocks: step2.blocks.map((b) => (b.block_id === 'pick_c_C61' ? { ...b, label: { type: 'plain_text', text: '<!channel> Fake name' } } : b)) };
    const before = (await items()).length;
    expect(
      await a.submit(forged, {
        [INPUTS.pickDay]: { [VALUE]: sel('auto') },
        pick_c_C61: { [VALUE]: { type: 'checkboxes', selected_options: [{ value: 'follow_up' }] } },
        pick_c_C900: { [VALUE]: { type: 'checkboxes', selected_options: [{ value: 'follow_up' }] } },
      }),
    ).toEqual({ response_action: 'errors', errors: { pick_c_C900: 'Not one of your customers: untick it.' } });
    expect(
      await a.submit(forged, { [INPUTS.pickDay]: { [VALUE]: sel('2027-01-04') }, pick_c_C61: { [VALUE]: { type: 'checkboxes', selected_options: [{ value: 'follow_up' }] } } }),
    ).toEqual({ response_action: 'errors', errors: { [INPUTS.pickDay]: 'Pick a work day of this cart’s week.' } });
    expect(
      await a.submit(forged, { [INPUTS.pickDay]: { [VALUE]: sel('auto') }, pick_c_C61: { [VALUE]: { type: 'checkboxes', selected_options: [{ value: 'not_a_type' }] } } }),
    ).toEqual({ response_action: 'errors', errors: { pick_c_C61: 'Tick tasks from the list.' } });
    expect((await items()).length).toBe(before);
    expect(await a.submit(forged, { [INPUTS.pickDay]: { [VALUE]: sel('auto') }, pick_c_C61: { [VALUE]: { type: 'checkboxes', selected_options: [{ value: 'follow_up' }] } } })).toEqual({});
    await a.settle();
    const added = (await items()).filter((i) => i.source === 'recommended');
    expect(added.map((i) => i.title)).toEqual(['Follow-up · Acme Foods']);
  });

  it('a forged day outside the week or an item of another cart in the day menu changes nothing', async () => {
    // The other agent's cart, with an item of its own.
    const them = new Agent(ctx.app, OTHER_AGENT);
    await them.command('/cart');
    await them.settle();
    const theirItem = (await items()).find((i) => i.title === "Someone else's")!;
    const a = agent();
    await openCart(a);
    await a.click(ACTIONS.openDay, a.button(ACTIONS.openDay, undefined, (e) => e.value.endsWith(':2026-12-01')).value);
    await a.settle();
    const modal = a.modal();
    const menu = a.elements(modal.blocks).find((e) => e.action_id === ACTIONS.dayTaskMenu)!;
    const itemId = menu.options[0].value.split(':')[1];
    const before = { items: await items(), events: await count(cartEvents) };
    await a.choose(modal, ACTIONS.dayTaskMenu, menu.block_id, `m:${itemId}:2027-01-05`);
    await a.settle();
    expect(text(a.modal().blocks)).toContain('Tue 5 Jan is not in this cart’s week.');
    await a.choose(modal, ACTIONS.dayTaskMenu, menu.block_id, `r:${theirItem.id}`);
    await a.settle();
    expect(text(a.modal().blocks)).toContain('That task is no longer in the cart.');
    await a.choose(modal, ACTIONS.dayTaskMenu, menu.block_id, `m:${theirItem.id}:2026-12-02`);
    await a.settle();
    expect({ items: await items(), events: await count(cartEvents) }).toEqual(before);
  });

  it('the commit reason is checked for length and characters', async () => {
    await ctx.t.db.update(teams).set({ allowFlaggedCommit: true });
    const a = agent();
    await openCart(a);
    await a.click(ACTIONS.commit, a.button(ACTIONS.commit).value);
    await a.settle();
    const modal = a.modal();
    expect(await a.submit(modal, { [INPUTS.reason]: { [VALUE]: txt('x'.repeat(5000)) } })).toEqual({ response_action: 'errors', errors: { [INPUTS.reason]: 'Keep the reason to 500 characters (it has 5000).' } });
    expect(await a.submit(modal, { [INPUTS.reason]: { [VALUE]: txt('\u200B'.repeat(20)) } })).toEqual({ response_action: 'errors', errors: { [INPUTS.reason]: 'Say in a few words why, for your supervisor.' } });
    expect((await ctx.t.db.select().from(carts))[0]!.status).toBe('open');
  });
});

describe('replays and retries change nothing twice', () => {
  it('three identical signed Add task submissions add the task once, with three same answers', async () => {
    const a = agent();
    const body = a.submitBody(await openAdd(a), addValues());
    const stamp = Math.floor(Date.now() / 1000);
    const first = await post(ctx.app.baseUrl, body, { timestamp: stamp });
    await a.settle();
    const again = await Promise.all([post(ctx.app.baseUrl, body, { timestamp: stamp }), post(ctx.app.baseUrl, body, { timestamp: stamp })]);
    await a.settle();
    expect([first, ...again].map((r) => [r.status, r.body])).toEqual([
      [200, ''],
      [200, ''],
      [200, ''],
    ]);
    expect((await items()).filter((i) => i.title === 'Call back about the invoice')).toHaveLength(1);
    expect((await ctx.t.db.select().from(cartEvents).where(eq(cartEvents.action, 'add')))).toHaveLength(1);
    expect(text(a.message().blocks)).toContain('Added Call back about the invoice (Thu)');
  });

  it('a replayed Apply or Commit changes the cart once, and leaves the message as the first made it', async () => {
    const a = agent();
    await openCart(a);
    const apply = a.clickBody(ACTIONS.applySuggestion, a.button(ACTIONS.applySuggestion).value);
    for (let i = 0; i < 3; i++) expect((await post(ctx.app.baseUrl, apply)).status).toBe(200);
    await a.settle();
    expect(text(a.message().blocks)).toMatch(/Applied: Follow-up/);
    await a.click(ACTIONS.autoBalance, a.button(ACTIONS.autoBalance).value);
    await a.settle();
    const commit = a.clickBody(ACTIONS.commit, a.button(ACTIONS.commit).value);
    await Promise.all([post(ctx.app.baseUrl, commit), post(ctx.app.baseUrl, commit), post(ctx.app.baseUrl, commit)]);
    await a.settle();
    expect((await ctx.t.db.select().from(cartEvents)).map((e) => e.action)).toEqual(['created', 'apply_suggestion', 'auto_balance', 'commit']);
    expect(text(a.message().blocks)).toMatch(/Committed: \d+ tasks are now your task list/);
  });

  it('a replayed Done after Undo leaves the task open', async () => {
    const a = agent();
    await openCart(a);
    await a.click(ACTIONS.autoBalance, a.button(ACTIONS.autoBalance).value);
    await a.settle();
    await a.click(ACTIONS.commit, a.button(ACTIONS.commit).value);
    await a.settle();
    const task = (await ctx.t.db.select().from(tasks))[0]!;
    const done = payloadBody({
      type: 'block_actions',
      user: { id: AGENT, team_id: 'T0DEMO' },
      team: { id: 'T0DEMO' },
      api_app_id: 'A0TASKCART',
      container: { type: 'view', view_id: 'VHOME' },
      view: { id: 'VHOME', type: 'home', hash: 'h', blocks: [], state: { values: {} } },
      trigger_id: 't',
      actions: [{ type: 'button', action_id: ACTIONS.taskDone, block_id: 'b', value: String(task.id), action_ts: '1764208800.000001' }],
    });
    await post(ctx.app.baseUrl, done);
    await a.settle();
    await a.clickInHome(ACTIONS.taskUndo, String(task.id));
    await a.settle();
    await post(ctx.app.baseUrl, done);
    await a.settle();
    expect((await ctx.t.db.select().from(tasks).where(eq(tasks.id, task.id)))[0]!.status).toBe('open');
  });

  it('a replayed /cart posts the cart once', async () => {
    const body = commandBody('/cart', AGENT, '', ctx.app.slack.responseUrl('cart'));
    await post(ctx.app.baseUrl, body);
    await agent().settle();
    await post(ctx.app.baseUrl, body);
    await agent().settle();
    expect(ctx.app.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('an Events API retry of app_home_opened is harmless: the same Home, nothing written', async () => {
    ctx.app.logs.length = 0;
    const body = eventBody({ type: 'app_home_opened', user: AGENT, channel: 'D1', tab: 'home' }, 'Ev0RETRY1');
    await post(ctx.app.baseUrl, body, { contentType: 'application/json' });
    const retry = await post(ctx.app.baseUrl, body, { contentType: 'application/json', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    await agent().settle();
    const homes = ctx.app.slack.callsTo('views.publish').map((c) => JSON.stringify(c.args.view));
    expect(homes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(homes).size).toBe(1);
    expect(await count(cartEvents)).toBe(0);
    expect(ctx.app.logs.filter((l) => JSON.parse(l).level === 'error')).toEqual([]);
  });
});

describe('requests from outside the five minutes or the workspace', () => {
  it('refuses a request stamped more than five minutes in the future or the past with 401', async () => {
    const body = commandBody('/cart', AGENT, '', ctx.app.slack.responseUrl());
    const now = Math.floor(Date.now() / 1000);
    expect((await post(ctx.app.baseUrl, body, { timestamp: now + 360 })).status).toBe(401);
    expect((await post(ctx.app.baseUrl, body, { timestamp: now + 3600 })).status).toBe(401);
    expect((await post(ctx.app.baseUrl, body, { timestamp: now - 400 })).status).toBe(401);
    expect((await post(ctx.app.baseUrl, body, { timestamp: now + 60 })).status).toBe(200);
    await agent().settle();
    expect(ctx.app.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(ctx.app.logs.some((l) => /refused a request: stamped \d+ s in the future/.test(JSON.parse(l).msg))).toBe(true);
  });

  it('refuses a command, a click, a submission and an event from another workspace with 401, writing nothing', async () => {
    const a = agent();
    await openCart(a);
    const calls = ctx.app.slack.calls.length;
    const before = { events: await count(cartEvents), items: await count(cartItems) };
    const foreign = (body: string) => body.replace(/T0DEMO/g, 'T0EVIL');
    const command = new URLSearchParams(commandBody('/cart', AGENT, 'this', ctx.app.slack.responseUrl()));
    command.set('team_id', 'T0EVIL');
    const answers = await Promise.all([
      post(ctx.app.baseUrl, command.toString()),
      post(ctx.app.baseUrl, foreign(a.clickBody(ACTIONS.autoBalance, a.button(ACTIONS.autoBalance).value))),
      post(ctx.app.baseUrl, foreign(a.submitBody({ id: 'V1', hash: 'h', callback_id: 'add_task', private_metadata: '1', blocks: [] }, addValues()))),
      post(ctx.app.baseUrl, foreign(eventBody({ type: 'app_home_opened', user: AGENT, channel: 'D1', tab: 'home' })), { contentType: 'application/json' }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    await a.settle();
    expect(ctx.app.slack.calls.length).toBe(calls);
    expect({ events: await count(cartEvents), items: await count(cartItems) }).toEqual(before);
  });
});
