// Approving exceptions end to end, as Slack drives the bot: an agent commits a flagged cart with a
// reason, each supervisor of the team gets a DM in their language, one approves or sends it back
// with a note (which reopens the cart), every copy of the DM then says who decided, the agent is
// told, and the audit log and the digest show it. Refusals, clicks after the decision, two
// supervisors at once, replays, a reopened cart, a Slack that refuses a DM, and one that did not
// take it at first (tried again by the scheduler's job of them).
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { markUnopened } from '../../db/queries/jobs.ts';
import { cartEvents, carts, deliveries, exceptions, people } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import { APPROVALS_QUEUE, startScheduler } from '../../src/jobs/scheduler.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { createLogger } from '../../src/logger.ts';
import { retryApprovals } from '../../src/slack/approval-message.ts';
import { languages } from '../../src/slack/language.ts';
import { ACTIONS, INPUTS, VALUE, VIEWS } from '../../views/ids.ts';
import { eventually, useTestApp } from '../support/app.ts';
import { AGENT, NOW, OTHER_AGENT, SUPERVISOR, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN, post } from '../support/signed.ts';
import { Agent, text, type Blocks } from '../support/slack-client.ts';

/** A second supervisor of the agent's team, and the supervisor of another team. */
const SUPERVISOR2 = 'U0SUP2';
const OUTSIDER = 'U0SUPB';

const ctx = useTestApp(
  { beforeAll, afterAll, beforeEach },
  {
    now: NOW,
    seed: async (db) => {
      await loadCenter(db.db, { allowFlaggedCommit: true });
      await importCsv(db.db, 'teams', 'team,timezone\nBeijing Care,Asia/Shanghai\n');
      const r = await importCsv(db.db, 'people', `slack_user_id,name,team,role\n${SUPERVISOR2},钱雨 Qian Yu,Shanghai Care,supervisor\n${OUTSIDER},Other Boss,Beijing Care,supervisor\n`);
      expect(r.errors).toEqual([]);
    },
  },
);

const dm = (user: string) => `D${user.slice(1)}`;
const txt = (value: string) => ({ type: 'plain_text_input', value });
const REASON = 'Customer visit <!channel> & <@U0BOSS> on Thursday';
const REASON_SHOWN = 'Customer visit &lt;!channel&gt; &amp; &lt;@U0BOSS&gt; on Thursday';

/** The agent opens next week's cart, presses Commit and gives a reason in the modal. */
async function commitWithReason(reason = REASON): Promise<Agent> {
  const a = new Agent(ctx.app, AGENT);
  await a.command('/cart');
  await eventually(() => expect(ctx.app.slack.callsTo('chat.postMessage').some((c) => c.args.channel === dm(AGENT))).toBe(true));
  await a.settle();
  await a.click(ACTIONS.commit, a.button(ACTIONS.commit).value);
  await a.settle();
  await a.submit(a.modal(), { [INPUTS.reason]: { [VALUE]: txt(reason) } });
  await a.settle();
  return a;
}

/** The supervisor's approval DM as it stands in their DM (posted, then edited in place). */
function approvalDm(user: string): { blocks: Blocks; text: string } {
  const found = ctx.app.slack.messagesIn(dm(user)).filter((m) => m.metadata?.event_type === 'approval_posted');
  expect(found, `approval DMs to ${user}`).toHaveLength(1);
  return { blocks: found[0]!.blocks as Blocks, text: String(found[0]!.text) };
}

/** What the agent was told in a DM of its own (a message without blocks). */
const agentDms = () => ctx.app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === dm(AGENT) && !c.args.blocks).map((c) => String(c.args.text));
const response = (id: string) => ctx.app.slack.responses.find((r) => r.id === id)?.body.text;
const theException = async () => (await ctx.t.db.select().from(exceptions))[0]!;
const theCart = async () => (await ctx.t.db.select().from(carts).where(eq(carts.agentId, AGENT)))[0]!;
/** The agent's cart message as it stands (the last message of any DM may be a supervisor's). */
const cartBlocks = async () => {
  const cart = await theCart();
  return ctx.app.slack.messagesIn(dm(AGENT)).find((m) => m.ts === cart.messageTs)!.blocks as Blocks;
};
const events = async (action: string) => ctx.t.db.select().from(cartEvents).where(eq(cartEvents.action, action));

