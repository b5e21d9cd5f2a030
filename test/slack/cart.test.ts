// The method's loop in Slack, driven as Slack would drive it: /cart, the cart message, Apply,
// Auto-balance, Commit, Reopen — with stale copies, double clicks, parallel clicks and another agent's cart.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cartEvents, carts, tasks } from '../../db/schema.ts';
import { ACTIONS } from '../../views/ids.ts';
import { eventually, useTestApp } from '../support/app.ts';
import { AGENT, NEXT_MONDAY, NOW, OTHER_AGENT, loadCenter } from '../support/fixtures.ts';
import { commandBody, eventBody, post } from '../support/signed.ts';
import { Agent, text } from '../support/slack-client.ts';

const ctx = useTestApp({ beforeAll, afterAll, beforeEach }, { now: NOW, seed: (db) => loadCenter(db.db) });

type Blocks = Array<Record<string, any>>;
const me = () => new Agent(ctx.app, AGENT);
const allText = text;
/** The cart message as the agent sees it now. */
const lastMessage = () => me().message();
const button = (actionId: string) => me().button(actionId);
const click = (actionId: string, value: string, user = AGENT) => new Agent(ctx.app, user).click(actionId, value, `${actionId}-${user}`);
const settle = () => me().settle();
const cartRow = async () => (await ctx.t.db.select().from(carts).where(eq(carts.agentId, AGENT)))[0]!;
const eventCount = async () => (await ctx.t.db.select({ n: sql<number>`count(*)::int` }).from(cartEvents))[0]!.n;
async function openCartMessage() {
  await me().command('/cart', '', 'cart');
  await eventually(() => expect(ctx.app.slack.callsTo('chat.postMessage')).toHaveLength(1));
  await settle();
}

