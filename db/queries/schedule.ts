// Claims of scheduled slots: each team's slot is queued once, whatever the number of bot processes.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { scheduleRuns } from '../schema.ts';

type Kind = (typeof scheduleRuns.$inferInsert)['kind'];

/** `zone`: a reminder slot's zone; '' for the slots of a whole team. */
export async function slotClaimed(db: DbOrTx, teamId: number, kind: Kind, slot: string, zone = ''): Promise<boolean> {
  const rows = await db
    .select({ slot: scheduleRuns.slot })
    .from(scheduleRuns)
    .where(and(eq(scheduleRuns.teamId, teamId), eq(scheduleRuns.kind, kind), eq(scheduleRuns.slot, slot), eq(scheduleRuns.zone, zone)));
  return rows.length > 0;
}

/** True for the one caller that claims the slot; false when it was claimed already. */
export async function claimSlot(db: DbOrTx, row: { teamId: number; kind: Kind; slot: string; zone?: string; dueAt: Date }): Promise<boolean> {
  const claimed = await db.insert(scheduleRuns).values(row).onConflictDoNothing().returning({ slot: scheduleRuns.slot });
  return claimed.length > 0;
}
