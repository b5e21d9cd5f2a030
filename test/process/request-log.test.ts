// One log line per Slack request, with who, what, how long and how it ended; errors as a field
// with their stack, never shown to the user; no secret in any line.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, useTestApp } from '../support/app.ts';
import { testDatabase } from '../support/db.ts';
import { AGENT, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/signed.ts';
import { Agent } from '../support/slack-client.ts';

const ctx = useTestApp({ beforeAll, afterAll, beforeEach }, { logLevel: 'debug', seed: (t) => loadCenter(t.db) });
const lines = (logs: string[]) => logs.map((l) => JSON.parse(l) as Record<string, any>);
const requestLines = (logs: string[]) => lines(logs).filter((l) => l.outcome !== undefined);

describe('request log', () => {
  it('logs a slash command and a button click: user, what, duration and outcome', async () => {
    const agent = new Agent(ctx.app, AGENT);
    ctx.app.logs.length = 0;
    await agent.command('/cart');
    await agent.settle();
    await agent.click('cart_auto_balance', agent.button('cart_auto_balance').value as string);
    await agent.settle();
    const [command, action] = requestLines(ctx.app.logs);
    expect(command).toMatchObject({ level: 'info', msg: 'command /cart', kind: 'command', what: '/cart', user: AGENT, team: 'T0DEMO', outcome: 'ok' });
    expect(action).toMatchObject({ level: 'info', msg: 'action cart_auto_balance', kind: 'action', what: 'cart_auto_balance', user: AGENT, team: 'T0DEMO', outcome: 'ok' });
    for (const l of [command!, action!]) expect(l.ms).toBeGreaterThan(0);
    // Lines written while a request is handled (here Bolt's own, at debug level) carry its user and what.
    expect(lines(ctx.app.logs).filter((l) => l.outcome === undefined && l.user === AGENT).map((l) => l.what)).toContain('cart_auto_balance');
  });

  it('a request that fails: outcome error, the error as a field with its stack, nothing of it shown to the user, no secret logged', async () => {
    const t = await testDatabase();
    const app = await startTestApp(t);
    try {
      await loadCenter(t.db);
      await t.close(); // the database goes away under the running app
      const agent = new Agent(app, AGENT);
      await agent.command('/cart');
      await agent.settle();
      const all = lines(app.logs);
      const request = all.find((l) => l.kind === 'command');
      expect(request).toMatchObject({ level: 'warn', what: '/cart', user: AGENT, outcome: 'error' });
      const failure = all.find((l) => l.level === 'error' && l.err);
      expect(failure).toMatchObject({ user: AGENT, what: '/cart' });
      expect(failure!.err.stack).toMatch(/\n\s+at /);
      // The user is told something went wrong, without the error's insides.
      const told = JSON.stringify(app.slack.responses) + JSON.stringify(app.slack.calls.map((c) => c.args));
      expect(told).not.toMatch(/\s+at |Error:|ECONN|CONNECTION_/);
      for (const secret of [BOT_TOKEN, SIGNING_SECRET]) expect(app.logs.join('\n')).not.toContain(secret);
    } finally {
      await app.stop();
    }
  });
});
