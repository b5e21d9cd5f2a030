// The cart message's buttons: Apply, Auto-balance, Commit, Reopen. Each acks at once,
// then makes one versioned change and edits the message in place.
import type { App, BlockButtonAction } from '@slack/bolt';
import { AppError } from '../../errors.ts';
import { changeCart, flaggedDays, loadCart, type CartChange } from '../../services/cart.ts';
import { commitReasonModal } from '../../../views/commit.ts';
import { afterChange, showCart } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { replyError } from '../errors.ts';
import { ACTIONS, INPUTS, VIEWS } from '../ids.ts';
import { inputValue, type ViewValues } from '../view-values.ts';

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
  [ACTIONS.reopen]: () => ({ kind: 'reopen' }),
};

export function register(app: App, deps: Deps): void {
  const db = deps.database.db;

  // Commit: refused while flagged, unless the team allows a commit with a reason, asked for in a modal.
  app.action<BlockButtonAction>(ACTIONS.commit, async ({ ack, body, action, client, respond }) => {
    await ack();
    const user = body.user.id;
    const ref = parseRef(action.value ?? '');
    try {
      if (!ref) throw new AppError('invalid', 'That button is not one I know. Run /cart to get a fresh cart.');
      const result = await changeCart(db, user, ref.cartId, ref.version, { kind: 'commit' }, deps.now());
      if (!result.needsReason) return void (await afterChange(client, db, result, deps.now()));
      const { cart, measure } = result.state;
      await client.views.open({ trigger_id: body.trigger_id, view: commitReasonModal(cart.id, cart.version, flaggedDays(measure)) });
    } catch (e) {
      await replyError(respond, deps.logger, 'commit', e);
    }
  });

  app.view(VIEWS.commitReason, async ({ ack, body, view, client }) => {
    const reason = inputValue(view.state.values as ViewValues, INPUTS.reason)?.trim() ?? '';
    if (reason.length < 5) return void (await ack({ response_action: 'errors', errors: { [INPUTS.reason]: 'Say in a few words why, for your supervisor.' } }));
    await ack();
    const ref = parseRef(view.private_metadata);
    if (!ref) return;
    const result = await changeCart(db, body.user.id, ref.cartId, ref.version, { kind: 'commit', reason }, deps.now());
    await afterChange(client, db, result, deps.now());
  });

  for (const [actionId, toChange] of Object.entries(CHANGES)) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const user = body.user.id;
      const ref = parseRef(action.value ?? '');
      const change = ref && toChange(ref.rest);
      try {
        if (!ref || !change) throw new AppError('invalid', 'That button is not one I know. Run /cart to get a fresh cart.');
        const result = await changeCart(db, user, ref.cartId, ref.version, change, deps.now());
        await afterChange(client, db, result, deps.now());
      } catch (e) {
        await replyError(respond, deps.logger, actionId, e);
        if (e instanceof AppError && e.code === 'stale' && ref) await showCart(client, db, await loadCart(db, user, ref.cartId));
      }
    });
  }
}
