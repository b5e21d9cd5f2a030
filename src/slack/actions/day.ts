// Open a day (modal), move or remove its tasks, page through a long day.
import type { App, BlockButtonAction, BlockStaticSelectAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { AppError } from '../../errors.ts';
import { changeCart, loadCart, type CartChange } from '../../services/cart.ts';
import { decodeDayRef, dayModal } from '../../../views/day.ts';
import { afterChange } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { userMessage } from '../errors.ts';
import { guardAction } from '../guard.ts';
import { ACTIONS } from '../ids.ts';
import { requestKey } from '../request-key.ts';
import { UNKNOWN_BUTTON, parseRef } from './cart.ts';

/** Re-renders the open modal; a conflicting update in between is settled by rendering once more without the hash. */
async function updateModal(client: WebClient, viewId: string, hash: string | undefined, view: ReturnType<typeof dayModal>) {
  try {
    await client.views.update({ view_id: viewId, hash, view });
  } catch (e) {
    if ((e as { data?: { error?: string } }).data?.error !== 'hash_conflict') throw e;
    await client.views.update({ view_id: viewId, view });
  }
}

/** Menu values: `m:itemId:day` (move) or `r:itemId` (remove); the service refuses a day or an item not of this cart. */
function parseMenu(value: string): CartChange | null {
  const [kind, id, day] = value.split(':');
  const itemId = Number(id);
  if (!Number.isSafeInteger(itemId)) return null;
  if (kind === 'm' && day) return { kind: 'move', itemId, day };
  if (kind === 'r') return { kind: 'remove', itemId };
  return null;
}

const UNKNOWN_MENU = 'That menu is not one I know. Close this window and open the day again.';

export function register(app: App, deps: Deps): void {
  const db = deps.database.db;

  app.action<BlockButtonAction>(
    ACTIONS.openDay,
    guardAction(deps, { what: 'open that day', saves: false }, async ({ ack, body, action, client }) => {
      await ack();
      const ref = parseRef(action.value ?? '');
      const day = ref?.rest[0];
      if (!ref || !day) throw new AppError('invalid', UNKNOWN_BUTTON);
      const state = await loadCart(db, body.user.id, ref.cartId);
      await client.views.open({ trigger_id: body.trigger_id, view: dayModal(state, day, 0) });
    }),
  );

  app.action<BlockStaticSelectAction>(
    ACTIONS.dayTaskMenu,
    guardAction(deps, { what: 'change that task' }, async ({ ack, body, action, client }) => {
      await ack();
      const view = body.view!;
      const ref = decodeDayRef(view.private_metadata);
      const change = parseMenu(action.selected_option.value);
      if (!ref || !change) throw new AppError('invalid', UNKNOWN_MENU);
      const user = body.user.id;
      let shown;
      try {
        const result = await changeCart(db, user, ref.cartId, ref.version, change, deps.now(), { requestKey: requestKey(body) });
        if (result.replayed) return;
        if (result.changed) await afterChange(client, db, result, deps.now());
        shown = { state: result.state, notice: result.notice };
      } catch (e) {
        // A refusal (fixed task, outside its window…) shows in the modal, with the day as it is now.
        if (!(e instanceof AppError)) throw e;
        shown = { state: await loadCart(db, user, ref.cartId), notice: userMessage(e) };
      }
      await updateModal(client, view.id, view.hash, dayModal(shown.state, ref.day, ref.page, shown.notice));
    }),
  );

  for (const id of [`${ACTIONS.dayPage}_prev`, `${ACTIONS.dayPage}_next`]) {
    app.action<BlockButtonAction>(
      id,
      guardAction(deps, { what: 'turn the page', saves: false }, async ({ ack, body, action, client }) => {
        await ack();
        const view = body.view!;
        const ref = decodeDayRef(view.private_metadata ?? '');
        if (!ref) throw new AppError('invalid', UNKNOWN_MENU);
        const page = Number(action.value);
        const state = await loadCart(db, body.user.id, ref.cartId);
        await updateModal(client, view.id, view.hash, dayModal(state, ref.day, Number.isSafeInteger(page) ? page : 0));
      }),
    );
  }
}