describe('/cart and the cart message', () => {
  it('posts next week’s cart as a DM with every day, its flag, the merged duplicate and suggestions', async () => {
    await openCartMessage();
    expect(ctx.app.slack.callsTo('conversations.open')[0]!.args.users).toBe(AGENT);
    const { blocks, text } = lastMessage();
    const all = allText(blocks);
    expect(blocks[0]!.text.text).toBe('Task cart · week of 30 Nov 2026');
    expect(text).toBe('Task cart · week of 30 Nov 2026: 2 days flagged');
    expect(all).toContain('Mon 30 Nov');
    expect(all).toMatch(/7 h \/ 6 h 30 m · 14 tasks · 🔴 overloaded \+30 m/);
    expect(all).toMatch(/2 h \/ 6 h 30 m · 4 tasks · 🟡 idle −1 h 54 m/);
    expect(all).toMatch(/Merged 1 duplicate: Follow-up · 客户2 Customer 2 \(Tue\) merged into Mon/);
    expect(all).toMatch(/Move Follow-up · 客户\d+ Customer \d+ \(30 m\) Mon → /);
    const cart = await cartRow();
    expect(cart).toMatchObject({ weekStart: NEXT_MONDAY, status: 'open', channelId: `D${AGENT.slice(1)}` });
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('answers /cart help, and /cart again posts a fresh copy and marks the old one replaced', async () => {
    await post(ctx.app.baseUrl, commandBody('/cart', AGENT, 'help', ctx.app.slack.responseUrl('help')));
    await eventually(() => expect(ctx.app.slack.responses.find((r) => r.id === 'help')?.body.text).toMatch(/`\/cart this`/));
    await openCartMessage();
    const firstTs = (await cartRow()).messageTs;
    await post(ctx.app.baseUrl, commandBody('/cart', AGENT, '', ctx.app.slack.responseUrl('again')));
    await eventually(() => expect(ctx.app.slack.callsTo('chat.postMessage')).toHaveLength(2));
    const replaced = ctx.app.slack.callsTo('chat.update').find((c) => c.args.ts === firstTs);
    expect(replaced!.args.text).toMatch(/replaced by a newer message/);
    await eventually(async () => expect((await cartRow()).messageTs).not.toBe(firstTs));
  });
});

describe('the loop 04 → 08', () => {
  it('refuses to commit while flagged, applies a suggestion, auto-balances, commits once, reopens', async () => {
    await openCartMessage();
    // Commit while flagged: says which days and why, commits nothing.
    await click(ACTIONS.commit, button(ACTIONS.commit).value);
    await settle();
    expect(allText(lastMessage().blocks)).toMatch(/Not committed: Mon overloaded by 30 m, Thu idle, 1 h 54 m under/);
    expect(await ctx.t.db.select().from(tasks)).toEqual([]);

    // Apply Monday's suggestion: Monday is cleared, the message is edited in place.
    const ts = (await cartRow()).messageTs;
    await click(ACTIONS.applySuggestion, button(ACTIONS.applySuggestion).value);
    await settle();
    expect(ctx.app.slack.callsTo('chat.update').at(-1)!.args.ts).toBe(ts);
    expect(allText(lastMessage().blocks)).toMatch(/Applied: Follow-up/);
    expect(allText(lastMessage().blocks)).not.toMatch(/overloaded/);

    // Auto-balance fills Thursday.
    await click(ACTIONS.autoBalance, button(ACTIONS.autoBalance).value);
    await settle();
    const balanced = allText(lastMessage().blocks);
    expect(balanced).toMatch(/Auto-balance moved \d+ tasks?/);
    expect(balanced).toMatch(/✅ \*Balanced\*/);
    expect(button(ACTIONS.commit).confirm.deny.text).toBe('Keep adjusting');

    // Commit: the cart becomes the task list, once.
    const commitValue = button(ACTIONS.commit).value;
    await click(ACTIONS.commit, commitValue);
    await settle();
    expect(allText(lastMessage().blocks)).toMatch(/Committed/);
    button(ACTIONS.reopen);
    const list = await ctx.t.db.select().from(tasks);
    expect(list).toHaveLength(48); // 14 + 10 + 10 + 4 + 10 planned tasks; the duplicate was merged away
    // A double click or a Slack retry of the same Commit changes nothing.
    await click(ACTIONS.commit, commitValue);
    await settle();
    expect(await ctx.t.db.select().from(tasks)).toHaveLength(list.length);
    expect(allText(lastMessage().blocks)).toMatch(/older copy of your cart, so nothing changed/);

    // Reopen, and commit again: still one task per item.
    await click(ACTIONS.reopen, button(ACTIONS.reopen).value);
    await settle();
    await click(ACTIONS.commit, button(ACTIONS.commit).value);
    await settle();
    expect(await ctx.t.db.select().from(tasks)).toHaveLength(list.length);
    const actions = (await ctx.t.db.select().from(cartEvents)).map((e) => e.action);
    expect(actions).toEqual(['created', 'apply_suggestion', 'auto_balance', 'commit', 'reopen', 'commit']);
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('makes one change when the same button is clicked twice at once', async () => {
    await openCartMessage();
    const value = button(ACTIONS.autoBalance).value;
    const before = await eventCount();
    await Promise.all([click(ACTIONS.autoBalance, value), click(ACTIONS.autoBalance, value), click(ACTIONS.applySuggestion, button(ACTIONS.applySuggestion).value)]);
    await settle();
    expect(await eventCount()).toBe(before + 1);
    expect((await cartRow()).version).toBe(3);
  });

  it('refuses another agent’s cart, changing nothing', async () => {
    await openCartMessage();
    const before = await cartRow();
    await click(ACTIONS.autoBalance, button(ACTIONS.autoBalance).value, OTHER_AGENT);
    await settle();
    expect(ctx.app.slack.responses.at(-1)!.body.text).toMatch(/belongs to someone else/);
    expect(await cartRow()).toMatchObject({ version: before.version });
    const theirs = await ctx.t.db.select().from(carts).where(and(eq(carts.agentId, OTHER_AGENT)));
    expect(theirs).toEqual([]);
  });

  it('answers a forged or garbled button with a short message, never a stack trace', async () => {
    await openCartMessage();
    await click(ACTIONS.autoBalance, 'not-a-cart');
    await click(ACTIONS.autoBalance, '999999:1');
    await settle();
    const texts = ctx.app.slack.responses.slice(-2).map((r) => String(r.body.text));
    expect(texts).toEqual(expect.arrayContaining([expect.stringMatching(/not one I know/), 'That cart no longer exists.']));
    for (const text of texts) expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('the task list', () => {
  async function commitBalancedCart() {
    await openCartMessage();
    await click(ACTIONS.autoBalance, button(ACTIONS.autoBalance).value);
    await settle();
    await click(ACTIONS.commit, button(ACTIONS.commit).value);
    await settle();
  }
  const lastHome = () => ctx.app.slack.callsTo('views.publish').at(-1)!.args.view as { blocks: Blocks };

  it('re-publishes App Home after a commit, and shows today’s tasks with Done and Skip on the day', async () => {
    await commitBalancedCart();
    expect(ctx.app.slack.callsTo('views.publish').length).toBeGreaterThan(0);
    expect(allText(lastHome().blocks)).toMatch(/\*Next week\* \(week of 30 Nov\), being planned: committed/);

    // Monday 10:00 in Shanghai.
    ctx.app.clock.now = new Date('2026-11-30T02:00:00Z');
    const home = { type: 'app_home_opened', user: AGENT, channel: 'D1', tab: 'home' };
    await post(ctx.app.baseUrl, eventBody(home), { contentType: 'application/json' });
    await settle();
    const blocks = lastHome().blocks;
    expect(blocks[0]!.text.text).toBe('Today · Mon 30 Nov');
    const done = blocks.flatMap((b) => b.elements ?? []).filter((e: any) => e.action_id === ACTIONS.taskDone);
    const monday = (await ctx.t.db.select().from(tasks)).filter((x) => x.day === NEXT_MONDAY);
    expect(done).toHaveLength(monday.length);

    await click(ACTIONS.taskDone, done[0].value);
    await click(ACTIONS.taskSkip, done[1].value);
    await settle();
    const after = allText(lastHome().blocks);
    expect(after).toMatch(new RegExp(`1 of ${monday.length} done`));
    const statuses = (await ctx.t.db.select().from(tasks)).filter((x) => x.day === NEXT_MONDAY).map((x) => x.status);
    expect(statuses.filter((s) => s === 'done')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'skipped')).toHaveLength(1);

    // Another agent cannot mark this agent's task.
    await click(ACTIONS.taskDone, done[2].value, OTHER_AGENT);
    await settle();
    expect((await ctx.t.db.select().from(tasks).where(eq(tasks.id, Number(done[2].value))))[0]!.status).toBe('open');
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('answers /tasks with today’s list and /tasks week with the whole week', async () => {
    await commitBalancedCart();
    ctx.app.clock.now = new Date('2026-11-30T02:00:00Z');
    await post(ctx.app.baseUrl, commandBody('/tasks', AGENT, '', ctx.app.slack.responseUrl('today')));
    await post(ctx.app.baseUrl, commandBody('/tasks', AGENT, 'week', ctx.app.slack.responseUrl('week')));
    await settle();
    const today = String(ctx.app.slack.responses.find((r) => r.id === 'today')!.body.text);
    const week = String(ctx.app.slack.responses.find((r) => r.id === 'week')!.body.text);
    expect(today).toMatch(/^\*Today · Mon 30 Nov\*\n▫️ \*Follow-up\* · 客户\d+/);
    expect(today).not.toMatch(/Tue 1 Dec/);
    for (const d of ['Mon 30 Nov', 'Tue 1 Dec', 'Wed 2 Dec', 'Thu 3 Dec', 'Fri 4 Dec']) expect(week).toContain(`*${d}*`);
  });
});
