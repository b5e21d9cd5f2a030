// The weekly proposal as it runs: rules, then each agent's cart as a DM, once.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { carts, deliveries, systemTasks, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { cartCourier, runProposals } from '../../src/jobs/propose.ts';
import { changeCart, openCart } from '../../src/services/cart.ts';
import { proposeWeek } from '../../src/services/propose.ts';
import { afterChange, showCart } from '../../src/slack/cart-message.ts';
import { languages } from '../../src/slack/language.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { generatedTitle } from '../../views/words.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { seedOnce, testDatabase, type TestDatabase } from '../support/db.ts';
import { AGENT, NOW, OTHER_AGENT, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';
import { eventually } from '../support/app.ts';
import { commandLine } from '../support/cli.ts';
import { program } from '../support/spawn.ts';
import { tempDir } from '../support/temp.ts';

let t: TestDatabase;
let slack: SlackStandIn;
beforeAll(async () => {
  t = await testDatabase();
  slack = await new SlackStandIn().start();
});
afterAll(async () => {
  await slack.stop();
  await t.close();
});
const reset = seedOnce(async (db) => {
  await loadCenter(db.db);
  // The fixture's customers were contacted last week; two more are due a follow-up (silver: 30 days) and a renewal.
  await db.exec(`update customers set last_contact = '2026-11-25'`);
  await importCsv(db.db, 'customers', 'customer_id,name,owner,segment,last_contact,renewal_date\nR1,Old Friend Ltd,U0AGENT2,silver,2026-09-01,\nR2,Renewing Co,U0AGENT2,gold,2026-11-20,2026-12-03\n');
});
beforeEach(async () => {
  await reset(t);
  slack.reset();
});

const postsTo = () => {
  const counts = new Map<string, number>();
  for (const c of slack.callsTo('chat.postMessage')) counts.set(String(c.args.channel), (counts.get(String(c.args.channel)) ?? 0) + 1);
  return counts;
};

describe('weekly proposal', () => {
  it('generates rule tasks and sends every agent their cart once, however often it runs', async () => {
    const client = slackClient(BOT_TOKEN, slack.url);
    const [first] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(first).toMatchObject({ team: 'Shanghai Care', weekStart: '2026-11-30', generated: 2, agents: 2, sent: 2, failed: 0 });
    const generated = (await t.db.select().from(systemTasks)).filter((s) => s.externalId.startsWith('rule:'));
    expect(generated.map((g) => g.externalId).sort()).toEqual(['rule:follow_up:R1:2026-11-30', 'rule:renewal_call:R2:2026-12-03']);
    expect([...postsTo().entries()].sort()).toEqual([['D0AGENT1', 1], ['D0AGENT2', 1]]);
    // The second agent's cart holds the generated tasks.
    const second = slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'D0AGENT2')!;
    expect(JSON.stringify(second.args.blocks)).toContain('2 tasks');

    const [again] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(again).toMatchObject({ generated: 0, sent: 0, alreadySent: 2 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(await t.db.select().from(carts)).toHaveLength(2);
  });

  it('waits out a 429 with Retry-After and finishes', async () => {
    let limited = 0;
    slack.on('chat.postMessage', () => (limited++ === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } } : undefined));
    const [r] = await runProposals(t.db, slackClient(BOT_TOKEN, slack.url), { now: NOW, perSecond: 1000 });
    expect(r).toMatchObject({ sent: 2, failed: 0 });
    const posts = slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(3);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(new Set(posts.map((p) => p.args.channel)).size).toBe(2);
  }, 20_000);

  it('waits for its slot before claiming a delivery, so a run stopped while waiting leaves no cart unsent', async () => {
    const [team] = await t.db.select().from(teams);
    const claimedWhileWaiting: string[] = [];
    const report = await proposeWeek(t.db, team!, {
      now: NOW,
      courier: cartCourier(slackClient(BOT_TOKEN, slack.url), () => 'en'),
      titleOf: (task) => generatedTitle(textsFor('en'), task.about),
      pace: async () => {
        const claimed = await t.db.select().from(deliveries).where(eq(deliveries.status, 'sending'));
        claimedWhileWaiting.push(...claimed.map((d) => d.recipient));
      },
    });
    expect(report).toMatchObject({ sent: 2, failed: 0 });
    expect([...postsTo().keys()].sort()).toEqual(['D0AGENT1', 'D0AGENT2']);
    expect(claimedWhileWaiting).toEqual([]);
  });

  it('posts each cart with metadata naming the cart and the delivery, and records the message on the cart', async () => {
    await runProposals(t.db, slackClient(BOT_TOKEN, slack.url), { now: NOW, perSecond: 1000 });
    for (const agent of [AGENT, OTHER_AGENT]) {
      const [message] = slack.messagesIn(dm(agent));
      const cart = await cartOf(agent);
      expect(message!.metadata).toEqual({ event_type: 'cart_posted', event_payload: { cart_id: cart.id, delivery_key: `proposal:${agent}:2026-11-30` } });
      expect(cart).toMatchObject({ channelId: dm(agent), messageTs: message!.ts });
      expect(await deliveryOf(agent)).toMatchObject({ status: 'sent', channelId: dm(agent), messageTs: message!.ts });
    }
    expect(slack.violations).toEqual([]);
  });

  it('a cart Slack took but did not answer for is found in the DM by the next run, recorded, and edited in place from then on', async () => {
    const client = slackClient(BOT_TOKEN, slack.url);
    let dropped = 0;
    slack.on('chat.postMessage', (args) => (args.channel === dm(AGENT) && dropped++ === 0 ? { mishap: 'unanswered' } : undefined));
    const [first] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    // The message is in Slack; the bot never learnt its ts.
    expect(slack.messagesIn(dm(AGENT))).toHaveLength(1);
    expect(first).toMatchObject({ sent: 1, failed: 0, unconfirmed: [AGENT] });
    expect(first!.problems).toEqual([expect.stringMatching(/^Shanghai Care: the cart of 王芳 Wang Fang \(U0AGENT1\) may not have arrived: Slack did not answer \(.+\) — run it again: the message is looked for there before it is posted again$/)]);
    expect(await deliveryOf(AGENT)).toMatchObject({ status: 'sending', channelId: dm(AGENT) });
    expect((await cartOf(AGENT)).messageTs).toBeNull();

    const postsBefore = slack.callsTo('chat.postMessage').length;
    const [second] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(second).toMatchObject({ sent: 0, recovered: 1, alreadySent: 1, problems: [] });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(postsBefore);
    const [message] = slack.messagesIn(dm(AGENT));
    expect(slack.messagesIn(dm(AGENT))).toHaveLength(1);
    expect(await cartOf(AGENT)).toMatchObject({ channelId: dm(AGENT), messageTs: message!.ts });
    expect(await deliveryOf(AGENT)).toMatchObject({ status: 'sent', messageTs: message!.ts });
    // It looked in the DM from just before the claim, a page at a time, with the metadata.
    const [look] = slack.callsTo('conversations.history');
    expect(look!.args).toMatchObject({ channel: dm(AGENT), include_all_metadata: 'true' });
    expect(Number(look!.args.limit)).toBeLessThanOrEqual(15);
    expect(Number(look!.args.oldest)).toBeLessThan(Date.now() / 1000);

    // A change to that cart edits that very message.
    const { state } = await openCart(t.db, AGENT, { weekStart: '2026-11-30' }, NOW);
    const result = await changeCart(t.db, AGENT, state.cart.id, state.cart.version, { kind: 'balance' }, NOW);
    await afterChange(textsFor('en'), client, t.db, languages(t.db, () => NOW), result, NOW);
    expect(slack.callsTo('chat.update').at(-1)!.args).toMatchObject({ channel: dm(AGENT), ts: message!.ts });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(postsBefore);
    expect(slack.messagesIn(dm(AGENT))[0]!.blocks).toEqual(slack.callsTo('chat.update').at(-1)!.args.blocks);

    const [third] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(third).toMatchObject({ sent: 0, recovered: 0, alreadySent: 2 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(postsBefore);
  });

  it('looks through the DM a page at a time when more was posted there since', async () => {
    const client = slackClient(BOT_TOKEN, slack.url);
    let dropped = 0;
    slack.on('chat.postMessage', (args) => (args.channel === dm(AGENT) && dropped++ === 0 ? { mishap: 'unanswered' } : undefined));
    await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    // Forty more messages in that DM afterwards (reminders, nudges…), none of them the cart.
    for (let i = 0; i < 40; i++) await client.chat.postMessage({ channel: dm(AGENT), text: `Reminder ${i}` });
    const [second] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(second).toMatchObject({ sent: 0, recovered: 1, problems: [] });
    const looks = slack.callsTo('conversations.history');
    expect(looks.length).toBe(3);
    expect(looks[1]!.args.cursor).toBeTruthy();
    expect((await cartOf(AGENT)).messageTs).toBe(slack.messagesIn(dm(AGENT))[0]!.ts);
    expect(slack.messagesIn(dm(AGENT))).toHaveLength(41);
  });

  it('does not post again what it cannot look for (an app not yet reinstalled with im:history), and says so', async () => {
    const client = slackClient(BOT_TOKEN, slack.url);
    let dropped = 0;
    slack.on('chat.postMessage', (args) => (args.channel === dm(AGENT) && dropped++ === 0 ? { mishap: 'lost' } : undefined));
    slack.on('conversations.history', () => ({ body: { ok: false, error: 'missing_scope', needed: 'im:history', provided: 'chat:write,im:write,commands,users:read' } }));
    await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    const [second] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(second).toMatchObject({ sent: 0, unconfirmed: [AGENT] });
    expect(second!.problems).toEqual([
      'Shanghai Care: the cart of 王芳 Wang Fang (U0AGENT1) may not have arrived: could not look for the message a stopped run may have posted: the app lacks the im:history scope — reinstall it to the workspace from manifest.yml (README: Create the Slack app)',
    ]);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === dm(AGENT))).toHaveLength(1);
    expect(await deliveryOf(AGENT)).toMatchObject({ status: 'sending' });
  });

  it('a cart whose post never reached Slack is posted once by the next run', async () => {
    const client = slackClient(BOT_TOKEN, slack.url);
    let dropped = 0;
    slack.on('chat.postMessage', (args) => (args.channel === dm(AGENT) && dropped++ === 0 ? { mishap: 'lost' } : undefined));
    const [first] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(first).toMatchObject({ sent: 1, unconfirmed: [AGENT] });
    expect(slack.messagesIn(dm(AGENT))).toEqual([]);

    const [second] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(second).toMatchObject({ sent: 1, recovered: 0, alreadySent: 1, problems: [] });
    expect(slack.callsTo('conversations.history').map((c) => c.args.channel)).toEqual([dm(AGENT)]);
    const messages = slack.messagesIn(dm(AGENT));
    expect(messages).toHaveLength(1);
    expect(await cartOf(AGENT)).toMatchObject({ messageTs: messages[0]!.ts });
    expect(await deliveryOf(AGENT)).toMatchObject({ status: 'sent', attempts: 2 });

    await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(slack.messagesIn(dm(AGENT))).toHaveLength(1);
    expect(slack.messagesIn(dm(OTHER_AGENT))).toHaveLength(1);
  });

  it('an agent who opened the cart with /cart after a stopped run keeps that message; the stray copy is marked replaced', async () => {
    const client = slackClient(BOT_TOKEN, slack.url);
    let dropped = 0;
    slack.on('chat.postMessage', (args) => (args.channel === dm(AGENT) && dropped++ === 0 ? { mishap: 'unanswered' } : undefined));
    await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    const [stray] = slack.messagesIn(dm(AGENT));
    // `/cart`: the cart has no message yet, so a new one is posted.
    const { state } = await openCart(t.db, AGENT, { weekStart: '2026-11-30' }, NOW);
    await showCart(textsFor('en'), client, t.db, state, NOW);
    const mine = (await cartOf(AGENT)).messageTs;
    expect(slack.messagesIn(dm(AGENT)).map((m) => m.ts)).toEqual([stray!.ts, mine]);

    const [second] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(second).toMatchObject({ sent: 0, recovered: 1, problems: [] });
    expect((await cartOf(AGENT)).messageTs).toBe(mine);
    expect(JSON.stringify(slack.messagesIn(dm(AGENT))[0]!.blocks)).toContain('replaced by a newer message below');
    expect(slack.messagesIn(dm(AGENT))).toHaveLength(2);
  });

  it.each([
    ['user_not_found', 'Slack has no user U0AGENT2 — correct their slack_user_id in the people file'],
    ['cannot_dm_bot', 'U0AGENT2 is a bot, and a bot cannot be sent a DM — correct their slack_user_id in the people file'],
  ])('names the agent whose cart Slack refused (%s) with the reason, and sends it once the cause is gone', async (error, reason) => {
    const client = slackClient(BOT_TOKEN, slack.url);
    slack.on('conversations.open', (args) => (args.users === OTHER_AGENT ? { body: { ok: false, error } } : undefined));
    const [first] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(first).toMatchObject({ sent: 1, failed: 1, unconfirmed: [] });
    expect(first!.problems).toEqual([`Shanghai Care: the cart of Li Wei (U0AGENT2) was not sent: ${reason}`]);
    expect(await deliveryOf(OTHER_AGENT)).toMatchObject({ status: 'failed', error: reason });

    slack.reset();
    const [second] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(second).toMatchObject({ sent: 1, alreadySent: 1, failed: 0, problems: [] });
    expect(slack.messagesIn(dm(OTHER_AGENT))).toHaveLength(1);
    expect(slack.callsTo('conversations.history')).toEqual([]);
  });

  it('the command line names each agent whose cart Slack refused, with the fix, and exits non-zero', async () => {
    slack.on('conversations.open', (args) => (args.users === OTHER_AGENT ? { body: { ok: false, error: 'user_not_found' } } : undefined));
    const cli = (await commandLine(t, slack.url)).inProcess;
    const run = await cli('propose', '--week', '2026-11-30');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Shanghai Care, week of 2026-11-30: \d+ tasks generated; 1 carts sent, 0 found posted by a stopped run, 0 already sent, 1 not sent, of 2 agents\n$/);
    // Besides progress lines, one line per cart not sent, and no stack.
    expect(run.stderr.split('\n').filter((l) => l && !l.startsWith('  '))).toEqual([
      'Shanghai Care: the cart of Li Wei (U0AGENT2) was not sent: Slack has no user U0AGENT2 — correct their slack_user_id in the people file',
    ]);
    expect(slack.messagesIn(dm(AGENT))).toHaveLength(1);
  }, 60_000);

  it('a run that starts while another is posting waits for it, and sends no second copy', async () => {
    const client = slackClient(BOT_TOKEN, slack.url);
    let slow = true;
    // The first run's post to the first agent takes a while to reach Slack.
    slack.on('chat.postMessage', () => (slow ? ((slow = false), { delayMs: 1500 }) : undefined));
    const first = runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    await eventually(async () => expect((await t.db.select().from(deliveries)).map((d) => d.status)).toContain('sending'));
    const waited: string[] = [];
    const second = runProposals(t.db, client, { now: NOW, perSecond: 1000, onWait: (team) => waited.push(team) });
    const reports = (await Promise.all([first, second])).flat();
    expect(waited).toEqual(['Shanghai Care']);
    expect(reports.map((r) => [r.sent, r.recovered, r.alreadySent])).toEqual([
      [2, 0, 0],
      [0, 0, 2],
    ]);
    expect(slack.messagesIn(dm(AGENT))).toHaveLength(1);
    expect(slack.messagesIn(dm(OTHER_AGENT))).toHaveLength(1);
  });

  it('two runs for different weeks at once in one process both finish: each holds its lock apart from the connections its queries need', async () => {
    // On PostgreSQL each run holds an advisory lock on a connection for as long as it runs. Held on
    // the pool's (two), two runs holding theirs left none for their own queries, and both waited for ever.
    const client = slackClient(BOT_TOKEN, slack.url);
    let held = 0;
    // Each run's first post waits until the other run holds its lock too.
    slack.on('chat.postMessage', () => (held < 2 ? (held++, { delayMs: 800 }) : undefined));
    const reports = (await Promise.all(['2026-11-30', '2026-12-07'].map((weekStart) => runProposals(t.db, client, { now: NOW, weekStart, perSecond: 1000 })))).flat();
    expect(reports.map((r) => [r.weekStart, r.sent, r.failed])).toEqual([
      ['2026-11-30', 2, 0],
      ['2026-12-07', 2, 0],
    ]);
    expect(slack.messagesIn(dm(AGENT))).toHaveLength(2);
  }, 30_000);

  it('killed half-way and restarted, sends each agent exactly one cart, and records the one it was posting', async () => {
    // Twelve agents; the command line sends two a second, and is killed while Slack holds the third's answer.
    const people = ['slack_user_id,name,team,role'];
    for (let i = 3; i <= 12; i++) people.push(`U0AGENT${i},Agent ${i},Shanghai Care,agent`);
    await importCsv(t.db, 'people', people.join('\n'));
    // The embedded database lives in one process: killing a second process mid-way needs PostgreSQL (CI runs both).
    if (!t.url) return;
    let posts = 0;
    slack.on('chat.postMessage', () => (++posts === 3 ? { mishap: 'hung' } : undefined));
    const dir = tempDir('taskcart-');
    const env = { ...process.env, DATABASE_URL: t.url, DATA_DIR: join(dir, 'data'), SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.url };
    const child = spawn(process.execPath, [...program('src/cli/index.ts'), 'propose', '--week', '2026-11-30', '--per-second', '2'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    let exited = false;
    child.on('exit', () => (exited = true));
    while (stored() < 3) {
      expect(exited, 'the first run ended before it was killed').toBe(false);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    while (!exited) await new Promise((r) => setTimeout(r, 20));
    expect(stored()).toBe(3);
    const sending = (await t.db.select().from(deliveries)).filter((d) => d.status === 'sending');
    expect(sending).toHaveLength(1);
    slack.on('chat.postMessage', () => undefined);
    const { stdout } = await promisify(execFile)(process.execPath, [...program('src/cli/index.ts'), 'propose', '--week', '2026-11-30', '--per-second', '50'], { env });
    expect(stdout).toContain('Shanghai Care, week of 2026-11-30: 0 tasks generated; 9 carts sent, 1 found posted by a stopped run, 2 already sent, 0 not sent, of 12 agents');
    // Every agent has exactly one cart message, and it is the one their cart edits.
    const agents = (await t.db.select().from(carts)).map((c) => c.agentId);
    expect(agents).toHaveLength(12);
    for (const agent of agents) {
      const messages = slack.messagesIn(dm(agent));
      expect(messages, agent).toHaveLength(1);
      expect((await cartOf(agent)).messageTs).toBe(messages[0]!.ts);
    }
    expect((await t.db.select().from(deliveries)).every((d) => d.status === 'sent')).toBe(true);
  }, 60_000);
});

const dm = (agent: string) => `D${agent.slice(1)}`;
const stored = () => [...postsTo().keys()].reduce((n, channel) => n + slack.messagesIn(channel).length, 0);
const cartOf = async (agent: string) => (await t.db.select().from(carts).where(eq(carts.agentId, agent)))[0]!;
const deliveryOf = async (agent: string) => (await t.db.select().from(deliveries).where(eq(deliveries.recipient, agent)))[0]!;
