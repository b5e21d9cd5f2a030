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

/** Records a person's Slack locale (undefined: keep the one known) and when it was asked. */
export async function saveLocale(db: DbOrTx, slackUserId: string, locale: string | null | undefined, checkedAt: Date): Promise<void> {
  await db
    .update(people)
    .set({ ...(locale !== undefined && { locale: locale?.slice(0, 35) ?? null }), localeCheckedAt: checkedAt })
    .where(eq(people.slackUserId, slackUserId));
}

export type PersonWithTeam = NonNullable<Awaited<ReturnType<typeof findPerson>>>;
