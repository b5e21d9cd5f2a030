// Keys of the Slack requests that changed something: a replay or a retry finds its key and changes nothing.
import { lt, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../client.ts';
import { requestKeys } from '../schema.ts';

/**
 * Claims a request's key; false when it was claimed before (a replay). Only for changes that are
 * not one statement: inside their transaction, so a change that fails leaves its key unclaimed.
 */
export async function claimRequest(db: DbOrTx, key: string): Promise<boolean> {
  const rows = await db.insert(requestKeys).values({ key }).onConflictDoNothing().returning({ key: requestKeys.key });
  return rows.length > 0;
}

/** Forgets keys older than `before`: Slack's signatures keep a request valid for five minutes only. */
export async function purgeRequestKeys(db: DbOrTx, before: Date): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(db, sql`with gone as (delete from ${requestKeys} where ${lt(requestKeys.at, before)} returning 1) select count(*)::int as n from gone`);
  return row?.n ?? 0;
}

/** A unique violation on the request keys: two copies of one request raced, and the other one won. */
export function isReplayConflict(error: unknown): boolean {
  for (let e = error as { code?: string; constraint_name?: string; constraint?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505' && `${e.constraint_name ?? e.constraint ?? e.message ?? ''}`.includes('request_keys')) return true;
  }
  return false;
}
