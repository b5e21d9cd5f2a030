// The demo contact center an admin loads first (`npm run cli -- demo`): it must show the method —
// a cart with an overloaded and an idle day to balance, carts ready to commit, a merge, a day off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT, changeCart, openCart } from '../../src/services/cart.ts';
import { demoAgentId, loadDemo } from '../../src/services/demo.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { NOW } from '../support/fixtures.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase();
  await loadDemo(t.db, NOW);
}, 60_000);
afterAll(() => t.close());

const flagsOf = async (agent: string) => {
  const { state } = await openCart(t.db, agent, 'next', NOW);
  return { state, flags: state.measure.days.filter((d) => d.flag).map((d) => `${d.plan.day} ${d.flag!.kind}`) };
};

describe('the demo contact center', () => {
  it('changes nothing when loaded again', async () => {
    const again = await loadDemo(t.db, NOW);
    expect(again).not.toMatch(/[1-9]\d* (inserted|updated)/);
    expect(again).toMatch(/customers: 0 inserted, 0 updated, 1080 unchanged/);
  }, 60_000);

  it.each([0, 1])('gives team %i’s first agent an overloaded Monday, an idle Thursday and a merged duplicate, which auto-balance clears', async (team) => {
    const { state, flags } = await flagsOf(demoAgentId(team, 0));
    expect(flags).toEqual(['2026-11-30 overloaded', '2026-12-03 idle']);
    expect(state.merged).toHaveLength(1);
    expect(state.advice.find((a) => a.day === '2026-11-30')!.suggestions.length).toBeGreaterThan(0);
    const balanced = await changeCart(t.db, demoAgentId(team, 0), state.cart.id, CURRENT, { kind: 'balance' }, NOW);
    expect(balanced.state.measure.committable).toBe(true);
  });

  it('gives every other agent a week they can commit as it is, but the one with a day off', async () => {
    for (const team of [0, 1]) {
      for (const agent of [1, 2, 3, 4, 5]) {
        const { state, flags } = await flagsOf(demoAgentId(team, agent));
        // New York's fourth agent is at the dentist on Wednesday, where tasks were planned.
        expect(flags, demoAgentId(team, agent)).toEqual(team === 1 && agent === 3 ? ['2026-12-02 off_day'] : []);
        expect(state.tasks.length).toBe(agent === 5 ? 50 : 80);
      }
    }
  });
});
