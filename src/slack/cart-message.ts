// Where an agent's cart message lives: posted once as a DM, then edited in place, in the agent's language.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import { claimCartMessage } from '../../db/queries/carts.ts';
import { loadCart, type CartState, type ChangeResult, type Notice } from '../services/cart.ts';
import { savedPast } from '../services/cart-peers.ts';
import { cartMessage, retiredCart } from '../../views/cart.ts';
import type { T } from '../../views/i18n/index.ts';
import type { Languages } from './language.ts';
import { savedThen } from './errors.ts';
import { publishHome } from './home.ts';
import { refusalOf } from './web-client.ts';

/** At most this many newer carts shown after an edit, one after another (see showCart). */
const NEWER_SHOWN_MAX = 3;

/**
 * Edits the cart's message in place; posts a new one when it was deleted or never posted. Then,
 * when another worker saved the cart past what was shown (two clicks on one cart within Slack's
 * round trip, each in its own worker, or two edits that waited out one rate limit), shows the cart
 * as that worker saved it: the two workers' edits are not ordered, and the older could land last,
 * leaving the agent a message whose buttons are an older copy's. The notice of the change shown
 * then is the other worker's to give, so it is shown without one.
 */
export async function showCart(t: T, client: WebClient, db: Db, state: CartState, now: Date, notice?: Notice | null): Promise<void> {
  let shown = state;
  let note = notice;
  for (let round = 0; ; round++) {
    const { channelId, messageTs } = shown.cart;
    if (!channelId || !messageTs) return postCart(t, client, db, shown, now, note);
    try {
      const answer = await client.chat.update({ channel: channelId, ts: messageTs, ...cartMessage(t, shown, note) });
      // A newer edit of this process took its place (web-client.ts): that one looks further.
      if ((answer as { superseded?: boolean }).superseded) return;
    } catch (e) {
      // Showing another worker's newer cart is best effort: this click's own edit went through.
      if (shown !== state) return;
      const code = refusalOf(e);
      if (code !== 'message_not_found' && code !== 'cant_update_message') throw e;
      return postCart(t, client, db, shown, now, note);
    }
    // Best effort too: the message shows what this click did either way, and a failing read here
    // (the click's change is saved) is not the agent's to be told of.
    const newer = round < NEWER_SHOWN_MAX ? await savedPast(db, shown, now).catch(() => null) : null;
    if (!newer) return;
    shown = newer;
    note = null;
  }
}

/**
 * Posts the cart as a new DM; an older copy is marked as replaced so no one acts on it. Two posts at
 * once (two workers' clicks that each found the message gone, a double-click on "Open my cart")
 * would leave two live copies: the post that records itself second turns its own copy into the note
 * too, and shows the cart as it now is in the one recorded first.
 */
export async function postCart(t: T, client: WebClient, db: Db, state: CartState, now: Date, notice?: Notice | null): Promise<void> {
  const { channelId: oldChannel, messageTs: oldTs } = state.cart;
  if (oldChannel && oldTs) await retireCartCopy(t, client, oldChannel, oldTs);
  const dm = await client.conversations.open({ users: state.cart.agentId });
  const channel = dm.channel!.id!;
  const posted = await client.chat.postMessage({ channel, ...cartMessage(t, state, notice) });
  const claimed = await claimCartMessage(db, state.cart.id, oldTs, channel, posted.ts!);
  if (!claimed) await retireCartCopy(t, client, channel, posted.ts!);
  // Then the newest cart, where it is newer than this copy: another post's, or one saved while the old
  // copy was retired (an edit of it waiting then gave way to the retiring, web-client.ts, and showed
  // nothing). The read also keeps the cart with its new message, which the next click's save claims
  // (its context). Best effort, as the second look after an edit: this click's change is saved either way.
  const newest = await loadCart(db, state.cart.agentId, state.cart.id, now).catch(() => null);
  if (newest && (!claimed || newest.cart.version > state.cart.version)) await showCart(t, client, db, newest, now).catch(() => undefined);
}

/** Turns a copy of the cart that is not its message any more into a note, so no one acts on it. */
export async function retireCartCopy(t: T, client: WebClient, channel: string, ts: string): Promise<void> {
  await client.chat.update({ channel, ts, ...retiredCart(t) }).catch(() => undefined);
}

/**
 * After a change: the message shows it; App Home is re-published, at the same time, when the
 * task list changed (commit, reopen). A replay of a request already done shows nothing again.
 */
export async function afterChange(t: T, client: WebClient, db: Db, languages: Languages, result: ChangeResult, now: Date): Promise<void> {
  if (result.replayed) return;
  await savedThen(result, 'cart', Promise.all([showCart(t, client, db, result.state, now, result.notice), result.listChanged && publishHome(client, db, languages, result.state.person, now)]));
}
