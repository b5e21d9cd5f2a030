import type { App } from '@slack/bolt';
import { openCart } from '../src/services/cart.ts';
import { postCart } from '../src/slack/cart-message.ts';
import type { Deps } from '../src/slack/deps.ts';
import { replyError } from '../src/slack/errors.ts';
import { COMMANDS } from '../src/slack/ids.ts';

const HELP = [
  '*Task Cart*',
  '`/cart` — your cart for next week, as a message from me',
  '`/cart this` — this week’s cart',
  '`/cart help` — this help',
  'In the cart: each day shows its workload against your capacity. Flagged days come with suggestions; *Apply* one or press *Auto-balance*. When nothing is flagged, *Commit* and the cart becomes your task list.',
].join('\n');

export function register(app: App, deps: Deps): void {
  app.command(COMMANDS.cart, async ({ command, ack, respond, client }) => {
    await ack();
    const arg = command.text.trim().toLowerCase();
    if (arg === 'help') return void (await respond({ response_type: 'ephemeral', text: HELP }));
    if (arg && arg !== 'this' && arg !== 'next') {
      return void (await respond({ response_type: 'ephemeral', text: `I don't know "/cart ${arg}". ${HELP}` }));
    }
    try {
      const { state } = await openCart(deps.database.db, command.user_id, arg === 'this' ? 'this' : 'next', deps.now());
      await postCart(client, deps.database.db, state);
      if (command.channel_id !== state.cart.channelId) {
        await respond({ response_type: 'ephemeral', text: 'Your cart is in your messages with Task Cart.' });
      }
    } catch (e) {
      await replyError(respond, deps.logger, '/cart', e);
    }
  });
}
