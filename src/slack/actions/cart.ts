// The cart message's buttons: Apply, Auto-balance, Commit, Reopen. Each acks at once,
// then makes one versioned change and edits the message in place, in the agent's language.
import type { BlockButtonAction } from '@slack/bolt';
import { AppError } from '../../errors.ts';
import { changeCart, flaggedDays, loadCart, type CartChange } from '../../services/cart.ts';
import { submitCommitReason } from '../../services/forms.ts';
import { parseCartRef } from '../../../views/cart.ts';
import { commitReasonModal, decodeCommitRef } from '../../../views/commit.ts';
import { errorText, fieldErrorText, type Doing } from '../../../views/errors.ts';
import { textsFor } from '../../../views/i18n/index.ts';
import { ACTIONS, INPUTS, VIEWS } from '../../../views/ids.ts';
import { ephemeral } from '../../../views/text.ts';
import { sendApprovals } from '../approval-message.ts';
import { afterChange, showCart } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { guardAction, guardView } from '../guard.ts';
import { requestKey } from '../request-key.ts';
import { inputValue, type ViewValues } from '../view-values.ts';

const CHANGES: Record<string, (rest: string[]) => CartChange | null> = {
  [ACTIONS.applySuggestion]: ([day, index]) => (day && /^\d{1,2}$/.test(index ?? '') ? { kind: 'apply', day, index: Number(index) } : null),
  [ACTIONS.autoBalance]: () => ({ kind: 'balance' }),
  [ACTIONS.reopen]: () => ({ kind: 'reopen' }),
};

const DOING: Record<string, Doing> = {
  [ACTIONS.applySuggestion]: 'apply',
  [ACTIONS.autoBalance]: 'balance',
  [ACTIONS.reopen]: 'reopen',
};

export function register(app: Listeners, deps: Deps): void {
  const db = deps.database.db;
  const { languages } = deps;

  // Commit: refused while flagged, unless the team allows a commit with a reason, asked for in a modal.
  app.action<BlockButtonAction>(
    ACTIONS.commit,
    guardAction(deps, { doing: 'commit' }, async ({ ack, body, action, client }) => {
      await ack();
      const ref = parseCartRef(action.value ?? '');
      if (!ref) throw new AppError('unknown_button');
      const result = await changeCart(db, body.user.id, ref.cartId, ref.version, { kind: 'commit' }, deps.now(), { requestKey: requestKey(body) });
      const t = await languages.of(client, result.state.person);
      if (!result.needsReason) return afterChange(t, client, db, languages, result, deps.now());
      const { cart, measure } = result.state;
      await client.views.open({ trigger_id: body.trigger_id, view: commitReasonModal(t, cart.id, cart.version, flaggedDays(measure)) });
    }),
  );

  app.view(
    VIEWS.commitReason,
    guardView(deps, { doing: 'commit' }, async ({ ack, body, view, client }) => {
      const ref = decodeCommitRef(view.private_metadata);
      if (!ref) throw new AppError('unknown_window');
      const reason = inputValue(view.state.values as ViewValues, INPUTS.reason);
      const submitted = await submitCommitReason(db, body.user.id, ref.cartId, ref.version, reason, deps.now(), { requestKey: requestKey(body), accepted: () => ack() });
      // Not acknowledged yet: said in the modal's own language.
      if (!submitted.ok) return ack({ response_action: 'errors', errors: { [INPUTS.reason]: fieldErrorText(textsFor(ref.language), submitted.errors.reason) } });
      const { exceptionId } = submitted.result;
      try {
        await afterChange(await languages.of(client, submitted.result.state.person), client, db, languages, submitted.result, deps.now());
      } finally {
        // Committed with a reason: the team's supervisors get it to approve, after the agent has seen it (never failing the commit).
        if (exceptionId !== undefined) await sendApprovals({ db, languages, logger: deps.logger }, client, exceptionId, deps.now());
      }
    }),
  );

  for (const [actionId, toChange] of Object.entries(CHANGES)) {
    app.action<BlockButtonAction>(
      actionId,
      guardAction(deps, { doing: DOING[actionId]! }, async ({ ack, body, action, client, respond }) => {
        await ack();
        const user = body.user.id;
        const ref = parseCartRef(action.value ?? '');
        const change = ref && toChange(ref.rest);
        if (!ref || !change) throw new AppError('unknown_button');
        try {
          const result = await changeCart(db, user, ref.cartId, ref.version, change, deps.now(), { requestKey: requestKey(body) });
          await afterChange(await languages.of(client, result.state.person), client, db, languages, result, deps.now());
        } catch (e) {
          if (!(e instanceof AppError && (e.code === 'cart_busy' || e.code === 'suggestion_stale'))) throw e;
          const state = await loadCart(db, user, ref.cartId, deps.now());
          const t = await languages.of(client, state.person);
          await respond(ephemeral(errorText(t, e.code, e.params)));
          await showCart(t, client, db, state, deps.now());
        }
      }),
    );
  }
}
