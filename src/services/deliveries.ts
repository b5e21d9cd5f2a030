// One message of a fan-out (a proposed cart, a digest), delivered exactly once across crashes,
// retries and several processes. Each is a row of `deliveries`: claimed before it is posted, marked
// sent after. A run that stops in between leaves it `sending`; the message it may have posted names
// the delivery in its metadata, so the next run looks for it in the channel before posting again.
import type { Db, Tx } from '../../db/client.ts';
import { claimDelivery, markDelivered, markUndelivered, noteUnconfirmed, reclaimDelivery, type DeliveryRow } from '../../db/queries/jobs.ts';

/** Slack refused the call (ok: false): nothing was posted. `message` says why and what to do. */
export class Refused extends Error {
  override name = 'Refused';
}

export interface Parcel {
  /** False when the recipient has it already (an agent who opened the cart with /cart): nothing is posted. */
  needed: boolean;
  /** The conversation it goes to: a person's DM is opened here. */
  channel(): Promise<string>;
  /** Posts it, naming the delivery in the message's metadata; answers the message's ts. */
  post(channel: string): Promise<string>;
  /** The ts of a message naming the delivery, posted in `channel` since `since`; null when there is none. */
  find(channel: string, since: Date): Promise<string | null>;
  /** Saved in the same transaction as the mark "sent" (the cart's message). */
  record?(tx: Tx, message: { channelId: string; ts: string }): Promise<void>;
}

export type Outcome =
  | { kind: 'sent'; channelId: string; ts: string }
  /** Found in the channel: a run that stopped had posted it. */
  | { kind: 'recovered'; channelId: string; ts: string }
  | { kind: 'already' }
  /** Slack refused it: tried again by the next run. */
  | { kind: 'failed'; reason: string }
  /** Left `sending`: the next run looks for it before posting it again. */
  | { kind: 'unconfirmed'; reason: string };

/**
 * Delivers one row. `pace` waits for the fan-out's next slot; it comes before a claim, so that a
 * claim is followed at once by its post. The caller holds the run's lock (`oneAtATime`): a row
 * found `sending` was left by a run that has stopped, not one posting it now.
 */
export async function deliver(db: Db, row: DeliveryRow, parcel: Parcel, pace?: () => Promise<void>): Promise<Outcome> {
  const { key } = row;
  if (row.status === 'sent') return { kind: 'already' };
  let channelId: string;
  if (row.status === 'sending') {
    // Claimed before, and perhaps posted: look before posting anything.
    let found: string | null;
    try {
      channelId = row.channelId ?? (await parcel.channel());
      found = await parcel.find(channelId, row.claimedAt ?? row.createdAt);
    } catch (e) {
      const reason = `could not look for the message a stopped run may have posted: ${reasonOf(e)}`;
      await noteUnconfirmed(db, key, reason);
      return { kind: 'unconfirmed', reason };
    }
    if (found) {
      await settle(db, key, parcel, { channelId, ts: found });
      return { kind: 'recovered', channelId, ts: found };
    }
    if (!parcel.needed) {
      await markDelivered(db, key, null);
      return { kind: 'already' };
    }
    // It never reached Slack: post it now, as a fresh claim.
    await pace?.();
    if (!(await reclaimDelivery(db, key, channelId))) return { kind: 'already' };
  } else {
    if (!parcel.needed) {
      await markDelivered(db, key, null);
      return { kind: 'already' };
    }
    await pace?.();
    try {
      channelId = await parcel.channel();
    } catch (e) {
      const reason = reasonOf(e);
      await markUndelivered(db, key, reason);
      return { kind: 'failed', reason };
    }
    if (!(await claimDelivery(db, key, channelId))) return { kind: 'already' };
  }
  let ts: string;
  try {
    ts = await parcel.post(channelId);
  } catch (e) {
    const reason = reasonOf(e);
    if (e instanceof Refused) {
      await markUndelivered(db, key, reason);
      return { kind: 'failed', reason };
    }
    // Slack may have taken it without answering: the next run looks for it before posting again.
    await noteUnconfirmed(db, key, reason);
    return { kind: 'unconfirmed', reason };
  }
  await settle(db, key, parcel, { channelId, ts });
  return { kind: 'sent', channelId, ts };
}

async function settle(db: Db, key: string, parcel: Parcel, message: { channelId: string; ts: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await parcel.record?.(tx, message);
    await markDelivered(tx, key, message);
  });
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
