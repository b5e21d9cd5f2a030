// The schema and migrations on whichever driver this run uses (PGlite by default, PostgreSQL with DATABASE_URL).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../db/client.ts';
import { carts, people, teams, timeOff } from '../../db/schema.ts';
import { resetDatabase, testDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(() => t.close());
beforeEach(() => resetDatabase(t));

describe(`schema on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('has every table with the team defaults of the product', async () => {
    const [team] = await t.db.insert(teams).values({ name: 'North' }).returning();
    expect(team).toMatchObject({
      timezone: 'UTC',
      workDays: [1, 2, 3, 4, 5],
      dayCapacityMinutes: 390,
      upperPercent: 100,
      lowerPercent: 60,
      proposalWeekday: 5,
      proposalTime: '15:00',
      allowFlaggedCommit: false,
    });
    expect(team!.createdAt).toBeInstanceOf(Date);
  });

  it('applies migrations again without change', async () => {
    await migrateDatabase(t);
    const rows = await t.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(rows[0]!.n).toBeGreaterThan(0);
  });

  it('enforces foreign keys, one cart per agent and week, and time off for one subject', async () => {
    await expect(t.db.insert(people).values({ slackUserId: 'U1', name: 'A', teamId: 999, role: 'agent' })).rejects.toThrow();
    const [team] = await t.db.insert(teams).values({ name: 'North' }).returning();
    await t.db.insert(people).values({ slackUserId: 'U1', name: 'A', teamId: team!.id, role: 'agent' });
    await t.db.insert(carts).values({ agentId: 'U1', weekStart: '2026-11-30' });
    await expect(t.db.insert(carts).values({ agentId: 'U1', weekStart: '2026-11-30' })).rejects.toThrow();
    await expect(
      t.db.insert(timeOff).values({ slackUserId: 'U1', teamId: team!.id, fromDay: '2026-12-01', toDay: '2026-12-01' }),
    ).rejects.toThrow();
    const [cart] = await t.db.select().from(carts).where(eq(carts.agentId, 'U1'));
    expect(cart).toMatchObject({ status: 'open', version: 1, weekStart: '2026-11-30' });
  });
});
