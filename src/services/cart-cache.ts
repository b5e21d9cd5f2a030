// The carts this process read or changed last, so that a click can be decided without reading its
// cart again: one round trip a click instead of two (issue 13). A cart kept here is never trusted
// for what is written — the save claims the version and the context it was decided on
// (db/queries/carts.ts saveChangeOrRead), and answers the cart as it is now when another process,
// a supervisor or an import changed it — nor for a refusal, which is decided again on a fresh read.
// What only shows (a task type's label, a customer's name) is not versioned: the save also says how
// many renames (`names_version`) it saw, and a change decided on a cart kept from fewer is read again
// to be shown, however young. So a change uses a kept cart however old. A cart only shown (a day
// window, a form) is used only once a probe found its version, its context and that count
// (db/queries/carts.ts cartProbe) as they were; an Add task's task type, up to MAX_AGE_MS old, or
// probed with its cart (src/services/cart.ts keptOrProbed).
import type { Db } from '../../db/client.ts';

/** How long an Add task uses a kept cart and task type as they are: past this, it probes them, or reads them again. */
export const MAX_AGE_MS = 30_000;
/**
 * Carts kept per database, the least recently used dropped first: a 120-task cart with its
 * suggestions is some 100 kB of memory (measured on the bench's carts), so at most about 20 MB; the
 * carts being planned in the same minute, two teams' worth, fit. A cart dropped is read again.
 */
export const MAX_CARTS = 200;

/** A task type as an Add task needs it. */
export interface TaskTypeInfo {
  key: string;
  label: string;
  effortMinutes: number;
}

export interface Kept<S> {
  state: S;
  at: number;
}

/** Carts by id, kept with when they were read; per database, so that two in one process never mix. */
export class CartCache<S extends { cart: { id: number; version: number } }> {
  readonly #carts = new Map<number, Kept<S>>();
  /** Task types: a few dozen in a contact center; each with the count of changes to names it was read at. */
  readonly #types = new Map<string, Kept<TaskTypeInfo> & { names: number }>();
  /** The newest version the other workers said each cart reached (cart-peers.ts), the least recently told forgotten first. */
  readonly #told = new Map<number, number>();
  /** Told of each change this process saved, the cart before it and after (cart-peers.ts shares it with the other workers). */
  saved?: (before: S, after: S, age: number) => void;
  /** Called before a kept cart or a told version is looked at: takes in what the other workers saved since (cart-peers.ts). */
  looking?: () => void;
  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** The cart, and when it was read, if kept and read less than MAX_AGE_MS ago. */
  get(cartId: number): Kept<S> | null {
    const kept = this.aged(cartId);
    return kept && this.now() - kept.at <= MAX_AGE_MS ? kept : null;
  }

  /** The cart, and when it was read, if kept, however long ago: past MAX_AGE_MS, to be probed before it is used. */
  aged(cartId: number): Kept<S> | null {
    this.looking?.();
    return this.#carts.get(cartId) ?? null;
  }

  /**
   * Keeps a cart: as read when `at` (by now()), or as a change saved it, with the time of the read
   * the change was decided on — what was read with it (labels, names) is that old.
   */
  put(state: S, at: number): void {
    // A read that began before a change this process saved must not put the older cart back.
    if ((this.#carts.get(state.cart.id)?.state.cart.version ?? 0) > state.cart.version) return;
    this.#carts.delete(state.cart.id);
    this.#carts.set(state.cart.id, { state, at });
    if (this.#carts.size > MAX_CARTS) this.#carts.delete(this.#carts.keys().next().value!);
  }

  now(): number {
    return this.clock();
  }

  /** When the kept cart was read: a change saved on it is as old. */
  readAt(cartId: number): number {
    return this.#carts.get(cartId)?.at ?? this.clock();
  }

  drop(cartId: number): void {
    this.#carts.delete(cartId);
  }

  /** Lets go of every cart kept: changes to them may have been missed. */
  dropAll(): void {
    this.#carts.clear();
  }

  /** Another worker saved the cart at `version` (whether or not this process could follow the change). */
  told(cartId: number, version: number): void {
    const newest = Math.max(version, this.#told.get(cartId) ?? 0);
    this.#told.delete(cartId);
    this.#told.set(cartId, newest);
    if (this.#told.size > MAX_CARTS) this.#told.delete(this.#told.keys().next().value!);
  }

  /** The newest version another worker said the cart reached; 0 when none did (lately). */
  toldOf(cartId: number): number {
    this.looking?.();
    return this.#told.get(cartId) ?? 0;
  }

  /**
   * A task type as last read (an Add task's label and effort), if read less than MAX_AGE_MS ago and
   * at no fewer changes to names than `names` (the cart's it is for): a label older than the cart's
   * names, put in it, would look as current as they do.
   */
  type(key: string, names: number): TaskTypeInfo | null {
    const kept = this.#types.get(key);
    return kept && this.now() - kept.at <= MAX_AGE_MS && kept.names >= names ? kept.state : null;
  }

  putType(type: TaskTypeInfo, at: number, names: number): void {
    this.#types.set(type.key, { state: type, at, names });
  }
}

const caches = new WeakMap<Db, CartCache<never>>();

/** The cache of a database handle (the process's, or a test's). */
export function cacheOf<S extends { cart: { id: number; version: number } }>(db: Db): CartCache<S> {
  let cache = caches.get(db) as CartCache<S> | undefined;
  if (!cache) caches.set(db, (cache = new CartCache<S>()) as unknown as CartCache<never>);
  return cache;
}

/** Forgets every cart and type kept for a database: for a database whose rows were all replaced under the bot (tests put their seed back between tests). */
export function forgetKept(db: Db): void {
  caches.delete(db);
}
