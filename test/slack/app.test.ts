// The running app as Slack reaches it: signed requests in, Web API calls out to the stand-in.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importCsv } from '../../src/import/run.ts';
import { eventually, startTestApp, useTestApp } from '../support/app.ts';
import { BOT_TOKEN, SIGNING_SECRET, commandBody, eventBody, post } from '../support/signed.ts';

const ctx = useTestApp({ beforeAll, afterAll, beforeEach }, {});

/** GET /healthz through `agent`, as a proxy keeping its connections sends it: the answer's headers and the connection it came on. */
function healthz(baseUrl: string, agent: Agent): Promise<{ headers: IncomingHttpHeaders; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/healthz`, { agent }, (res) => {
      res.resume().on('end', () => resolve({ headers: res.headers, socket: req.socket! }));
    });
    req.on('error', reject).end();
  });
}

describe('the running app', () => {
  it('checks its token with auth.test at the Web API it was pointed at, with the bot token, once (Bolt is told who the token is)', async () => {
    // Start-up ran before the reset; start a second one to watch it.
    const other = await startTestApp(ctx.t);
    try {
      const auth = other.slack.callsTo('auth.test');
      expect(auth).toHaveLength(1);
      expect(auth[0]!.token).toBe(BOT_TOKEN);
      expect(other.logs.some((l) => JSON.parse(l).msg === 'connected to Slack as @taskcart in Demo Center')).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it('runs with the bot’s own waits: an ack for a listener still waiting on the database after 2 s, “not done yet” after 5 s (the outage tests, which check what the person sees, give their app shorter ones)', () => {
    // The app as the bot builds it (main.ts gives createApp no timing), as the README's log lines say.
    expect(ctx.app.bot.deps.timing).toEqual({ ackBudgetMs: 2000, slowMs: 5000 });
  });

  it('answers /healthz with 200 while the database answers', async () => {
    const res = await fetch(`${ctx.app.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('keeps an idle connection longer than a load balancer’s 60 s, and drops it at once when it stops', async () => {
    const other = await startTestApp(ctx.t);
    const agent = new Agent({ keepAlive: true });
    let stopped = false;
    try {
      const { headers, socket } = await healthz(other.baseUrl, agent);
      expect(headers.connection).toBe('keep-alive');
      expect(headers['keep-alive']).toBe('timeout=65, max=100');
      const closed = new Promise((r) => socket.once('close', r));
      stopped = true;
      await other.stop();
      await closed;
    } finally {
      agent.destroy();
      if (!stopped) await other.stop();
    }
  });

  it('closes a kept connection after 100 requests, so that connections spread over the workers again', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<Socket>();
    const closing: number[] = [];
    try {
      for (let n = 1; n <= 101; n++) {
        const { headers, socket } = await healthz(ctx.app.baseUrl, agent);
        sockets.add(socket);
        if (headers.connection === 'close') closing.push(n);
      }
    } finally {
      agent.destroy();
    }
    expect(closing).toEqual([100]);
    expect(sockets.size).toBe(2);
  });

  it('refuses a request with a bad signature with 401, and an old timestamp too', async () => {
    const body = commandBody('/cart', 'U0NOBODY', '', ctx.app.slack.responseUrl());
    expect((await post(ctx.app.baseUrl, body, { secret: 'ffffffffffffffffffffffffffffffff' })).status).toBe(401);
    expect((await post(ctx.app.baseUrl, body, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect(ctx.app.slack.responses).toEqual([]);
  });

  it('answers Slack’s checks of the endpoint, and a malformed or unsigned body, as Bolt does', async () => {
    // Slack's SSL check of a command's URL, and the Events API's URL verification (its challenge echoed).
    const ssl = await post(ctx.app.baseUrl, 'ssl_check=1&token=legacy');
    expect([ssl.status, ssl.body]).toEqual([200, '']);
    const challenge = await post(ctx.app.baseUrl, JSON.stringify({ type: 'url_verification', token: 'legacy', challenge: 'c-3eZbrw1aBm' }), { contentType: 'application/json' });
    expect([challenge.status, challenge.json()]).toEqual([200, { challenge: 'c-3eZbrw1aBm' }]);
    // Signed but not JSON: 400; JSON but signed with another secret: 401. Neither reaches a listener.
    expect((await post(ctx.app.baseUrl, '{"type":', { contentType: 'application/json' })).status).toBe(400);
    expect((await post(ctx.app.baseUrl, JSON.stringify({ type: 'url_verification', challenge: 'x' }), { contentType: 'application/json', secret: 'ffffffffffffffffffffffffffffffff' })).status).toBe(401);
    expect(ctx.app.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('tells a Slack user it does not know how to get set up, for every command', async () => {
    for (const command of ['/cart', '/tasks', '/team-carts']) {
      const res = await post(ctx.app.baseUrl, commandBody(command, 'U0NOBODY', '', ctx.app.slack.responseUrl(command)));
      expect(res.status).toBe(200);
    }
    await eventually(() => expect(ctx.app.slack.responses).toHaveLength(3));
    for (const r of ctx.app.slack.responses) {
      expect(r.body.text).toMatch(/doesn't know you yet.*`U0NOBODY`.*npm run cli -- import people/);
      expect(r.body.response_type).toBe('ephemeral');
    }
  });

  it('publishes a set-up App Home for an unknown user and a greeting for a known one', async () => {
    await post(ctx.app.baseUrl, eventBody({ type: 'app_home_opened', user: 'U0NOBODY', channel: 'D1', tab: 'home' }), { contentType: 'application/json' });
    await eventually(() => expect(ctx.app.slack.callsTo('views.publish')).toHaveLength(1));
    expect(JSON.stringify(ctx.app.slack.callsTo('views.publish')[0]!.args.view)).toContain("doesn't know you yet");

    await importCsv(ctx.t.db, 'teams', 'team\nNorth\n');
    await importCsv(ctx.t.db, 'people', 'slack_user_id,name,team,role\nU0AGENT1,Wang Fang,North,agent\n');
    await post(ctx.app.baseUrl, eventBody({ type: 'app_home_opened', user: 'U0AGENT1', channel: 'D2', tab: 'home' }), { contentType: 'application/json' });
    await eventually(() => expect(ctx.app.slack.callsTo('views.publish')).toHaveLength(2));
    expect(JSON.stringify(ctx.app.slack.callsTo('views.publish')[1]!.args.view)).toContain('Wang Fang');
    expect(ctx.app.slack.violations).toEqual([]);
  });

  it('never writes a secret to its log', async () => {
    await post(ctx.app.baseUrl, commandBody('/cart', 'U0NOBODY', '', ctx.app.slack.responseUrl()));
    await eventually(() => expect(ctx.app.slack.responses).toHaveLength(1));
    const all = ctx.app.logs.join('\n');
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(SIGNING_SECRET);
    for (const line of ctx.app.logs) expect(() => JSON.parse(line)).not.toThrow();
  });
});
