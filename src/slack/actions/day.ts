// Open a day (modal), move or remove its tasks, page through a long day.
import type { BlockButtonAction, BlockStaticSelectAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { AppError } from '../../errors.ts';
import { changeCart, currentCart, loadCart, type CartState, type Notice } from '../../services/cart.ts';
import { parseCartRef } from '../../../views/cart.ts';
import { dayModal, decodeDayRef, parseDayMenu, parsePage } from '../../../views/day.ts';
import type { T } from '../../../views/i18n/index.ts';
import { ACTIONS } from '../../../views/ids.ts';
import { afterChange } from '../cart-message.ts';
import { savedThen } from '../errors.ts';
import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { guardAction } from '../guard.ts';
import { requestKey } from '../request-key.ts';
import { refusalOf } from '../web-client.ts';

/**
 * Re-renders the open day window, sending the hash it had when clicked. Slack refuses it
 * (hash_conflict) when the window changed since: another click's update landed first, and may show a
 * newer cart than `view` (a move's update slow on the way while the cart changed from the message or
 * another device, and a later click in the window showed it). Then the window is rendered again by
 * `now`, from the cart as it is, and sent without the hash. A window the agent closed meanwhile
 * (not_found: an agent on the phone picks a move and closes it at once) has nothing left to show:
 * the change, saved, is in the cart message.
 */
async function updateModal(client: WebClient, viewId: string, hash: string | undefined, view: ReturnType<typeof dayModal>, now: () => Promise<ReturnType<typeof dayModal>>) {
  try {
    await client.views.update({ view_id: viewId, hash, view });
  } catch (e) {
    const refused = refusalOf(e);
    if (refused === 'not_found') return;
    if (refused !== 'hash_conflict') throw e;
    try {
      await client.views.update({ view_id: viewId, view: await now() });
    } catch (again) {
      if (refusalOf(again) !== 'not_found') throw again;
    }
  }
}

export function register(app: Listeners, deps: Deps): void {
  const db = deps.database.db;
  const { languages } = deps;

  app.action<BlockButtonAction>(
    ACTIONS.openDay,
    guardAction(deps, { doing: 'open_day', saves: false }, async ({ ack, body, action, client }) => {
      await ack();
      const ref = parseCartRef(action.value ?? '');
      const day = ref?.rest[0];
      if (!ref || !day) throw new AppError('unknown_button');
      const state = await currentCart(db, body.user.id, ref.cartId, deps.now());
      await client.views.open({ trigger_id: body.trigger_id, view: dayModal(await languages.of(client, state.person), state, day, 0) });
    }),
  );

  app.action<BlockStaticSelectAction>(
    ACTIONS.dayTaskMenu,
    guardAction(deps, { doing: 'change_task' }, async ({ ack, body, action, client }) => {
      await ack();
      const view = body.view!;
      const ref = decodeDayRef(view.private_metadata);
      const change = parseDayMenu(action.selected_option.value);
      if (!ref || !change) throw new AppError('unknown_menu');
      const user = body.user.id;
      // The click's notice stays true of the cart read again after a conflict: it says what this click did.
      const show = (t: T, state: CartState, notice: Notice | null) =>
        updateModal(client, view.id, view.hash, dayModal(t, state, ref.day, ref.page, notice), async () => dayModal(t, await loadCart(db, user, ref.cartId, deps.now()), ref.day, ref.page, notice));
      let result;
      try {
        result = await changeCart(db, user, ref.cartId, ref.version, change, deps.now(), { requestKey: requestKey(body) });
      } catch (e) {
        // A refusal (fixed task, outside its window…) shows in the modal, with the day as it is now.
        if (!(e instanceof AppError)) throw e;
        const state = await loadCart(db, user, ref.cartId, deps.now());
        return show(await languages.of(client, state.person), state, { kind: 'refused', code: e.code, params: e.params });
      }
      if (result.replayed) return;
      const t = await languages.of(client, result.state.person);
      // The cart message and the day window at once: neither waits for the other.
      await savedThen(result, 'cart', Promise.all([result.changed && afterChange(t, client, db, languages, result, deps.now()), show(t, result.state, result.notice)]));
    }),
  );

  for (const id of [`${ACTIONS.dayPage}_prev`, `${ACTIONS.dayPage}_next`]) {
    app.action<BlockButtonAction>(
      id,
      guardAction(deps, { doing: 'turn_page', saves: false }, async ({ ack, body, action, client }) => {
        await ack();
        const view = body.view!;
        const ref = decodeDayRef(view.private_metadata ?? '');
        if (!ref) throw new AppError('unknown_menu');
        const state = await currentCart(db, body.user.id, ref.cartId, deps.now());
        const t = await languages.of(client, state.person);
        const page = parsePage(action.value);
        await updateModal(client, view.id, view.hash, dayModal(t, state, ref.day, page), async () => dayModal(t, await loadCart(db, body.user.id, ref.cartId, deps.now()), ref.day, page));
      }),
    );
  }
}
