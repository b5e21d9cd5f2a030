// Rebalancing across the team, as a supervisor does it in /team-carts: the Rebalance button
// beside an overloaded agent, the concrete list of moves, Apply — both carts changed at once,
// both cart messages edited in place, both agents told in their own language — and what must not
// happen: a move to someone who may not serve the customer, a change by an agent lost to a
// proposal made before it, a replay or a second click applied twice, an agent applying it.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cartEvents, cartItems, carts, people, tasks, teams } from '../../db/schema.ts';
import { CURRENT, changeCart, loadCart } from '../../src/services/cart.ts';
import { applyRebalance, proposeRebalance } from '../../src/services/rebalance.ts';
import { markTask } from '../../src/services/tasks.ts';
import { ACTIONS } from '../../views/ids.ts';
import { applyValue, parseApplyPlan } from '../../views/rebalance.ts';
import { eventually, useTestApp } from '../support/app.ts';
import { AGENT, NEXT_MONDAY, NOW, OTHER_AGENT, SUPERVISOR, loadCenter } from '../support/fixtures.ts';
import { post } from '../support/signed.ts';
import { Agent, text, type Blocks } from '../support/slack-client.ts';

const ctx = useTestApp({ beforeAll, afterAll, beforeEach }, { now: NOW, seed: (db) => loadCenter(db.db) });

