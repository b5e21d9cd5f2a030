// The other processes of one deployment (src/cluster.ts's workers) as peers. A process that saved
// a change on a cart (cart.ts changeCart) tells them what the change did; one that keeps the cart
// at the version the change was made on follows it, and the agent's next click there is decided
// without reading the cart again (issue 13: with two workers, about half the clicks reached the
// process that did not keep the cart, and cost twice the database time). What a peer follows is
// never trusted more than what it read: a save still claims the version and the context it was
// decided on.
import type { Db } from '../../db/client.ts';
import type { CartRow } from '../../db/queries/carts.ts';
import type { CartTask } from '../engine/index.ts';
import { asOfNow, loadCart, remeasured, type CartState } from './cart.ts';
import { cacheOf, type CartCache } from './cart-cache.ts';

/** A change as a peer follows it: the tasks after it in order, each one new or different in full. */
export interface SharedChange {
  cartId: number;
  /** The version and context the change was made on: a peer follows only from exactly those. */
  from: number;
  fromContext: string;
  context: string;
  /** The count of changes to names its labels and customers' names were read at (CartState's `names`). */
  names: number;
  cart: Pick<CartRow, 'version' | 'status' | 'exceptionReason' | 'channelId' | 'messageTs'> & { committedAt: string | null; updatedAt: string };
  /** The tasks gone. */
  removed: string[];
  /** The tasks new or different after the change: a different one in place, a new one after the rest. */
  tasks: CartTask[];
  /** Then sorted as the cart is read (by day, then id). */
  sorted: boolean;
  /** Every task id after the change in order, when the three above do not give it. */
  order?: string[];
  /** How long before the change was shared what was read with it (labels, names), in ms. */
  age: number;
}

/** How the processes of one deployment reach each other: what one saves, the others are told of. */
export interface Peers {
  publish(change: SharedChange): void;
  /** `follow` hears each change of the others; `lost`, that some may have been missed. */
  subscribe(follow: (change: SharedChange) => void, lost?: () => void): void;
  /** Where the others' changes are read rather than heard (src/peer-log.ts): takes in those saved since. */
  catchUp?(): void;
}

/**
 * Shares this process's cart changes on `db` with its peers and follows theirs in the carts it
 * keeps; `followed` hears what became of each one (for the log).
 */
export function followPeers(db: Db, peers: Peers, followed: (change: SharedChange, outcome: FollowOutcome) => void = () => {}): void {
  const cache = cacheOf<CartState>(db);
  cache.saved = (before, after, age) => peers.publish(sharedChange(before, after, age));
  if (peers.catchUp) cache.looking = peers.catchUp;
  peers.subscribe(
    (change) => {
      cache.told(change.cartId, change.cart.version);
      followed(change, followKept(cache, change));
    },
    () => cache.dropAll(),
  );
}

/**
 * The cart as another worker of this deployment saved it past `shown`, when one did (followPeers
 * tells each worker of the others' saves): as kept here when this process followed that change,
 * else read. Null when no other worker did. A worker that showed an older cart than another one
 * saved may have shown it last — two workers' edits of one message are not ordered against each
 * other — so it shows this one after it.
 */
export async function savedPast(db: Db, shown: CartState, now: Date): Promise<CartState | null> {
  const cache = cacheOf<CartState>(db);
  const newest = cache.toldOf(shown.cart.id);
  if (newest <= shown.cart.version) return null;
  const kept = cache.get(shown.cart.id)?.state;
  if (kept && kept.cart.version >= newest) return asOfNow(kept, now);
  return loadCart(db, shown.cart.agentId, shown.cart.id, now);
}

