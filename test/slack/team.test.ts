// Supervisors: digests (small and large teams, once per slot) and /team-carts with Nudge.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveries, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { changeCart, openCart } from '../../src/services/cart.ts';
import { ACTIONS } from '../../views/ids.ts';
import { useTestApp } from '../support/app.ts';
import { AGENT, NOW, OTHER_AGENT, SUPERVISOR, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { Agent, text } from '../support/slack-client.ts';

const ctx = useTestApp({ beforeAll, afterAll, beforeEach }, { now: NOW, seed: (db) => loadCenter(db.db) });

/** A team of `n` agents with next week's carts: every third committed, one with an exception. */
async function bigTeam(n: number) {
  await importCsv(ctx.t.db, 'teams', 'team,timezone\nBig Floor,Asia/Shanghai\n');
  const people = ['slack_user_id,name,team,role', 'U0BIGSUP,Floor Boss,Big Floor,supervisor'];
  const tasks = ['external_id,agent,type,title,date,effort_minutes'];
  for (let i = 0; i < n; i++) {
    const id = `U0BIG${String(i).padStart(4, '0')}`;
    people.push(`${id},Agent Number ${i} 长名字测试,Big Floor,agent`);
    for (let d = 0; d < 5; d++) tasks.push(`big-${i}-${d},${id},follow_up,Call,2026-12-0${d},${d === 0 && i % 2 ? 420 : 300}`.replace('2026-12-00', '2026-11-30'));
  }
  await importCsv(ctx.t.db, 'people', people.join('\n'));
  const r = await importCsv(ctx.t.db, 'tasks', tasks.join('\n'));
  expect(r.errors).toEqual([]);
  for (let i = 0; i < n; i++) {
    const id = `U0BIG${String(i).padStart(4, '0')}`;
    const { state } = await openCart(ctx.t.db, id, 'next', NOW);
    if (i % 3 === 0 && state.measure.committable) await changeCart(ctx.t.db, id, state.cart.id, state.cart.version, { kind: 'commit' }, NOW);
  }
}

describe('digests', () => {
  it('tells the supervisor who has committed, who has not, exceptions and flags — once per slot', async () => {
    await ctx.t.db.update(teams).set({ allowFlaggedCommit: true });
    const { state } = await openCart(ctx.t.db, AGENT, 'next', NOW);
    await changeCart(ctx.t.db, AGENT, state.cart.id, state.cart.version, { kind: 'commit', reason: 'Customer visit on Thursday' }, NOW);
    const client = slackClient(BOT_TOKEN, ctx.app.slack.url);
    const [r] = await runDigests(ctx.t.db, client, { now: NOW });
    expect(r).toMatchObject({ team: 'Shanghai Care', weekStart: '2026-11-30', recipients: 1, sent: 1 });
    const post = ctx.app.slack.callsTo('chat.postMessage').at(-1)!;
    expect(post.args.channel).toBe(`D${SUPERVISOR.slice(1)}`);
    const all = text(post.args.blocks as never);
    expect(all).toContain('"Daily digest · Shanghai Care"');
    expect(all).toContain('*Next week, being planned* · week of 30 Nov');
    expect(all).toMatch(/\*1 of 2 committed\* · ▫️ 1 without a cart · 🔴 1 with flagged days · ⚠️ 1 with an exception/);
    expect(all).toContain('*This week, being worked* · week of 23 Nov');
    expect(all).toContain(`*Not committed:* <@${OTHER_AGENT}>`);
    expect(all).toContain(`<@${AGENT}>: Customer visit on Thursday`);
    expect(all).toMatch(new RegExp(`🟥🟩🟩🟨🟩  \\d+(\\.\\d)? h/32\\.5 h  ✅⚠️ <@${AGENT}>`));
    await runDigests(ctx.t.db, client, { now: NOW });
    expect(ctx.app.slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('goes to the digest channel when the team has one', async () => {
    await ctx.t.db.update(teams).set({ digestChannel: 'C0DIGEST' });
    await runDigests(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { now: NOW, weekly: true });
    expect(ctx.app.slack.callsTo('chat.postMessage').map((c) => c.args.channel)).toEqual(['C0DIGEST']);
    expect(text(ctx.app.slack.callsTo('chat.postMessage')[0]!.args.blocks as never)).toContain('Weekly digest');
  });

  it.each([15, 200])('stays readable and within Slack’s limits for a team of %i', async (n) => {
    await bigTeam(n);
    await runDigests(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { now: NOW, team: 'Big Floor' });
    const post = ctx.app.slack.callsTo('chat.postMessage').at(-1)!;
    const blocks = post.args.blocks as Array<Record<string, any>>;
    const all = text(blocks);
    // Every third agent commits, when their Monday is not overloaded (odd ones are): i = 0, 6, 12, …
    const committed = Math.ceil(n / 6);
    expect(all).toMatch(new RegExp(`\\*${committed} of ${n} committed\\*`));
    const lines = all.match(/<@U0BIG\d+>/g) ?? [];
    if (n <= 25) expect(new Set(lines).size).toBe(n);
    else {
      expect(all).toContain('agents with the most flagged minutes');
      expect(all).toMatch(/and \d+ more/);
      expect(blocks.length).toBeLessThanOrEqual(20);
    }
    expect(ctx.app.slack.violations).toEqual([]);
  }, 60_000);
});

describe('/team-carts', () => {
  it('is for supervisors; it shows the team and nudges those who have not committed, at most every four hours', async () => {
    const agent = new Agent(ctx.app, AGENT);
    await agent.command('/team-carts', '', 'as-agent');
    await agent.settle();
    expect(ctx.app.slack.responses.find((r) => r.id === 'as-agent')!.body.text).toMatch(/is for supervisors/);

    const sup = new Agent(ctx.app, SUPERVISOR);
    await sup.command('/team-carts', '', 'view');
    await sup.settle();
    const view = ctx.app.slack.responses.find((r) => r.id === 'view')!.body;
    const blocks = view.blocks as Array<Record<string, any>>;
    expect(text(blocks)).toMatch(/Team carts · Shanghai Care",.*\*Next week, being planned\* · week of 30 Nov/);
    expect(text(blocks)).toMatch(/\*0 of 2 committed\*/);
    const nudge = sup.button(ACTIONS.nudge, blocks);
    expect(nudge.text.text).toBe('Nudge 2 not committed');

    await sup.click(ACTIONS.nudge, nudge.value, 'nudge1');
    await sup.settle();
    expect(ctx.app.slack.responses.find((r) => r.id === 'nudge1')!.body.text).toBe('Nudged 2 agents.');
    const dms = ctx.app.slack.callsTo('chat.postMessage');
    expect(dms.map((d) => d.args.channel).sort()).toEqual([`D${AGENT.slice(1)}`, `D${OTHER_AGENT.slice(1)}`]);
    expect(String(dms[0]!.args.text)).toMatch(/asks you to shape and commit your cart for the week of 30 Nov/);

    await sup.click(ACTIONS.nudge, nudge.value, 'nudge2');
    await sup.settle();
    expect(ctx.app.slack.responses.find((r) => r.id === 'nudge2')!.body.text).toBe('Nudged 0 agents. 2 were nudged less than four hours ago and were left alone.');
    expect(ctx.app.slack.callsTo('chat.postMessage')).toHaveLength(2);

    ctx.app.clock.now = new Date(NOW.getTime() + 4 * 60 * 60 * 1000 + 1000);
    await sup.click(ACTIONS.nudge, nudge.value, 'nudge3');
    await sup.settle();
    expect(ctx.app.slack.responses.find((r) => r.id === 'nudge3')!.body.text).toBe('Nudged 2 agents.');
    expect(await ctx.t.db.select().from(deliveries)).toHaveLength(4);
  });

  it('refuses a nudge from an agent', async () => {
    const agent = new Agent(ctx.app, AGENT);
    await agent.click(ACTIONS.nudge, '1:2026-11-30', 'forged');
    await agent.settle();
    expect(ctx.app.slack.responses.find((r) => r.id === 'forged')!.body.text).toBe('Only a supervisor of this team can nudge its agents.');
    expect(ctx.app.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });
});
