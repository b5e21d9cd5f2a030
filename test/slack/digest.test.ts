// Digests go out once per slot, to the digest channel or to each supervisor's DM, across runs
// that stop mid-send; a digest Slack refuses is named, with the fix, and the command line fails.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { deliveries, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { commandLine } from '../support/cli.ts';
import { seedOnce, testDatabase, type TestDatabase } from '../support/db.ts';
import { NOW, SUPERVISOR, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';

const CHANNEL = 'C0DIGEST';
const OTHER_SUPERVISOR = 'U0SUP2';
const dm = (user: string) => `D${user.slice(1)}`;

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
  await importCsv(db.db, 'people', `slack_user_id,name,team,role\n${OTHER_SUPERVISOR},Qian Hui,Shanghai Care,supervisor\n`);
});
beforeEach(async () => {
  await reset(t);
  slack.reset();
});

const digest = () => runDigests(t.db, slackClient(BOT_TOKEN, slack.url), { now: NOW });
const deliveryTo = async (recipient: string) => (await t.db.select().from(deliveries).where(eq(deliveries.recipient, recipient)))[0]!;
/** Fails the first post to `channel` in the given way; the others go through. */
const once = (channel: string, mishap: 'lost' | 'unanswered') => {
  let left = 1;
  return (args: Record<string, unknown>) => (args.channel === channel && left-- > 0 ? { mishap } : undefined);
};

describe('digests, exactly once', () => {
  it('carry metadata naming the delivery, and the delivery records the message', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    const [r] = await digest();
    expect(r).toMatchObject({ recipients: 1, sent: 1, recovered: 0, problems: [] });
    const [message] = slack.messagesIn(CHANNEL);
    const key = 'digest:1:daily:2026-11-27:C0DIGEST';
    expect(message!.metadata).toEqual({ event_type: 'digest_posted', event_payload: { delivery_key: key } });
    expect(await deliveryTo(CHANNEL)).toMatchObject({ key, status: 'sent', channelId: CHANNEL, messageTs: message!.ts });
    expect(slack.violations).toEqual([]);
  });

  it('to a channel: one Slack took without answering is found there by the next run and not posted again', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    slack.on('chat.postMessage', once(CHANNEL, 'unanswered'));
    const [first] = await digest();
    expect(first).toMatchObject({ sent: 0 });
    expect(first!.problems).toEqual([expect.stringMatching(/^Shanghai Care: the daily digest to C0DIGEST may not have arrived: Slack did not answer \(.+\) — run it again: the message is looked for there before it is posted again$/)]);
    expect(await deliveryTo(CHANNEL)).toMatchObject({ status: 'sending', channelId: CHANNEL, messageTs: null });

    const [second] = await digest();
    expect(second).toMatchObject({ sent: 1, recovered: 1, problems: [] });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    const messages = slack.messagesIn(CHANNEL);
    expect(messages).toHaveLength(1);
    expect(await deliveryTo(CHANNEL)).toMatchObject({ status: 'sent', messageTs: messages[0]!.ts });
    expect(slack.callsTo('conversations.history')[0]!.args).toMatchObject({ channel: CHANNEL, include_all_metadata: 'true' });

    await digest();
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
  });

  it('to supervisors: the DM Slack took is recorded, the one that never reached Slack is posted once', async () => {
    const unanswered = once(dm(SUPERVISOR), 'unanswered');
    const lost = once(dm(OTHER_SUPERVISOR), 'lost');
    slack.on('chat.postMessage', (args) => unanswered(args) ?? lost(args));
    const [first] = await digest();
    expect(first).toMatchObject({ recipients: 2, sent: 0 });
    expect(first!.problems).toEqual([
      expect.stringMatching(/^Shanghai Care: the daily digest to Qian Hui \(U0SUP2\) may not have arrived: Slack did not answer/),
      expect.stringMatching(/^Shanghai Care: the daily digest to Zhao Li \(U0SUP1\) may not have arrived: Slack did not answer/),
    ]);
    expect(slack.messagesIn(dm(SUPERVISOR))).toHaveLength(1);
    expect(slack.messagesIn(dm(OTHER_SUPERVISOR))).toHaveLength(0);

    const [second] = await digest();
    expect(second).toMatchObject({ sent: 2, recovered: 1, problems: [] });
    for (const sup of [SUPERVISOR, OTHER_SUPERVISOR]) {
      const messages = slack.messagesIn(dm(sup));
      expect(messages, sup).toHaveLength(1);
      expect(await deliveryTo(sup)).toMatchObject({ status: 'sent', channelId: dm(sup), messageTs: messages[0]!.ts });
    }
    await digest();
    expect(slack.messagesIn(dm(SUPERVISOR))).toHaveLength(1);
    expect(slack.messagesIn(dm(OTHER_SUPERVISOR))).toHaveLength(1);
  });

  it.each([
    ['not_in_channel', 'the bot is not in that channel — invite @Task Cart with /invite, or set another channel with `npm run cli -- team set …`'],
    ['channel_not_found', 'Slack has no such channel, or it is private and the bot is not in it — invite @Task Cart with /invite, or set another channel with `npm run cli -- team set …`'],
    ['is_archived', 'the channel is archived — unarchive it, or set another channel with `npm run cli -- team set …`'],
  ])('one Slack refuses (%s) is named with the fix, and goes out once the cause is gone', async (error, reason) => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    slack.on('chat.postMessage', () => ({ body: { ok: false, error } }));
    const [first] = await digest();
    expect(first).toMatchObject({ sent: 0, problems: [`Shanghai Care: the daily digest could not be posted to C0DIGEST: ${reason}`] });
    expect(await deliveryTo(CHANNEL)).toMatchObject({ status: 'failed', error: reason });
    slack.on('chat.postMessage', () => undefined);
    const [second] = await digest();
    expect(second).toMatchObject({ sent: 1, problems: [] });
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
    // Refused means not posted: nothing to look for.
    expect(slack.callsTo('conversations.history')).toEqual([]);
  });

  it('the command line exits non-zero with one line saying why and what to do, and succeeds once the bot is invited', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    const cli = (await commandLine(t, slack.url)).inProcess;
    slack.on('chat.postMessage', () => ({ body: { ok: false, error: 'not_in_channel' } }));
    const refused = await cli('digest');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'Shanghai Care: the daily digest could not be posted to C0DIGEST: the bot is not in that channel — invite @Task Cart with /invite, or set another channel with `npm run cli -- team set …`',
    );
    expect(refused.stdout).toMatch(/^Shanghai Care, week of \d{4}-\d{2}-\d{2}: daily digest sent to 0 of 1 recipient\(s\)\n$/);
    expect(slack.messagesIn(CHANNEL)).toEqual([]);

    slack.on('chat.postMessage', () => undefined);
    const invited = await cli('digest');
    expect(invited).toMatchObject({ code: 0, stderr: '' });
    expect(invited.stdout).toContain('daily digest sent to 1 of 1 recipient(s)');
    expect(await cli('digest')).toMatchObject({ code: 0 });
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
    // Three runs, each opening the database as its own process would, the second also drawing the digest's chart.
  }, 120_000);
});