const sup = () => new Agent(ctx.app, SUPERVISOR);
const response = (id: string) => ctx.app.slack.responses.find((r) => r.id === id)?.body as { text: string; blocks?: Blocks; replace_original?: boolean } | undefined;
const cartOf = async (agent: string) => (await ctx.t.db.select().from(carts).where(and(eq(carts.agentId, agent), eq(carts.weekStart, NEXT_MONDAY))))[0]!;
const itemsOf = async (cartId: number) => ctx.t.db.select().from(cartItems).where(eq(cartItems.cartId, cartId));
const dmsTo = (agent: string) => ctx.app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${agent.slice(1)}` && !c.args.blocks);

/** Both agents open next week's cart in Slack (their cart DMs), and the team shares its customers. */
async function bothCarts(options: { teamCustomers?: boolean } = {}) {
  await ctx.t.db.update(teams).set({ teamCustomers: options.teamCustomers ?? true });
  for (const who of [AGENT, OTHER_AGENT]) {
    const agent = new Agent(ctx.app, who);
    await agent.command('/cart', '', `cart-${who}`);
    await agent.settle();
  }
  expect(ctx.app.slack.callsTo('chat.postMessage').filter((c) => c.args.blocks)).toHaveLength(2);
}

/** /team-carts, then the Rebalance button beside AGENT: the proposal's message. */
async function propose(id = 'proposal'): Promise<{ text: string; blocks: Blocks }> {
  await sup().command('/team-carts', '', `team-${id}`);
  await sup().settle();
  const team = response(`team-${id}`)!;
  const rebalance = sup().button(ACTIONS.rebalance, team.blocks!);
  await sup().click(ACTIONS.rebalance, rebalance.value, id);
  await sup().settle();
  return response(id) as { text: string; blocks: Blocks };
}

describe('rebalancing in /team-carts', () => {
  it('proposes concrete moves to a teammate with room, applies them to both carts at once, and tells both agents', async () => {
    ctx.app.slack.users.set(OTHER_AGENT, { locale: 'zh-CN' });
    await bothCarts();
    const [giverBefore, receiverBefore] = [await cartOf(AGENT), await cartOf(OTHER_AGENT)];

    await sup().command('/team-carts', '', 'team');
    await sup().settle();
    const team = response('team')!;
    const all = text(team.blocks!);
    expect(all).toContain('*Overloaded carts* · week of 30 Nov · move open tasks to teammates with room:');
    expect(all).toContain(`🟥 <@${AGENT}> · Mon overloaded by 30 m`);
    // Only the overloaded agent has a button; Li Wei is idle, not overloaded.
    const buttons = sup().elements(team.blocks!).filter((e) => e.action_id === ACTIONS.rebalance);
    expect(buttons.map((b) => b.value)).toEqual([expect.stringContaining(`|${NEXT_MONDAY}|${AGENT}`)]);
    expect(buttons[0]!.text.text).toBe('Rebalance');

    await sup().click(ACTIONS.rebalance, buttons[0]!.value, 'proposal');
    await sup().settle();
    const proposal = response('proposal')!;
    const shown = text(proposal.blocks!);
    expect(shown).toContain(`*Rebalance <@${AGENT}>’s cart* · week of 30 Nov\\nMon overloaded by 30 m`);
    // One 30-minute task of Monday goes to Li Wei on Monday: that clears the day, and Li Wei stays unflagged (less idle).
    expect(shown).toMatch(new RegExp(`• Follow-up · 客户\\d+ Customer \\d+ \\(30 m\\) Mon → <@${OTHER_AGENT}> Mon`));
    expect(shown).toContain(`<@${AGENT}>: overloaded 30 m → 0 m.`);
    const apply = sup().button(ACTIONS.applyRebalance, proposal.blocks!);
    expect(apply.text.text).toBe('Apply 1 move');
    expect(proposal.text).toBe(`Rebalance <@${AGENT}>’s cart: 1 move`);
    // Nothing moves before Apply.
    expect((await cartOf(AGENT)).version).toBe(giverBefore.version);

    const updatesBefore = ctx.app.slack.callsTo('chat.update').length;
    await sup().click(ACTIONS.applyRebalance, apply.value, 'apply');
    await sup().settle();
    const applied = response('apply')!;
    expect(applied.replace_original).toBe(true);
    expect(applied.text).toBe(`✅ Moved 1 task from <@${AGENT}>’s cart to <@${OTHER_AGENT}>. Both carts are updated, and each agent was told what moved and why.`);

    // Both carts changed, each by one version, with an audit entry each.
    const [giver, receiver] = [await cartOf(AGENT), await cartOf(OTHER_AGENT)];
    expect([giver.version, receiver.version]).toEqual([giverBefore.version + 1, receiverBefore.version + 1]);
    const giverState = await loadCart(ctx.t.db, AGENT, giver.id, NOW);
    const receiverState = await loadCart(ctx.t.db, OTHER_AGENT, receiver.id, NOW);
    expect(giverState.measure.days[0]!.flag).toBeNull();
    expect(receiverState.tasks.filter((t) => t.day === NEXT_MONDAY)).toHaveLength(2);
    expect(receiverState.measure.days[0]!.workload).toBe(60);
    const events = await ctx.t.db.select().from(cartEvents).where(eq(cartEvents.actorId, SUPERVISOR));
    expect(events.map((e) => [e.cartId, e.action, e.version]).sort()).toEqual([
      [giver.id, 'rebalanced_out', giver.version],
      [receiver.id, 'rebalanced_in', receiver.version],
    ].sort());

    // Both cart messages were edited in place, each in its agent's language, and each agent was told why.
    const updates = ctx.app.slack.callsTo('chat.update').slice(updatesBefore);
    expect(updates.map((u) => u.args.channel).sort()).toEqual([`D${AGENT.slice(1)}`, `D${OTHER_AGENT.slice(1)}`]);
    expect(String(updates.find((u) => u.args.channel === `D${OTHER_AGENT.slice(1)}`)!.args.text)).toMatch(/任务车/);
    const [toGiver] = dmsTo(AGENT);
    expect(String(toGiver!.args.text)).toMatch(new RegExp(`^<@${SUPERVISOR}> rebalanced your cart for the week of 30 Nov: your days were overloaded \\(Mon overloaded by 30 m\\), so these tasks went to teammates with room:\\n• Follow-up · .+ \\(30 m\\) Mon → <@${OTHER_AGENT}> Mon$`));
    const [toReceiver] = dmsTo(OTHER_AGENT);
    expect(String(toReceiver!.args.text)).toMatch(new RegExp(`^<@${SUPERVISOR}> 把 <@${AGENT}> 任务车里的任务调到了你11月30日这一周的任务车：<@${AGENT}> 有超负荷的日子（周一超负荷 30 分），而你有空余。\\n• 跟进回访 · .+（30 分）安排在周一$`));
    expect(ctx.app.slack.violations).toEqual([]);

    // A second click on the same proposal: told it was applied, nothing moves again.
    await sup().click(ACTIONS.applyRebalance, apply.value, 'again');
    await sup().settle();
    expect(response('again')!.text).toBe('This rebalance was applied already: nothing more was moved.');
    expect((await cartOf(AGENT)).version).toBe(giver.version);
    expect(dmsTo(AGENT)).toHaveLength(1);

    // /team-carts no longer offers to rebalance anyone.
    await sup().command('/team-carts', '', 'team-after');
    await sup().settle();
    expect(text(response('team-after')!.blocks!)).not.toContain('Overloaded carts');
  });

  it('changes nothing twice when Slack replays the Apply click', async () => {
    await bothCarts();
    const proposal = await propose();
    const apply = sup().button(ACTIONS.applyRebalance, proposal.blocks);
    const body = sup().clickBody(ACTIONS.applyRebalance, apply.value, 'replayed');
    const [a, b] = await Promise.all([post(ctx.app.baseUrl, body), post(ctx.app.baseUrl, body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await sup().settle();
    await post(ctx.app.baseUrl, body);
    await sup().settle();
    const receiver = await cartOf(OTHER_AGENT);
    expect(await itemsOf(receiver.id)).toHaveLength(2);
    expect((await ctx.t.db.select().from(cartEvents).where(eq(cartEvents.action, 'rebalanced_in')))).toHaveLength(1);
    expect(dmsTo(OTHER_AGENT)).toHaveLength(1);
    expect(ctx.app.slack.responses.filter((r) => r.id === 'replayed')).toHaveLength(1);
  });

  it('an Apply saved whose message Slack refuses to edit (its response_url expired): the supervisor is told the moves are saved, never that nothing was', async () => {
    await bothCarts();
    const proposal = await propose();
    const apply = sup().button(ACTIONS.applyRebalance, proposal.blocks);
    ctx.app.slack.on('response_url', () => ({ status: 404, body: 'expired_url' }));
    await sup().click(ACTIONS.applyRebalance, apply.value, 'expired');
    await sup().settle();
    // Saved, and both agents told, as without the refusal.
    expect(await itemsOf((await cartOf(OTHER_AGENT)).id)).toHaveLength(2);
    expect(dmsTo(AGENT)).toHaveLength(1);
    expect(dmsTo(OTHER_AGENT)).toHaveLength(1);
    const told = ctx.app.slack.messagesIn(`D${SUPERVISOR.slice(1)}`).map((m) => String(m.text));
    expect(told).toEqual(["Your decision is saved, but I couldn't show it everywhere: something went wrong on my side. There is nothing more for you to do."]);
  });

  it('loses no change an agent made after the proposal: nothing is applied, and the supervisor gets a fresh proposal', async () => {
    await bothCarts();
    const proposal = await propose();
    const apply = sup().button(ACTIONS.applyRebalance, proposal.blocks);
    const plan = parseApplyPlan(apply.value)!;

    // Meanwhile Li Wei adds a task to Monday (the day the proposal gives them work on).
    const receiver = await cartOf(OTHER_AGENT);
    const added = await changeCart(ctx.t.db, OTHER_AGENT, receiver.id, CURRENT, { kind: 'add', items: [{ typeKey: 'custom', title: 'Team meeting notes', customerId: null, effortMinutes: 45, priority: 'normal', day: NEXT_MONDAY, source: 'custom', notes: '' }] }, NOW);
    expect(added.changed).toBe(true);

    await sup().click(ACTIONS.applyRebalance, apply.value, 'stale');
    await sup().settle();
    const stale = response('stale')!;
    expect(stale.replace_original).toBe(true);
    const shown = text(stale.blocks!);
    expect(shown).toContain('⚠️ A cart changed since this proposal, so nothing was moved. Here is a fresh one:');
    // Nothing moved; Li Wei's task is there.
    expect((await itemsOf(plan.giver.cartId)).map((i) => i.id)).toContain(plan.moves[0]!.itemId);
    const items = await itemsOf(receiver.id);
    expect(items.map((i) => i.title).sort()).toEqual(["Someone else's", 'Team meeting notes']);
    expect(dmsTo(AGENT)).toHaveLength(0);

    // The fresh proposal names Li Wei's cart at its new version, and applies.
    const fresh = sup().button(ACTIONS.applyRebalance, stale.blocks!);
    expect(parseApplyPlan(fresh.value)!.receivers[0]!.version).toBe(added.state.cart.version);
    await sup().click(ACTIONS.applyRebalance, fresh.value, 'fresh');
    await sup().settle();
    expect(response('fresh')!.text).toMatch(/^✅ Moved 1 task/);
    expect((await itemsOf(receiver.id)).map((i) => i.title)).toContain('Team meeting notes');
    expect(await itemsOf(receiver.id)).toHaveLength(3);
  });

  it('when the giver changed their cart since, nothing is applied either', async () => {
    await bothCarts();
    const proposal = await propose();
    const apply = sup().button(ACTIONS.applyRebalance, proposal.blocks);
    const giver = await cartOf(AGENT);
    const state = await loadCart(ctx.t.db, AGENT, giver.id, NOW);
    const tuesday = state.tasks.find((t) => t.day === '2026-12-01' && !t.fixed)!;
    await changeCart(ctx.t.db, AGENT, giver.id, giver.version, { kind: 'move', itemId: Number(tuesday.id), day: '2026-12-03' }, NOW);
    await sup().click(ACTIONS.applyRebalance, apply.value, 'stale');
    await sup().settle();
    expect(response('stale')!.text).toMatch(/Rebalance/);
    expect(text(response('stale')!.blocks!)).toContain('A cart changed since this proposal');
    const after = await loadCart(ctx.t.db, AGENT, giver.id, NOW);
    expect(after.tasks.find((t) => t.id === tuesday.id)!.day).toBe('2026-12-03');
    expect(after.cart.version).toBe(giver.version + 1);
  });

  it('never gives a customer to someone who may not serve them, and says so', async () => {
    await bothCarts({ teamCustomers: false });
    const proposal = await propose();
    expect(text(proposal.blocks)).toContain('No teammate can take these tasks without a flagged day of their own, within the tasks’ windows and with customers they may serve.');
    expect(sup().elements(proposal.blocks).some((e) => e.action_id === ACTIONS.applyRebalance)).toBe(false);
  });

  it('leaves committed carts alone: a committed teammate takes nothing', async () => {
    await bothCarts();
    const receiver = await cartOf(OTHER_AGENT);
    await ctx.t.db.update(carts).set({ status: 'committed' }).where(eq(carts.id, receiver.id));
    const proposal = await propose();
    expect(text(proposal.blocks)).toContain('No teammate has an open cart for this week to take tasks.');
  });

  it('refuses an agent, whatever the button says, and a supervisor of another team', async () => {
    await bothCarts();
    const proposal = await propose();
    const apply = sup().button(ACTIONS.applyRebalance, proposal.blocks);
    const agent = new Agent(ctx.app, OTHER_AGENT);
    await agent.click(ACTIONS.applyRebalance, apply.value, 'forged');
    await agent.click(ACTIONS.rebalance, `1|${NEXT_MONDAY}|${AGENT}`, 'forged-ask');
    await agent.settle();
    expect(response('forged')!.text).toBe('Only a supervisor of this team can rebalance its carts.');
    expect(response('forged-ask')!.text).toBe('Only a supervisor of this team can rebalance its carts.');
    const [other] = await ctx.t.db.insert(teams).values({ name: 'Elsewhere' }).returning();
    await ctx.t.db.insert(people).values({ slackUserId: 'U0SUP9', name: 'Other Boss', teamId: other!.id, role: 'supervisor' });
    const outsider = new Agent(ctx.app, 'U0SUP9');
    await outsider.click(ACTIONS.applyRebalance, apply.value, 'outsider');
    await outsider.settle();
    expect(response('outsider')!.text).toBe('Only a supervisor of this team can rebalance its carts.');
    expect(await itemsOf((await cartOf(OTHER_AGENT)).id)).toHaveLength(1);
    // A value the bot did not make.
    await sup().click(ACTIONS.applyRebalance, 'nonsense', 'nonsense');
    await sup().settle();
    expect(response('nonsense')!.text).toBe('That button is not one I know. Run /team-carts again.');
  });

  it('an agent’s change racing the Apply is never lost (both databases)', async () => {
    await bothCarts();
    const proposal = await propose();
    const plan = parseApplyPlan(sup().button(ACTIONS.applyRebalance, proposal.blocks).value)!;
    const receiver = await cartOf(OTHER_AGENT);
    const add = (title: string) => changeCart(ctx.t.db, OTHER_AGENT, receiver.id, CURRENT, { kind: 'add', items: [{ typeKey: 'custom', title, customerId: null, effortMinutes: 15, priority: 'normal', day: '2026-12-02', source: 'custom', notes: '' }] }, NOW);
    const [applied, first, second] = await Promise.all([applyRebalance(ctx.t.db, SUPERVISOR, plan, NOW, 'race-key'), add('Racing one'), add('Racing two')]);
    expect(first.changed && second.changed).toBe(true);
    const titles = (await itemsOf(receiver.id)).map((i) => i.title);
    expect(titles).toEqual(expect.arrayContaining(['Racing one', 'Racing two']));
    // The rebalance either went first (and the adds were made after it) or found a cart changed and moved nothing.
    if (applied.kind === 'applied') expect(titles).toHaveLength(4);
    else {
      expect(applied.kind).toBe('stale');
      expect(titles).toHaveLength(3);
    }
    const versions = await ctx.t.db.select({ version: cartEvents.version }).from(cartEvents).where(eq(cartEvents.cartId, receiver.id));
    expect(new Set(versions.map((v) => v.version)).size).toBe(versions.length);
    expect((await cartOf(OTHER_AGENT)).version).toBe(Math.max(...versions.map((v) => v.version)));
  });

  it('the service refuses a forged plan: a cart of another week or an unknown item', async () => {
    await bothCarts();
    const p = await proposeRebalance(ctx.t.db, SUPERVISOR, { teamId: (await ctx.t.db.select().from(teams))[0]!.id, weekStart: NEXT_MONDAY, agentId: AGENT }, NOW);
    expect(p.kind).toBe('proposal');
    if (p.kind !== 'proposal') return;
    const plan = { teamId: p.teamId, weekStart: NEXT_MONDAY, giver: { cartId: p.giver.cartId, version: p.giver.version }, receivers: p.receivers.map((r) => ({ cartId: r.cartId, version: r.version })), token: 'x' };
    const gone = await applyRebalance(ctx.t.db, SUPERVISOR, { ...plan, moves: [{ itemId: 999_999, receiver: 0, day: NEXT_MONDAY }] }, NOW);
    expect(gone.kind).toBe('stale');
    await expect(applyRebalance(ctx.t.db, SUPERVISOR, { ...plan, weekStart: '2026-12-07', moves: [{ itemId: p.moves[0]!.itemId, receiver: 0, day: NEXT_MONDAY }] }, NOW)).rejects.toMatchObject({ code: 'unknown_team_button' });
    // A move onto a day outside the week, or the giver's cart named as a receiver: refused, nothing moved.
    await expect(applyRebalance(ctx.t.db, SUPERVISOR, { ...plan, receivers: [plan.giver], moves: [{ itemId: p.moves[0]!.itemId, receiver: 0, day: NEXT_MONDAY }] }, NOW)).rejects.toMatchObject({ code: 'unknown_team_button' });
    await eventually(async () => expect((await cartOf(AGENT)).version).toBe(p.giver.version));
  });

  /** Both carts, AGENT's committed with a reason (its Monday overloaded) and reopened: it keeps its task list. */
  async function reopenedAfterCommit() {
    await bothCarts();
    await ctx.t.db.update(teams).set({ allowFlaggedCommit: true });
    const giver = await cartOf(AGENT);
    const committed = await changeCart(ctx.t.db, AGENT, giver.id, giver.version, { kind: 'commit', reason: 'Busy Monday, will ask for help' }, NOW);
    await changeCart(ctx.t.db, AGENT, giver.id, committed.state.cart.version, { kind: 'reopen' }, NOW);
    return giver;
  }

  it('a cart reopened after a commit gives the moved task off its old task list, and the receiver lists it when they commit', async () => {
    await reopenedAfterCommit();
    const proposal = await propose();
    const plan = parseApplyPlan(sup().button(ACTIONS.applyRebalance, proposal.blocks).value)!;
    const moved = plan.moves[0]!.itemId;
    expect((await ctx.t.db.select().from(tasks).where(eq(tasks.cartItemId, moved))).map((t) => t.agentId)).toEqual([AGENT]);
    expect((await applyRebalance(ctx.t.db, SUPERVISOR, plan, NOW)).kind).toBe('applied');
    expect(await ctx.t.db.select().from(tasks).where(eq(tasks.cartItemId, moved))).toEqual([]);
    const receiver = await cartOf(OTHER_AGENT);
    await changeCart(ctx.t.db, OTHER_AGENT, receiver.id, receiver.version, { kind: 'commit', reason: 'Light week, helping Wang Fang' }, NOW);
    expect((await ctx.t.db.select().from(tasks).where(eq(tasks.cartItemId, moved))).map((t) => [t.agentId, t.day])).toEqual([[OTHER_AGENT, NEXT_MONDAY]]);
    expect((await cartOf(AGENT)).status).toBe('open');
  });

  it('never gives a teammate a task the agent already marked done on a reopened cart, even with an Apply made before the Done', async () => {
    const giver = await reopenedAfterCommit();
    const teamId = (await ctx.t.db.select().from(teams))[0]!.id;
    const ask = { teamId, weekStart: NEXT_MONDAY, agentId: AGENT };
    const before = await proposeRebalance(ctx.t.db, SUPERVISOR, ask, NOW);
    expect(before.kind).toBe('proposal');
    if (before.kind !== 'proposal') return;
    const plan = parseApplyPlan(applyValue(before))!;

    // The agent works from the list kept by the reopened cart: the task the proposal would move is done.
    const moving = before.moves[0]!.itemId;
    const [task] = await ctx.t.db.select().from(tasks).where(eq(tasks.cartItemId, moving));
    expect(await markTask(ctx.t.db, AGENT, task!.id, 'done')).toBe(true);

    // Applied after the Done: nothing moves, and a fresh proposal leaves the done task out.
    const applied = await applyRebalance(ctx.t.db, SUPERVISOR, plan, NOW);
    expect(applied.kind).toBe('stale');
    if (applied.kind === 'stale' && applied.fresh.kind === 'proposal') expect(applied.fresh.moves.map((m) => m.itemId)).not.toContain(moving);
    expect((await itemsOf(giver.id)).map((i) => i.id)).toContain(moving);
    expect((await ctx.t.db.select().from(tasks).where(eq(tasks.id, task!.id)))[0]).toMatchObject({ status: 'done', agentId: AGENT, cartItemId: moving });

    // Every task of the overloaded Monday done: nothing left to give, and the supervisor is told why.
    for (const t of await ctx.t.db.select().from(tasks).where(and(eq(tasks.cartId, giver.id), eq(tasks.day, NEXT_MONDAY), eq(tasks.status, 'open')))) await markTask(ctx.t.db, AGENT, t.id, 'done');
    expect(await proposeRebalance(ctx.t.db, SUPERVISOR, ask, NOW)).toMatchObject({ kind: 'blocked', reason: 'nothing_movable' });
    const shown = await propose('all-done');
    expect(text(shown.blocks ?? [])).toContain('is fixed or already done: none may move');
  });
});
