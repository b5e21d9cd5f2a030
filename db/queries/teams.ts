// A team's settings (docs/settings.md): read for `team show`, changed for `team set`.
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { segmentCadences, teams } from '../schema.ts';

export type Team = typeof teams.$inferSelect;
export type TeamSettings = Omit<Team, 'id' | 'name' | 'createdAt' | 'updatedAt'>;

/** Teams by name (one, or all) with their follow-up cadences by segment. */
export async function teamsWithCadences(db: DbOrTx, name?: string): Promise<Array<{ team: Team; cadences: Map<string, number> }>> {
  const rows = await db.select().from(teams).where(name === undefined ? undefined : eq(teams.name, name)).orderBy(asc(teams.name));
  const cadences = await db.select().from(segmentCadences).orderBy(asc(segmentCadences.segment));
  return rows.map((team) => ({ team, cadences: new Map(cadences.filter((c) => c.teamId === team.id).map((c) => [c.segment, c.days])) }));
}

/** The team's row, locked until the transaction ends: two changes at once are made one after the other. */
export async function lockTeam(tx: DbOrTx, name: string): Promise<Team | null> {
  const [row] = await tx.select().from(teams).where(eq(teams.name, name)).for('update');
  return row ?? null;
}

export async function updateTeamSettings(db: DbOrTx, id: number, settings: Partial<TeamSettings>, cadences: ReadonlyArray<{ segment: string; days: number }>) {
  if (Object.keys(settings).length) await db.update(teams).set({ ...settings, updatedAt: new Date() }).where(eq(teams.id, id));
  for (const { segment, days } of cadences) {
    await db
      .insert(segmentCadences)
      .values({ teamId: id, segment, days })
      .onConflictDoUpdate({ target: [segmentCadences.teamId, segmentCadences.segment], set: { days } });
  }
}
