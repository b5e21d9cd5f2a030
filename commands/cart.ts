// /cart: the planning week's cart (`/cart`, `/cart next`, `/cart 下周`), the working week's
// (`/cart this`, `/cart 本周`), or help — in either language, answered in the person's.
import { openCart } from '../src/services/cart.ts';
import { postCart } from '../src/slack/cart-message.ts';
import type { Deps } from '../src/slack/deps.ts';
import type { Listeners } from '../src/slack/router.ts';
import { guardCommand } from '../src/slack/guard.ts';
import { requestKey } from '../src/slack/request-key.ts';
import { helpText, parseArg, unknownArgText } from '../views/help.ts';
import { COMMANDS } from '../views/ids.ts';
import { ephemeral } from '../views/text.ts';

export function register(app: Listeners, deps: Deps): void {
  const db = deps.database.db;
  app.command(
    COMMANDS.cart,
    guardCommand(deps, { doing: 'open_cart' }, async ({ command, ack, respond, client, body }) => {
      await ack();
      const arg = parseArg('cart', command.text);
      if (arg === 'help' || arg === null) {
        const t = await deps.languages.of(client, command.user_id);
        return void (await respond(ephemeral(arg === null ? unknownArgText(t, 'cart', command.text) : helpText(t, 'cart'))));
      }
      const { state, replayed } = await openCart(db, command.user_id, arg === 'this' ? 'this' : 'next', deps.now(), requestKey(body));
      if (replayed) return;
      const t = await deps.languages.of(client, state.person);
      await postCart(t, client, db, state, deps.now());
      if (command.channel_id !== state.cart.channelId) await respond(ephemeral(t('cart.in_dm')));
    }),
  );
}
