// Open a day (modal), move or remove its tasks, page through a long day.
import type { App, BlockButtonAction, BlockStaticSelectAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { AppError } from '../../errors.ts';
import { changeCart, loadCart, type CartChange, type CartState } from '../../services/cart.ts';
import { decodeDayRef, dayModal, type DayRef } from '../../../views/day.ts';
import { afterChange } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { replyError, userMessage } from '../errors.ts';
import { ACTIONS } from '../ids.ts';
import { parseRef } from './cart.ts';

/** Re-renders the open modal; a conflicting update in between is settled by rendering once more without the hash. */
async function updateModal(client: WebClient, viewId: string, hash: string | undefined, view: ReturnType<typeof dayModal>) {
  try {
    await client.views.update({ view_id: viewId, hash, view });
  } catch (e) {
    if ((e as { data?: { error?: string } }).data?.error !== 'hash_conflict') throw e;
    await client.views.update({ view_id: viewId, view });
  }
}

function parseMenu(value: string): CartChange | null {
  const [kind, id, day] = value.split(':');
  const itemId = Number(id);
  if (!Number.isInteger(itemId)) return null;
  if (kind === 'm' && day) return { kind: 'move', itemId, day };
  if (kind === 'r') return { kind: 'remove', itemId };
  return null;
}

export function register(app: App, deps: Deps): void {
  const db = deps.database.db;

  app.action<BlockButtonAction>(ACTIONS.openDay, async ({ ack, body, action, client, respond }) => {
    await ack();
    const ref = parseRef(action.value ?? '');
    const day = ref?.rest[0];
    try {
      if (!ref || !day) throw new AppError('invalid', 'That button is not one I know. Run /cart to get a fresh cart.');
      const state = await loadCart(db, body.user.id, ref.cartId);
      await client.views.open({ trigger_id: body.trigger_id, view: dayModal(state, day, 0) });
    } catch (e) {
      await replyError(respond, deps.logger, 'open day', e);
    }
  });

  app.action<BlockStaticSelectAction>(ACTIONS.dayTaskMenu, async ({ ack, body, action, client }) => {
    await ack();
    const view = body.view!;
    const ref = decodeDayRef(view.private_metadata);
    const change = parseMenu(action.selected_option.value);
    const user = body.user.id;
    let state: CartState;
    let notice: string;
    try {
      if (!ref || !change) throw new AppError('invalid', 'That menu is not one I know. Close this window and open the day again.');
      const result = await changeCart(db, user, ref.cartId, ref.version, change, deps.now());
      state = result.state;
      notice = result.notice;
      if (result.changed) await afterChange(client, db, result, deps.now());
    } catch (e) {
      if (!(e instanceof AppError)) deps.logger.error('day menu failed', e);
      if (!ref) return;
      state = await loadCart(db, user, ref.cartId);
      notice = userMessage(e);
    }
    await updateModal(client, view.id, view.hash, dayModal(state, ref!.day, ref!.page, notice));
  });

  for (const id of [`${ACTIONS.dayPage}_prev`, `${ACTIONS.dayPage}_next`]) {
    app.action<BlockButtonAction>(id, async ({ ack, body, action, client }) => {
      await ack();
      const view = body.view!;
      const ref: DayRef | null = decodeDayRef(view.private_metadata);
      if (!ref) return;
      const state = await loadCart(db, body.user.id, ref.cartId);
      await updateModal(client, view.id, view.hash, dayModal(state, ref.day, Number(action.value)));
    });
  }
}
