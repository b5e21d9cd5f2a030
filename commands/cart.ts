import type { App } from '@slack/bolt';
import { openCart } from '../src/services/cart.ts';
import { postCart } from '../src/slack/cart-message.ts';
import type { Deps } from '../src/slack/deps.ts';
import { guardCommand } from '../src/slack/guard.ts';
import { COMMANDS } from '../src/slack/ids.ts';
import { requestKey } from '../src/slack/request-key.ts';
import { ephemeral } from '../views/text.ts';

const HELP = [
  '*Task Cart*',
  '`/cart` — your cart for next week, as a message from me',
  '`/cart this` — this week’s cart',
  '`/cart help` — this help',
  'In the cart: each day shows its workload against your capacity. Flagged days come with suggestions; *Apply* one or press *Auto-balance*. When nothing is flagged, *Commit* and the cart becomes your task list.',
].join('\n');

export function register(app: App, deps: Deps): void {
  app.command(
    COMMANDS.cart,
    guardCommand(deps, { what: 'open your cart' }, async ({ command, ack, respond, client, body }) => {
      await ack();
      const arg = command.text.trim().toLowerCase();
      if (arg === 'help') return void (await respond(ephemeral(HELP)));
      if (arg && arg !== 'this' && arg !== 'next') return void (await respond(ephemeral(`I don't know "/cart ${[...arg].slice(0, 50).join('')}". ${HELP}`)));
      const { state, replayed } = await openCart(deps.database.db, command.user_id, arg === 'this' ? 'this' : 'next', deps.now(), requestKey(body));
      if (replayed) return;
      await postCart(client, deps.database.db, state);
      if (command.channel_id !== state.cart.channelId) await respond(ephemeral('Your cart is in your messages with Task Cart.'));
    }),
  );
}
