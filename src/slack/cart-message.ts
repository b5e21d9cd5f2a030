// Where an agent's cart message lives: posted once as a DM, then edited in place, in the agent's language.
import type { WebClient } from '@slack/web-api';
import type { Db, DbOrTx } from '../../db/client.ts';
import { setCartMessage } from '../../db/queries/carts.ts';
import type { CartState, ChangeResult, Notice } from '../services/cart.ts';
import { cartMessage, retiredCart } from '../../views/cart.ts';
import type { T } from '../../views/i18n/index.ts';
import type { Languages } from './language.ts';
import { publishHome } from './home.ts';

/** Edits the cart's message in place; posts a new one when it was deleted or never posted. */
export async function showCart(t: T, client: WebClient, db: Db, state: CartState, notice?: Notice | null): Promise<void> {
  const message = cartMessage(t, state, notice);
  const { channelId, messageTs } = state.cart;
  if (channelId && messageTs) {
    try {
      await client.chat.update({ channel: channelId, ts: messageTs, ...message });
      return;
    } catch (e) {
      const code = (e as { data?: { error?: string } }).data?.error;
      if (code !== 'message_not_found' && code !== 'cant_update_message') throw e;
    }
  }
  await postCart(t, client, db, state, notice);
}

/** Posts the cart as a new DM; an older copy is marked as replaced so no one acts on it. */
export async function postCart(t: T, client: WebClient, db: DbOrTx, state: CartState, notice?: Notice | null): Promise<void> {
  const { channelId: oldChannel, messageTs: oldTs } = state.cart;
  if (oldChannel && oldTs) await retireCartCopy(t, client, oldChannel, oldTs);
  const dm = await client.conversations.open({ users: state.cart.agentId });
  const channel = dm.channel!.id!;
  const posted = await client.chat.postMessage({ channel, ...cartMessage(t, state, notice) });
  await setCartMessage(db, state.cart.id, channel, posted.ts!);
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
  await Promise.all([showCart(t, client, db, result.state, result.notice), result.listChanged && publishHome(client, db, languages, result.state.person, now)]);
}
