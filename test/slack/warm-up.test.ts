// The solver's warm-up (src/services/solver.ts warmUp, started by src/main.ts ten seconds after the
// bot is up) gives way to clicks: after each of its carts it waits until no request is in flight
// (the app's `quiet`), so an agent's click waits for one cart's solve at most, not for the whole
// warm-up. Before, a /cart sent as the warm-up began took 2.5–3.7 s (2 × Intel Xeon, 2026-11-28).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MipSolver } from '../../src/engine/index.ts';
import { loadSolver, warmUp } from '../../src/services/solver.ts';
import { eventually, useTestApp } from '../support/app.ts';
import { AGENT, NOW, loadCenter } from '../support/fixtures.ts';
import { Agent } from '../support/slack-client.ts';

const ctx = useTestApp({ beforeAll, afterAll, beforeEach }, { now: NOW, seed: (db) => loadCenter(db.db) });

describe('the solver warm-up beside a click', () => {
  it('waits after its cart while a /cart is in flight, and goes on once it is answered', async () => {
    const highs = (await loadSolver())!;
    let solves = 0;
    const counting: MipSolver = { ...highs, solve: (...args: Parameters<MipSolver['solve']>) => ((solves += 1), highs.solve(...args)) };
    // Slack holds the cart message's post until released: the /cart stays in flight.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    ctx.app.slack.on('chat.postMessage', async () => {
      await held;
      return undefined;
    });
    await new Agent(ctx.app, AGENT).command('/cart', '', 'cart');
    await eventually(() => expect(ctx.app.slack.callsTo('chat.postMessage')).toHaveLength(1));

    let done = false;
    const warming = warmUp(counting, { carts: 1, between: () => ctx.app.bot.quiet() }).then(() => (done = true));
    await eventually(() => expect(solves).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);

    release();
    await warming;
    expect(ctx.app.slack.messagesIn(`D${AGENT.slice(1)}`)).toHaveLength(1);
  });
});
