// The cart message's buttons: Apply, Auto-balance, Commit, Reopen. Each acks at once,
// then makes one versioned change and edits the message in place.
import type { App, BlockButtonAction } from '@slack/bolt';
import { AppError } from '../../errors.ts';
import { changeCart, loadCart, type CartChange } from '../../services/cart.ts';
import { showCart } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { userMessage } from '../errors.ts';
import { publishHome } from '../home.ts';
import { ACTIONS } from '../ids.ts';
import { setupText } from '../../../views/setup.ts';

/** Button values: `cartId:version[:day:index]`. */
export function parseRef(value: string): { cartId: number; version: number; rest: string[] } | null {
  const [cart, version, ...rest] = value.split(':');
  const cartId = Number(cart);
  const v = Number(version);
  return Number.isInteger(cartId) && Number.isInteger(v) ? { cartId, version: v, rest } : null;
}

const CHANGES: Record<string, (rest: string[]) => CartChange | null> = {
  [ACTIONS.applySuggestion]: ([day, index]) => (day && /^\d+$/.test(index ?? '') ? { kind: 'apply', day, index: Number(index) } : null),
  [ACTIONS.autoBalance]: () => ({ kind: 'balance' }),
  [ACTIONS.commit]: () => ({ kind: 'commit' }),
  [ACTIONS.reopen]: () => ({ kind: 'reopen' }),
};

export function register(app: App, deps: Deps): void {
  for (const [actionId, toChange] of Object.entries(CHANGES)) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const user = body.user.id;
      const ref = parseRef(action.value ?? '');
      const change = ref && toChange(ref.rest);
      try {
        if (!ref || !change) throw new AppError('invalid', 'That button is not one I know. Run /cart to get a fresh cart.');
        const result = await changeCart(deps.database.db, user, ref.cartId, ref.version, change);
        await showCart(client, deps.database.db, result.state, result.notice);
        if (result.changed) await publishHome(client, deps.database.db, user, deps.now());
      } catch (e) {
        if (e instanceof AppError && e.code === 'unknown_user') return void (await respond({ response_type: 'ephemeral', replace_original: false, text: setupText(user) }));
        if (!(e instanceof AppError)) deps.logger.error(`${actionId} failed`, e);
        await respond({ response_type: 'ephemeral', replace_original: false, text: userMessage(e) });
        if (e instanceof AppError && e.code === 'stale' && ref) {
          await showCart(client, deps.database.db, await loadCart(deps.database.db, user, ref.cartId));
        }
      }
    });
  }
}
