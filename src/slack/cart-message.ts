// Where an agent's cart message lives: posted once as a DM, then edited in place.
import type { WebClient } from '@slack/web-api';
import type { Db, DbOrTx } from '../../db/client.ts';
import { setCartMessage } from '../../db/queries/carts.ts';
import type { CartState, ChangeResult } from '../services/cart.ts';
import { publishHome } from './home.ts';
import { cartMessage } from '../../views/cart.ts';

/** Edits the cart's message in place; posts a new one when it was deleted or never posted. */
export async function showCart(client: WebClient, db: Db, state: CartState, notice?: string): Promise<void> {
  const message = cartMessage(state, notice);
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
  await postCart(client, db, state, notice);
}

/** Posts the cart as a new DM; an older copy is marked as replaced so no one acts on it. */
export async function postCart(client: WebClient, db: DbOrTx, state: CartState, notice?: string): Promise<void> {
  const { channelId: oldChannel, messageTs: oldTs } = state.cart;
  if (oldChannel && oldTs) await retireCartCopy(client, oldChannel, oldTs);
  const dm = await client.conversations.open({ users: state.cart.agentId });
  const channel = dm.channel!.id!;
  const posted = await client.chat.postMessage({ channel, ...cartMessage(state, notice) });
  await setCartMessage(db, state.cart.id, channel, posted.ts!);
}

/** Turns a copy of the cart that is not its message any more into a note, so no one acts on it. */
export async function retireCartCopy(client: WebClient, channel: string, ts: string): Promise<void> {
  await client.chat
    .update({ channel, ts, text: 'This cart was replaced by a newer message below.', blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: '↪️ This cart was replaced by a newer message below.' }] }] })
    .catch(() => undefined);
}

/**
 * After a change: the message shows it; App Home is re-published, at the same time, when the
 * task list changed (commit, reopen). A replay of a request already done shows nothing again.
 */
export async function afterChange(client: WebClient, db: Db, result: ChangeResult, now: Date): Promise<void> {
  if (result.replayed) return;
  await Promise.all([showCart(client, db, result.state, result.notice), result.listChanged && publishHome(client, db, result.state.person, now)]);
}
