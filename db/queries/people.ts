import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { people, teams } from '../schema.ts';

/** A Slack user as Task Cart knows them, with their team; null for someone never imported. */
export async function findPerson(db: DbOrTx, slackUserId: string) {
  const [row] = await db
    .select({ person: people, team: teams })
    .from(people)
    .innerJoin(teams, eq(teams.id, people.teamId))
    .where(eq(people.slackUserId, slackUserId))
    .limit(1);
  return row ?? null;
}

export type PersonWithTeam = NonNullable<Awaited<ReturnType<typeof findPerson>>>;
