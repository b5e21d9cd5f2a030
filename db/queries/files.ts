// The files a delivered message carries after it (a digest's chart): each shared once (db/schema.ts, `delivery_files`).
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { deliveryFiles } from '../schema.ts';

export type DeliveryFileRow = typeof deliveryFiles.$inferSelect;

export async function deliveryFile(db: DbOrTx, deliveryKey: string, name: string): Promise<DeliveryFileRow | null> {
  const [row] = await db.select().from(deliveryFiles).where(and(eq(deliveryFiles.deliveryKey, deliveryKey), eq(deliveryFiles.name, name)));
  return row ?? null;
}

/**
 * Claims a file to upload it now: new, or failed before (nothing of it was shared). Committed before
 * the upload, so that no other run uploads it too. False when it is `sending` or `shared`.
 */
export async function claimFile(db: DbOrTx, deliveryKey: string, name: string): Promise<boolean> {
  const claimed = await db
    .insert(deliveryFiles)
    .values({ deliveryKey, name, status: 'sending' })
    .onConflictDoUpdate({
      target: [deliveryFiles.deliveryKey, deliveryFiles.name],
      set: { status: 'sending', attempts: sql`${deliveryFiles.attempts} + 1`, error: null, updatedAt: sql`now()` },
      setWhere: eq(deliveryFiles.status, 'failed'),
    })
    .returning({ name: deliveryFiles.name });
  return claimed.length > 0;
}

export async function markFileShared(db: DbOrTx, deliveryKey: string, name: string, fileId: string): Promise<void> {
  await db
    .update(deliveryFiles)
    .set({ status: 'shared', fileId, error: null, updatedAt: sql`now()` })
    .where(and(eq(deliveryFiles.deliveryKey, deliveryKey), eq(deliveryFiles.name, name)));
}

/**
 * Records why a file was not shared: `failed` (nothing was shared: a later run tries again), or,
 * when Slack did not answer the step that shares it, the reason only: it stays `sending`, never
 * uploaded again. A file that could not be made at all is recorded `failed` too.
 */
export async function markFileUnshared(db: DbOrTx, deliveryKey: string, name: string, error: string, shared: 'no' | 'unknown'): Promise<void> {
  await db
    .insert(deliveryFiles)
    .values({ deliveryKey, name, status: 'failed', error: error.slice(0, 500) })
    .onConflictDoUpdate({
      target: [deliveryFiles.deliveryKey, deliveryFiles.name],
      set: shared === 'no' ? { status: 'failed', error: error.slice(0, 500), updatedAt: sql`now()` } : { error: error.slice(0, 500), updatedAt: sql`now()` },
      setWhere: sql`${deliveryFiles.status} <> 'shared'`,
    });
}
