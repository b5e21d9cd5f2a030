// The cart message's buttons: Apply, Auto-balance, Commit, Reopen. Each acks at once,
// then makes one versioned change and edits the message in place.
import type { App, BlockButtonAction } from '@slack/bolt';
import { AppError } from '../../errors.ts';
import { changeCart, flaggedDays, isId, loadCart, type CartChange } from '../../services/cart.ts';
import { submitCommitReason } from '../../services/forms.ts';
import { commitReasonModal } from '../../../views/commit.ts';
import { ephemeral } from '../../../views/text.ts';
import { afterChange, showCart } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { guardAction, guardView } from '../guard.ts';
import { ACTIONS, INPUTS, VIEWS } from '../ids.ts';
import { requestKey } from '../request-key.ts';
import { inputValue, type ViewValues } from '../view-values.ts';

/** Button values: `cartId:version[:day:index]`. */
export function parseRef(value: string): { cartId: number; version: number; rest: string[] } | null {
  const [cart, version, ...rest] = value.split(':');
  const cartId = Number(cart);
  const v = Number(version);
  return isId(cartId) && Number.isSafeInteger(v) ? { cartId, version: v, rest } : null;
}

export const UNKNOWN_BUTTON = 'That button is not one I know. Run /cart to get a fresh cart.';

const CHANGES: Record<string, (rest: string[]) => CartChange | null> = {
  [ACTIONS.applySuggestion]: ([day, index]) => (day && /^\d{1,2}$/.test(index ?? '') ? { kind: 'apply', day, index: Number(index) } : null),
  [ACTIONS.autoBalance]: () => ({ kind: 'balance' }),
  [ACTIONS.reopen]: () => ({ kind: 'reopen' }),
};

const WHAT: Record<string, string> = {
  [ACTIONS.applySuggestion]: 'apply that suggestion',
  [ACTIONS.autoBalance]: 'balance your cart',
  [ACTIONS.reopen]: 'reopen your cart',
};

export function register(app: App, deps: Deps): void {
  const db = deps.database.db;

  // Commit: refused while flagged, unless the team allows a commit with a reason, asked for in a modal.
  app.action<BlockButtonAction>(
    ACTIONS.commit,
    guardAction(deps, { what: 'commit your cart' }, async ({ ack, body, action, client }) => {
      await ack();
      const ref = parseRef(action.value ?? '');
      if (!ref) throw new AppError('invalid', UNKNOWN_BUTTON);
      const result = await changeCart(db, body.user.id, ref.cartId, ref.version, { kind: 'commit' }, deps.now(), { requestKey: requestKey(body) });
      if (!result.needsReason) return afterChange(client, db, result, deps.now());
      const { cart, measure } = result.state;
      await client.views.open({ trigger_id: body.trigger_id, view: commitReasonModal(cart.id, cart.version, flaggedDays(measure)) });
    }),
  );

  app.view(
    VIEWS.commitReason,
    guardView(deps, { what: 'commit your cart' }, async ({ ack, body, view, client }) => {
      const ref = parseRef(view.private_metadata);
      if (!ref) throw new AppError('invalid', 'This window is not one I know. Run /cart to get a fresh cart.');
      const reason = inputValue(view.state.values as ViewValues, INPUTS.reason);
      const submitted = await submitCommitReason(db, body.user.id, ref.cartId, ref.version, reason, deps.now(), { requestKey: requestKey(body), accepted: () => ack() });
      if (!submitted.ok) return ack({ response_action: 'errors', errors: { [INPUTS.reason]: submitted.errors.reason } });
      await afterChange(client, db, submitted.result, deps.now());
    }),
  );

  for (const [actionId, toChange] of Object.entries(CHANGES)) {
    app.action<BlockButtonAction>(
      actionId,
      guardAction(deps, { what: WHAT[actionId]! }, async ({ ack, body, action, client, respond }) => {
        await ack();
        const user = body.user.id;
        const ref = parseRef(action.value ?? '');
        const change = ref && toChange(ref.rest);
        if (!ref || !change) throw new AppError('invalid', UNKNOWN_BUTTON);
        try {
          const result = await changeCart(db, user, ref.cartId, ref.version, change, deps.now(), { requestKey: requestKey(body) });
          await afterChange(client, db, result, deps.now());
        } catch (e) {
          if (!(e instanceof AppError && e.code === 'stale')) throw e;
          await respond(ephemeral(e.message));
          await showCart(client, db, await loadCart(db, user, ref.cartId));
        }
      }),
    );
  }
}
