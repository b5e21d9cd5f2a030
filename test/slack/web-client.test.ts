// The Web API client of every listener and job (src/slack/web-client.ts): the calls a click makes go
// to Slack as JSON and answer as WebClient's do; refusals, rate limits and dropped connections are
// met as WebClient meets them, and a client told not to retry (the fan-out's poster) never sends twice.
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackWebClient } from '../../src/slack/web-client.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';

let slack: SlackStandIn;
beforeAll(async () => {
  slack = await new SlackStandIn().start();
});
afterAll(() => slack.stop());
beforeEach(() => slack.reset());

const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*周一* 4 h — <@U0X> & "quotes" ✓' } }];

describe('SlackWebClient', () => {
  it('posts and edits a message as JSON with the bot token; Slack stores exactly what was sent', async () => {
    const client = new SlackWebClient(BOT_TOKEN, { slackApiUrl: slack.url });
    const posted = await client.chat.postMessage({ channel: 'D0ONE', text: 'fallback', blocks });
    await client.chat.update({ channel: 'D0ONE', ts: posted.ts!, text: 'edited', blocks });
    const calls = slack.calls.filter((c) => c.method.startsWith('chat.'));
    expect(calls.map((c) => [c.method, c.token, c.contentType])).toEqual([
      ['chat.postMessage', BOT_TOKEN, 'application/json; charset=utf-8'],
      ['chat.update', BOT_TOKEN, 'application/json; charset=utf-8'],
    ]);
    expect(slack.messagesIn('D0ONE')).toMatchObject([{ ts: posted.ts, text: 'edited', blocks }]);
  });

  it('answers a refusal as WebClient does: a platform error naming Slack’s reason', async () => {
    slack.on('chat.update', () => ({ body: { ok: false, error: 'message_not_found' } }));
    const client = new SlackWebClient(BOT_TOKEN, { slackApiUrl: slack.url });
    const error = await client.chat.update({ channel: 'D0ONE', ts: '1.000001', text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(webApi.WebAPIPlatformError);
    expect(error).toMatchObject({ code: webApi.ErrorCode.PlatformError, data: { ok: false, error: 'message_not_found' } });
  });

  it('waits out a 429 for as long as Slack says, then sends again; a client that rejects rate limits says how long to wait', async () => {
    let limited = 1;
    slack.on('views.publish', () => (limited-- > 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } } : undefined));
    const client = new SlackWebClient(BOT_TOKEN, { slackApiUrl: slack.url });
    const started = Date.now();
    await client.views.publish({ user_id: 'U0ONE', view: { type: 'home', blocks } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(slack.callsTo('views.publish')).toHaveLength(2);

    limited = 1;
    const strict = new SlackWebClient(BOT_TOKEN, { slackApiUrl: slack.url, rejectRateLimitedCalls: true });
    const error = await strict.views.publish({ user_id: 'U0ONE', view: { type: 'home', blocks } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 1 });
    expect(slack.callsTo('views.publish')).toHaveLength(3);
  });

  it('sends again after a dropped connection; told not to retry, it posts once and says the request failed', async () => {
    let drops = 1;
    slack.on('chat.postMessage', () => (drops-- > 0 ? { mishap: 'lost' } : undefined));
    const client = new SlackWebClient(BOT_TOKEN, { slackApiUrl: slack.url });
    await client.chat.postMessage({ channel: 'D0TWO', text: 'hello' });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(slack.messagesIn('D0TWO')).toHaveLength(1);

    drops = 1;
    const once = new SlackWebClient(BOT_TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    const error = await once.chat.postMessage({ channel: 'D0THREE', text: 'hello' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: webApi.ErrorCode.RequestError });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
    expect(slack.messagesIn('D0THREE')).toHaveLength(0);
  });

  it('leaves other methods to WebClient, form-encoded as before', async () => {
    const client = new SlackWebClient(BOT_TOKEN, { slackApiUrl: slack.url });
    await client.users.info({ user: 'U0ONE' }).catch(() => undefined);
    expect(slack.callsTo('users.info').map((c) => c.contentType)).toEqual(['application/x-www-form-urlencoded']);
  });
});