/** A digest now (each one a fresh slot: the earlier digests of the day are forgotten). */
async function digestFor(user: string): Promise<string> {
  await ctx.t.db.delete(deliveries).where(eq(deliveries.kind, 'digest'));
  await runDigests(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { now: ctx.app.clock.now });
  const posts = ctx.app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === dm(user) && c.args.metadata && (c.args.metadata as { event_type: string }).event_type === 'digest_posted');
  return text(posts.at(-1)!.args.blocks as Blocks);
}

describe('an exception goes to the team’s supervisors', () => {
  it('each gets a DM in their language after the agent sees the commit: agent, the planning week, each flagged day against capacity, the reason escaped, Approve and Send back', async () => {
    ctx.app.slack.users.set(SUPERVISOR2, { locale: 'zh-CN' });
    await commitWithReason();
    expect(await theCart()).toMatchObject({ status: 'committed', exceptionReason: REASON });
    expect(await theException()).toMatchObject({ status: 'pending', reason: REASON, decidedBy: null });

    const en = approvalDm(SUPERVISOR);
    const all = text(en.blocks);
    expect(all).toContain('"Exception to approve"');
    expect(all).toContain(`<@${AGENT}> committed their cart for *next week, being planned (week of 30 Nov)* with flagged days`);
    expect(all).toContain('• Mon 30 Nov: 🔴 overloaded +30 m — 7 h planned, capacity 6 h 30 m');
    expect(all).toContain('• Thu 3 Dec: 🟡 idle −1 h 54 m — 2 h planned, capacity 6 h 30 m');
    expect(all).toContain(`*Reason:* ${REASON_SHOWN}`);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U0BOSS>');
    const sup = new Agent(ctx.app, SUPERVISOR);
    expect(sup.button(ACTIONS.approve, en.blocks).text.text).toBe('Approve');
    expect(sup.button(ACTIONS.sendBack, en.blocks).text.text).toBe('Send back');
    expect(en.text).toContain(`<@${AGENT}> committed a flagged cart for next week, being planned (week of 30 Nov)`);

    const zh = text(approvalDm(SUPERVISOR2).blocks);
    expect(zh).toContain('待审批的例外');
    expect(zh).toContain('*下周（计划中，11月30日这一周）*');
    expect(zh).toContain('11月30日 周一：🔴 超负荷 +30 分——已排 7 小时 / 可用 6 小时 30 分');
    expect(zh).toContain('"批准"');
    expect(zh).not.toMatch(/Approve|Reason/);

    // Nobody outside the team; and only after the agent's own message showed the commit.
    expect(ctx.app.slack.messagesIn(dm(OUTSIDER))).toEqual([]);
    const calls = ctx.app.slack.calls;
    const committedShown = calls.findIndex((c) => c.args.channel === dm(AGENT) && /Committed/.test(JSON.stringify(c.args.blocks ?? '')));
    const firstApproval = calls.findIndex((c) => c.method === 'chat.postMessage' && (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'approval_posted');
    expect(committedShown).toBeGreaterThan(-1);
    expect(firstApproval).toBeGreaterThan(committedShown);
    expect(await ctx.t.db.select().from(deliveries).where(eq(deliveries.kind, 'approval'))).toHaveLength(2);
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('a replayed commit sends nothing twice', async () => {
    const a = new Agent(ctx.app, AGENT);
    await a.command('/cart');
    await eventually(() => expect(ctx.app.slack.callsTo('chat.postMessage').length).toBeGreaterThan(0));
    await a.settle();
    await a.click(ACTIONS.commit, a.button(ACTIONS.commit).value);
    await a.settle();
    const body = a.submitBody(a.modal(), { [INPUTS.reason]: { [VALUE]: txt(REASON) } });
    expect((await post(ctx.app.baseUrl, body)).status).toBe(200);
    await a.settle();
    expect((await post(ctx.app.baseUrl, body)).status).toBe(200);
    await a.settle();
    expect(await ctx.t.db.select().from(exceptions)).toHaveLength(1);
    approvalDm(SUPERVISOR);
    approvalDm(SUPERVISOR2);
  });

  it('a DM Slack refuses is logged; the agent’s commit stands and the other supervisor gets theirs', async () => {
    ctx.app.slack.on('conversations.open', (args) => (args.users === SUPERVISOR2 ? { body: { ok: false, error: 'user_not_found' } } : undefined));
    await commitWithReason();
    expect(await theCart()).toMatchObject({ status: 'committed' });
    approvalDm(SUPERVISOR);
    expect(ctx.app.slack.messagesIn(dm(SUPERVISOR2))).toEqual([]);
    expect(ctx.app.logs.some((l) => l.includes(`was not sent to supervisor ${SUPERVISOR2}`) && l.includes(`Slack has no user ${SUPERVISOR2}`))).toBe(true);
    // The agent sees the commit, and nothing about a failure.
    const agentTexts = ctx.app.slack.calls.filter((c) => c.args.channel === dm(AGENT)).map((c) => JSON.stringify(c.args));
    expect(agentTexts.some((s) => s.includes('Committed'))).toBe(true);
    expect(agentTexts.some((s) => /couldn|went wrong/.test(s))).toBe(false);
  });
});

describe('A DM Slack did not take', () => {
  const delivery = async () => (await ctx.t.db.select().from(deliveries).where(and(eq(deliveries.kind, 'approval'), eq(deliveries.recipient, SUPERVISOR2))))[0]!;
  /** As if the last try were `minutes` longer ago. */
  const wait = (minutes: number) => ctx.t.db.execute(sql`update deliveries set claimed_at = claimed_at - make_interval(mins => ${minutes}) where kind = 'approval' and recipient = ${SUPERVISOR2}`);
  const approvalsTo = (user: string) => ctx.app.slack.messagesIn(dm(user)).filter((m) => m.metadata?.event_type === 'approval_posted');
  const failOpening = () => ctx.app.slack.on('conversations.open', (args) => (args.users === SUPERVISOR2 ? { body: { ok: false, error: 'fatal_error' } } : undefined));

  it('is sent again by a job the minute’s tick queues once its wait is over, once, and the supervisor who had theirs gets nothing more', async () => {
    failOpening();
    await commitWithReason();
    approvalDm(SUPERVISOR);
    expect(approvalsTo(SUPERVISOR2)).toEqual([]);
    expect(await delivery()).toMatchObject({ status: 'failed', attempts: 1 });

    // Slack answers again; the scheduler's tick, as every minute.
    ctx.app.slack.on('conversations.open', () => undefined);
    const logs: string[] = [];
    const scheduler = await startScheduler({
      database: ctx.t,
      databaseUrl: ctx.t.url,
      client: slackClient(BOT_TOKEN, ctx.app.slack.url),
      logger: createLogger({ level: 'info', write: (l) => logs.push(l) }),
      now: () => ctx.app.clock.now,
      schedule: false,
      // Its worker never polls again after its first look: the job runs because the tick that
      // queues it wakes the process's own worker (scheduler.ts POLL_SECONDS).
      pollingIntervalSeconds: 3600,
    });
    try {
      // Before its wait (two minutes after a first try) the tick queues nothing.
      await scheduler.tick();
      expect(await scheduler.boss.getQueueSize(APPROVALS_QUEUE)).toBe(0);
      await wait(2);
      await scheduler.tick();
      await eventually(() => expect(approvalsTo(SUPERVISOR2)).toHaveLength(1));
      await eventually(() => expect(logs.some((l) => l.includes('approval DMs of 1 exception(s) tried again'))).toBe(true));
      // Sent: the next tick queues nothing.
      await scheduler.tick();
      expect(await scheduler.boss.getQueueSize(APPROVALS_QUEUE)).toBe(0);
    } finally {
      await scheduler.stop();
    }
    expect(text(approvalDm(SUPERVISOR2).blocks)).toContain(REASON_SHOWN);
    approvalDm(SUPERVISOR);
    expect(await delivery()).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('is tried seven times, each wait twice the one before, then left to the digests', async () => {
    failOpening();
    await commitWithReason();
    const deps = { db: ctx.t.db, languages: languages(ctx.t.db, () => ctx.app.clock.now), logger: createLogger({ level: 'error', write: () => {} }) };
    const client = slackClient(BOT_TOKEN, ctx.app.slack.url);
    const tried: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt++) {
      // One minute short of its wait, then the wait: 2, 4, 8… minutes after the try before.
      await wait(2 ** attempt - 1);
      expect(await retryApprovals(deps, client, ctx.app.clock.now)).toBe(0);
      await wait(1);
      tried.push(await retryApprovals(deps, client, ctx.app.clock.now));
    }
    expect(tried).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    expect(await delivery()).toMatchObject({ status: 'failed', attempts: 7 });
    expect(approvalsTo(SUPERVISOR2)).toEqual([]);
    expect(ctx.app.slack.callsTo('conversations.open').filter((c) => c.args.users === SUPERVISOR2)).toHaveLength(7);
  });

  it('is not tried again for someone who is no longer a supervisor of the team', async () => {
    failOpening();
    await commitWithReason();
    await wait(5);
    await ctx.t.db.update(people).set({ role: 'agent' }).where(eq(people.slackUserId, SUPERVISOR2));
    const deps = { db: ctx.t.db, languages: languages(ctx.t.db, () => ctx.app.clock.now), logger: createLogger({ level: 'error', write: () => {} }) };
    expect(await retryApprovals(deps, slackClient(BOT_TOKEN, ctx.app.slack.url), ctx.app.clock.now)).toBe(0);
    await ctx.t.db.update(people).set({ role: 'supervisor' }).where(eq(people.slackUserId, SUPERVISOR2));
    expect(await retryApprovals(deps, slackClient(BOT_TOKEN, ctx.app.slack.url), ctx.app.clock.now)).toBe(1);
  });

  it('an open that fails after another run claimed the DM (a slow open, the tick) leaves it to that run: it may be posting it', async () => {
    failOpening();
    await commitWithReason();
    const { key } = await delivery();
    await ctx.t.db.update(deliveries).set({ status: 'sending' }).where(eq(deliveries.key, key));
    await markUnopened(ctx.t.db, key, 'no answer from Slack within 30 s');
    expect(await delivery()).toMatchObject({ status: 'sending', attempts: 1 });
  });
});

describe('Approve', () => {
  it('marks it approved once: every copy says who, the agent is told, the audit log and the digest show it; later clicks change nothing and say who decided', async () => {
    ctx.app.slack.users.set(SUPERVISOR2, { locale: 'zh-CN' });
    await commitWithReason();
    const sup = new Agent(ctx.app, SUPERVISOR);
    const value = sup.button(ACTIONS.approve, approvalDm(SUPERVISOR).blocks).value;
    await sup.click(ACTIONS.approve, value, 'approve1');
    await sup.settle();

    expect(await theException()).toMatchObject({ status: 'approved', decidedBy: SUPERVISOR });
    expect(await theCart()).toMatchObject({ status: 'committed' });
    const approved = await events('exception_approved');
    expect(approved).toHaveLength(1);
    expect(approved[0]).toMatchObject({ actorId: SUPERVISOR });
    const en = text(approvalDm(SUPERVISOR).blocks);
    expect(en).toContain(`✅ Approved by <@${SUPERVISOR}>.`);
    expect(en).not.toContain(ACTIONS.approve);
    const zh = text(approvalDm(SUPERVISOR2).blocks);
    expect(zh).toContain(`✅ 已由 <@${SUPERVISOR}> 批准。`);
    expect(zh).not.toContain(ACTIONS.sendBack);
    expect(agentDms()).toEqual([`✅ <@${SUPERVISOR}> approved your cart for next week, being planned (week of 30 Nov) as you committed it, with your reason.`]);

    // Again, by the same supervisor and by the other one (from their old copy): nothing changes.
    await sup.click(ACTIONS.approve, value, 'approve2');
    const sup2 = new Agent(ctx.app, SUPERVISOR2);
    await sup2.click(ACTIONS.approve, value, 'approve3');
    await sup2.click(ACTIONS.sendBack, value, 'sendback-late');
    await sup2.settle();
    expect(response('approve2')).toBe(`Nothing changed: ✅ Approved by <@${SUPERVISOR}>.`);
    expect(response('approve3')).toBe(`没有任何改动：✅ 已由 <@${SUPERVISOR}> 批准。`);
    expect(response('sendback-late')).toBe(`没有任何改动：✅ 已由 <@${SUPERVISOR}> 批准。`);
    expect(ctx.app.slack.callsTo('views.open').filter((c) => (c.args.view as { callback_id?: string }).callback_id === VIEWS.sendBack)).toHaveLength(0);
    expect(await events('exception_approved')).toHaveLength(1);
    expect(agentDms()).toHaveLength(1);

    expect(await digestFor(SUPERVISOR)).toContain(`• <@${AGENT}>: ${REASON_SHOWN} — ✅ approved by <@${SUPERVISOR}>`);
    await sup.command('/team-carts', '', 'team');
    await sup.settle();
    expect(text(ctx.app.slack.responses.find((r) => r.id === 'team')!.body.blocks as Blocks)).toContain(`✅ approved by <@${SUPERVISOR}>`);
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('the digest says an exception is awaiting approval until someone decides', async () => {
    await commitWithReason();
    expect(await digestFor(SUPERVISOR)).toContain(`• <@${AGENT}>: ${REASON_SHOWN} — ⏳ awaiting approval`);
  });
});

describe('Send back', () => {
  it('asks for a note, reopens the cart, updates the agent’s cart message and tells the agent in their language; every copy says who sent it back', async () => {
    ctx.app.slack.users.set(AGENT, { locale: 'zh-CN' });
    await commitWithReason();
    const before = await theCart();
    const sup = new Agent(ctx.app, SUPERVISOR);
    await sup.click(ACTIONS.sendBack, sup.button(ACTIONS.sendBack, approvalDm(SUPERVISOR).blocks).value);
    await sup.settle();
    const modal = sup.modal();
    expect(modal.callback_id).toBe(VIEWS.sendBack);
    expect(text(modal.blocks)).toContain(`The cart of <@${AGENT}> for next week, being planned (week of 30 Nov) opens again`);
    // The note is required, checked on the server whatever the client let through.
    for (const empty of ['', '   ', '\u202E\u200B']) {
      expect(await sup.submit(modal, { [INPUTS.note]: { [VALUE]: txt(empty) } })).toEqual({ response_action: 'errors', errors: { [INPUTS.note]: 'Write a note for the agent: what should they change?' } });
    }
    expect(await sup.submit(modal, { [INPUTS.note]: { [VALUE]: txt('x'.repeat(501)) } })).toMatchObject({ response_action: 'errors', errors: { [INPUTS.note]: 'Keep the note to 500 characters (it has 501).' } });
    expect(await theException()).toMatchObject({ status: 'pending' });

    const note = 'Move Monday calls <!here> to Thursday';
    const shown = 'Move Monday calls &lt;!here&gt; to Thursday';
    const body = sup.submitBody(modal, { [INPUTS.note]: { [VALUE]: txt(note) } });
    expect((await post(ctx.app.baseUrl, body)).status).toBe(200);
    await sup.settle();

    expect(await theException()).toMatchObject({ status: 'sent_back', decidedBy: SUPERVISOR, note });
    const cart = await theCart();
    expect(cart).toMatchObject({ status: 'open', exceptionReason: null, version: before.version + 1 });
    const sentBack = await events('send_back');
    expect(sentBack).toHaveLength(1);
    expect(sentBack[0]).toMatchObject({ actorId: SUPERVISOR, version: cart.version, detail: { note } });
    // The agent's cart message, edited in place, open again with the note; and a DM of its own, both in Chinese.
    const cartMessage = ctx.app.slack.messagesIn(dm(AGENT)).find((m) => m.ts === cart.messageTs)!;
    expect(text(cartMessage.blocks as Blocks)).toContain(`↩️ 已由 <@${SUPERVISOR}> 退回：${shown} 你的任务车已重新打开`);
    expect(text(cartMessage.blocks as Blocks)).toContain(ACTIONS.commit);
    expect(agentDms()).toEqual([`↩️ <@${SUPERVISOR}> 退回了你下周（计划中，11月30日这一周）的任务车：${shown}\n任务车已重新打开：调整好后请再次提交。`]);
    expect(text(approvalDm(SUPERVISOR).blocks)).toContain(`↩️ Sent back by <@${SUPERVISOR}>: ${shown}`);
    expect(text(approvalDm(SUPERVISOR2).blocks)).toContain(`↩️ Sent back by <@${SUPERVISOR}>: ${shown}`);
    expect(text(approvalDm(SUPERVISOR2).blocks)).not.toContain(ACTIONS.approve);

    // The same submission again (a replay): nothing more.
    const calls = ctx.app.slack.calls.length;
    expect((await post(ctx.app.baseUrl, body)).status).toBe(200);
    await sup.settle();
    expect(ctx.app.slack.calls.length).toBe(calls);
    expect(await events('send_back')).toHaveLength(1);
    expect((await theCart()).version).toBe(cart.version);

    expect(await digestFor(SUPERVISOR)).toContain(`• <@${AGENT}>: ${REASON_SHOWN} — ↩️ sent back by <@${SUPERVISOR}>`);

    // Committed again with another reason: a new exception, new DMs, awaiting approval.
    ctx.app.slack.users.delete(AGENT);
    const a = new Agent(ctx.app, AGENT);
    await a.click(ACTIONS.commit, a.button(ACTIONS.commit, await cartBlocks()).value);
    await a.settle();
    await a.submit(a.modal(), { [INPUTS.reason]: { [VALUE]: txt('Still the visit, and Monday is fixed') } });
    await a.settle();
    expect(await ctx.t.db.select().from(exceptions)).toHaveLength(2);
    expect(await ctx.t.db.select().from(deliveries).where(eq(deliveries.kind, 'approval'))).toHaveLength(4);
    const digest = await digestFor(SUPERVISOR);
    expect(digest).toContain(`• <@${AGENT}>: Still the visit, and Monday is fixed — ⏳ awaiting approval`);
    expect(digest).not.toContain('sent back by');
  });

  it('a Send back saved whose cart message Slack refuses to edit: the supervisor is told the decision is saved, never that nothing was', async () => {
    await commitWithReason();
    const sup = new Agent(ctx.app, SUPERVISOR);
    await sup.click(ACTIONS.sendBack, sup.button(ACTIONS.sendBack, approvalDm(SUPERVISOR).blocks).value);
    await sup.settle();
    const modal = sup.modal();
    ctx.app.slack.on('chat.update', (args) => (args.channel === dm(AGENT) ? { body: { ok: false, error: 'channel_not_found' } } : undefined));
    expect(await sup.submit(modal, { [INPUTS.note]: { [VALUE]: txt('Fewer calls on Monday') } })).toEqual({});
    await sup.settle();
    expect(await theException()).toMatchObject({ status: 'sent_back', decidedBy: SUPERVISOR });
    expect((await theCart()).status).toBe('open');
    const told = ctx.app.slack.messagesIn(dm(SUPERVISOR)).map((m) => m.text);
    expect(told).toContain("Your decision is saved, but I couldn't show it everywhere: something went wrong on my side. There is nothing more for you to do.");
    expect(told.join('\n')).not.toContain('nothing was saved');
  });

  it('after the agent reopened the cart there is nothing to decide: the click says so, every copy too, and the digest lists nothing', async () => {
    const a = await commitWithReason();
    await a.click(ACTIONS.reopen, a.button(ACTIONS.reopen, await cartBlocks()).value);
    await a.settle();
    expect(await theCart()).toMatchObject({ status: 'open' });
    const sup = new Agent(ctx.app, SUPERVISOR);
    await sup.click(ACTIONS.approve, sup.button(ACTIONS.approve, approvalDm(SUPERVISOR).blocks).value, 'late');
    await sup.settle();
    expect(response('late')).toBe(`Nothing changed: <@${AGENT}> reopened the cart after this commit: nothing to decide.`);
    expect(await theException()).toMatchObject({ status: 'withdrawn', decidedBy: null });
    expect(text(approvalDm(SUPERVISOR2).blocks)).toContain('reopened the cart after this commit');
    expect(await events('exception_approved')).toHaveLength(0);
    expect(await digestFor(SUPERVISOR)).not.toContain('awaiting approval');
  });
});

describe('who may decide', () => {
  it('an agent, a supervisor of another team and someone unknown are refused, and nothing changes', async () => {
    await commitWithReason();
    const value = new Agent(ctx.app, SUPERVISOR).button(ACTIONS.approve, approvalDm(SUPERVISOR).blocks).value;
    for (const [who, id] of [
      [AGENT, 'self'],
      [OTHER_AGENT, 'teammate'],
      [OUTSIDER, 'outsider'],
    ] as const) {
      const p = new Agent(ctx.app, who);
      await p.click(ACTIONS.approve, value, `${id}-approve`);
      await p.click(ACTIONS.sendBack, value, `${id}-sendback`);
      await p.settle();
      expect(response(`${id}-approve`)).toBe('Only a supervisor of Shanghai Care can decide on this exception: nothing was changed.');
      expect(response(`${id}-sendback`)).toBe('Only a supervisor of Shanghai Care can decide on this exception: nothing was changed.');
    }
    const stranger = new Agent(ctx.app, 'U0NOBODY');
    await stranger.click(ACTIONS.approve, value, 'stranger');
    await stranger.settle();
    expect(response('stranger')).toMatch(/doesn't know you yet/);
    // A forged Send back submission is refused after the ack, by DM.
    const outsider = new Agent(ctx.app, OUTSIDER);
    await outsider.submit({ id: 'VFORGED', hash: 'h1', callback_id: VIEWS.sendBack, private_metadata: `${value}:en`, blocks: [] }, { [INPUTS.note]: { [VALUE]: txt('Not yours to send back') } });
    await outsider.settle();
    expect(ctx.app.slack.callsTo('chat.postMessage').some((c) => c.args.channel === dm(OUTSIDER) && /Only a supervisor of Shanghai Care/.test(String(c.args.text)))).toBe(true);
    expect(ctx.app.slack.callsTo('views.open').filter((c) => (c.args.view as { callback_id?: string }).callback_id === VIEWS.sendBack)).toHaveLength(0);
    expect(await theException()).toMatchObject({ status: 'pending' });
    expect(await theCart()).toMatchObject({ status: 'committed' });
    expect(await events('exception_approved')).toHaveLength(0);
    expect(await events('send_back')).toHaveLength(0);
  });
});

describe('at once, and again', () => {
  it('two supervisors approving at the same instant: one decision, the other told who decided', async () => {
    await commitWithReason();
    const sup = new Agent(ctx.app, SUPERVISOR);
    const sup2 = new Agent(ctx.app, SUPERVISOR2);
    const value = sup.button(ACTIONS.approve, approvalDm(SUPERVISOR).blocks).value;
    await Promise.all([sup.click(ACTIONS.approve, value, 'a1'), sup2.click(ACTIONS.approve, value, 'a2')]);
    await sup.settle();
    const x = await theException();
    expect(x.status).toBe('approved');
    expect(await events('exception_approved')).toHaveLength(1);
    const loser = x.decidedBy === SUPERVISOR ? 'a2' : 'a1';
    const winner = x.decidedBy === SUPERVISOR ? 'a1' : 'a2';
    expect(response(loser)).toBe(`Nothing changed: ✅ Approved by <@${x.decidedBy}>.`);
    expect(response(winner)).toBeUndefined();
    expect(agentDms()).toHaveLength(1);
  });

  it('Approve and Send back at the same instant: exactly one of them, and the cart agrees with it', async () => {
    await commitWithReason();
    const sup = new Agent(ctx.app, SUPERVISOR);
    const sup2 = new Agent(ctx.app, SUPERVISOR2);
    const value = sup.button(ACTIONS.approve, approvalDm(SUPERVISOR).blocks).value;
    await sup2.click(ACTIONS.sendBack, value);
    await sup2.settle();
    const modal = sup2.modal();
    await Promise.all([sup.click(ACTIONS.approve, value, 'race'), sup2.submit(modal, { [INPUTS.note]: { [VALUE]: txt('Too much on Monday') } })]);
    await sup.settle();
    const x = await theException();
    const cart = await theCart();
    if (x.status === 'approved') {
      expect(x.decidedBy).toBe(SUPERVISOR);
      expect(cart.status).toBe('committed');
      expect(await events('send_back')).toHaveLength(0);
      expect(ctx.app.slack.callsTo('chat.postMessage').some((c) => c.args.channel === dm(SUPERVISOR2) && String(c.args.text) === `Nothing changed: ✅ Approved by <@${SUPERVISOR}>.`)).toBe(true);
    } else {
      expect(x).toMatchObject({ status: 'sent_back', decidedBy: SUPERVISOR2 });
      expect(cart.status).toBe('open');
      expect(await events('exception_approved')).toHaveLength(0);
      expect(response('race')).toBe(`Nothing changed: ↩️ Sent back by <@${SUPERVISOR2}>: Too much on Monday`);
    }
    expect(agentDms()).toHaveLength(1);
  });

  it('a replayed Approve changes nothing and says nothing', async () => {
    await commitWithReason();
    const sup = new Agent(ctx.app, SUPERVISOR);
    const body = sup.clickBody(ACTIONS.approve, sup.button(ACTIONS.approve, approvalDm(SUPERVISOR).blocks).value, 'replay');
    expect((await post(ctx.app.baseUrl, body)).status).toBe(200);
    await sup.settle();
    const calls = ctx.app.slack.calls.length;
    expect((await post(ctx.app.baseUrl, body)).status).toBe(200);
    await sup.settle();
    expect(ctx.app.slack.calls.length).toBe(calls);
    expect(response('replay')).toBeUndefined();
    expect(await events('exception_approved')).toHaveLength(1);
    expect(agentDms()).toHaveLength(1);
  });
});
