// The running app as Slack reaches it: signed requests in, Web API calls out to the stand-in.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importCsv } from '../../src/import/run.ts';
import { eventually, startTestApp, type TestApp } from '../support/app.ts';
import { resetDatabase, testDatabase, type TestDatabase } from '../support/db.ts';
import { BOT_TOKEN, SIGNING_SECRET, commandBody, eventBody, post } from '../support/signed.ts';

let t: TestDatabase;
let app: TestApp;
beforeAll(async () => {
  t = await testDatabase();
  app = await startTestApp(t);
});
afterAll(async () => {
  await app.stop();
  await t.close();
});
beforeEach(async () => {
  await resetDatabase(t);
  app.slack.reset();
});

describe('the running app', () => {
  it('checks its token with auth.test at the Web API it was pointed at, with the bot token', async () => {
    // Start-up ran before the reset; start a second one to watch it.
    const other = await startTestApp(t);
    try {
      const auth = other.slack.callsTo('auth.test');
      expect(auth.length).toBeGreaterThanOrEqual(1);
      expect(auth[0]!.token).toBe(BOT_TOKEN);
      expect(other.logs.some((l) => JSON.parse(l).msg === 'connected to Slack as @taskcart in Demo Center')).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it('answers /healthz with 200 while the database answers', async () => {
    const res = await fetch(`${app.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('refuses a request with a bad signature with 401, and an old timestamp too', async () => {
    const body = commandBody('/cart', 'U0NOBODY', '', app.slack.responseUrl());
    expect((await post(app.baseUrl, body, { secret: 'ffffffffffffffffffffffffffffffff' })).status).toBe(401);
    expect((await post(app.baseUrl, body, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect(app.slack.responses).toEqual([]);
  });

  it('tells a Slack user it does not know how to get set up, for every command', async () => {
    for (const command of ['/cart', '/tasks', '/team-carts']) {
      const res = await post(app.baseUrl, commandBody(command, 'U0NOBODY', '', app.slack.responseUrl(command)));
      expect(res.status).toBe(200);
    }
    await eventually(() => expect(app.slack.responses).toHaveLength(3));
    for (const r of app.slack.responses) {
      expect(r.body.text).toMatch(/doesn't know you yet.*`U0NOBODY`.*npm run cli -- import people/);
      expect(r.body.response_type).toBe('ephemeral');
    }
  });

  it('publishes a set-up App Home for an unknown user and a greeting for a known one', async () => {
    await post(app.baseUrl, eventBody({ type: 'app_home_opened', user: 'U0NOBODY', channel: 'D1', tab: 'home' }), { contentType: 'application/json' });
    await eventually(() => expect(app.slack.callsTo('views.publish')).toHaveLength(1));
    expect(JSON.stringify(app.slack.callsTo('views.publish')[0]!.args.view)).toContain("doesn't know you yet");

    await importCsv(t.db, 'teams', 'team\nNorth\n');
    await importCsv(t.db, 'people', 'slack_user_id,name,team,role\nU0AGENT1,Wang Fang,North,agent\n');
    await post(app.baseUrl, eventBody({ type: 'app_home_opened', user: 'U0AGENT1', channel: 'D2', tab: 'home' }), { contentType: 'application/json' });
    await eventually(() => expect(app.slack.callsTo('views.publish')).toHaveLength(2));
    expect(JSON.stringify(app.slack.callsTo('views.publish')[1]!.args.view)).toContain('Wang Fang');
    expect(app.slack.violations).toEqual([]);
  });

  it('never writes a secret to its log', async () => {
    await post(app.baseUrl, commandBody('/cart', 'U0NOBODY', '', app.slack.responseUrl()));
    await eventually(() => expect(app.slack.responses).toHaveLength(1));
    const all = app.logs.join('\n');
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(SIGNING_SECRET);
    for (const line of app.logs) expect(() => JSON.parse(line)).not.toThrow();
  });
});