/** What a change did to a cart, for the processes that keep it at the version before. */
export function sharedChange(before: CartState, after: CartState, age: number): SharedChange {
  const was = new Map(before.tasks.map((t) => [t.id, t]));
  const ids = new Set(after.tasks.map((t) => t.id));
  const { cart } = after;
  const change: SharedChange = {
    cartId: cart.id,
    from: before.cart.version,
    fromContext: before.context,
    context: after.context,
    names: after.names,
    cart: {
      version: cart.version,
      status: cart.status,
      exceptionReason: cart.exceptionReason,
      channelId: cart.channelId,
      messageTs: cart.messageTs,
      committedAt: cart.committedAt?.toISOString() ?? null,
      updatedAt: cart.updatedAt.toISOString(),
    },
    removed: before.tasks.filter((t) => !ids.has(t.id)).map((t) => t.id),
    tasks: after.tasks.filter((t) => !sameTask(was.get(t.id), t)),
    sorted: isSorted(after.tasks),
    age: Math.max(0, Math.round(age)),
  };
  // The order a peer would make of it, made here the same way: sent in full only when it differs.
  const made = tasksAfter(before.tasks, change);
  if (!made || made.length !== after.tasks.length || made.some((t, i) => t.id !== after.tasks[i]!.id)) change.order = after.tasks.map((t) => t.id);
  return change;
}

const byDayThenId = (a: CartTask, b: CartTask) => (a.day < b.day ? -1 : a.day > b.day ? 1 : Number(a.id) - Number(b.id));
const isSorted = (tasks: readonly CartTask[]) => tasks.every((t, i) => i === 0 || byDayThenId(tasks[i - 1]!, t) <= 0);

/** The tasks after a shared change, from the tasks before it; null when a task it names is not there. */
function tasksAfter(before: readonly CartTask[], change: SharedChange): CartTask[] | null {
  const changed = new Map(change.tasks.map((t) => [t.id, t]));
  if (change.order) {
    const had = new Map(before.map((t) => [t.id, t]));
    const tasks: CartTask[] = [];
    for (const id of change.order) {
      const task = changed.get(id) ?? had.get(id);
      if (!task) return null;
      tasks.push(task);
    }
    return tasks;
  }
  const gone = new Set(change.removed);
  const tasks: CartTask[] = [];
  for (const t of before) {
    if (gone.has(t.id)) continue;
    tasks.push(changed.get(t.id) ?? t);
    changed.delete(t.id);
  }
  tasks.push(...changed.values());
  return change.sorted ? tasks.sort(byDayThenId) : tasks;
}

function sameTask(a: CartTask | undefined, b: CartTask): boolean {
  if (a === b) return true;
  if (!a) return false;
  const keys = Object.keys(b) as (keyof CartTask)[];
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}

/** The cart after a peer's change, from the cart as kept at the version it was made on; null when it cannot be followed. */
export function followChange(kept: CartState, change: SharedChange): CartState | null {
  if (kept.cart.id !== change.cartId || kept.cart.version !== change.from || kept.context !== change.fromContext || change.context !== change.fromContext) return null;
  // Labels or names read before the kept ones would look as current as they do (a worker of an
  // older build sends no count): read again instead.
  if (!(change.names >= kept.names)) return null;
  const tasks = tasksAfter(kept.tasks, change);
  if (!tasks) return null;
  const { committedAt, updatedAt, ...row } = change.cart;
  const cart: CartRow = { ...kept.cart, ...row, committedAt: committedAt === null ? null : new Date(committedAt), updatedAt: new Date(updatedAt) };
  // Measured now (some microseconds); advised when first asked, as a cart read is.
  return remeasured(kept, { cart, tasks });
}

export type FollowOutcome = 'followed' | 'dropped' | 'not kept';

/** Follows a peer's change in the carts of `cache`: the kept cart moves on to the version after it, or, when it cannot, is dropped. */
export function followKept(cache: CartCache<CartState>, change: SharedChange): FollowOutcome {
  // However long ago it was read: a cart kept past MAX_AGE_MS and followed is probed before it is used.
  const kept = cache.aged(change.cartId);
  if (!kept || kept.state.cart.version >= change.cart.version) return 'not kept';
  const next = followChange(kept.state, change);
  if (!next) {
    cache.drop(change.cartId);
    return 'dropped';
  }
  cache.put(next, Math.min(kept.at, cache.now() - change.age));
  return 'followed';
}
