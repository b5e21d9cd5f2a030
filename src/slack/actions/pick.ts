// Pick customers: filters → matching customers with recommended tasks → the ticked ones join the cart.
import type { App, BlockButtonAction } from '@slack/bolt';
import { allTaskTypes, filterChoices } from '../../../db/queries/customers.ts';
import { AppError } from '../../errors.ts';
import { CURRENT, changeCart, loadCart, loadOpenCart, type NewItem } from '../../services/cart.ts';
import { findTargets } from '../../services/recommend.ts';
import { PICK_BLOCK_PREFIX, pickFiltersModal, pickTasksModal } from '../../../views/pick.ts';
import { afterChange, showCart } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { replyError, userMessage } from '../errors.ts';
import { ACTIONS, INPUTS, VIEWS } from '../ids.ts';
import { checkedValues, inputValue, type ViewValues } from '../view-values.ts';
import { parseRef } from './cart.ts';

export function register(app: App, deps: Deps): void {
  const db = deps.database.db;

  app.action<BlockButtonAction>(ACTIONS.pickCustomers, async ({ ack, body, action, client, respond }) => {
    await ack();
    try {
      const ref = parseRef(action.value ?? '');
      if (!ref) throw new AppError('invalid', 'That button is not one I know. Run /cart to get a fresh cart.');
      const [state, choices] = await Promise.all([loadOpenCart(db, body.user.id, ref.cartId), filterChoices(db)]);
      await client.views.open({ trigger_id: body.trigger_id, view: pickFiltersModal(state.cart.id, choices) });
    } catch (e) {
      await replyError(respond, deps.logger, 'pick customers', e);
    }
  });

  app.view(VIEWS.pickFilters, async ({ ack, body, view }) => {
    const v = view.state.values as ViewValues;
    const pick = (block: string) => {
      const value = inputValue(v, block) ?? '*';
      return value === '*' ? null : value;
    };
    const rawDays = inputValue(v, INPUTS.lastContact)?.trim() ?? '';
    if (rawDays && !/^\d{1,4}$/.test(rawDays)) {
      return void (await ack({ response_action: 'errors', errors: { [INPUTS.lastContact]: 'A whole number of days, e.g. 30.' } }));
    }
    const filters = {
      segment: pick(INPUTS.segment),
      region: pick(INPUTS.region),
      tags: (inputValue(v, INPUTS.tags) ?? '').split(/[;,]/).map((s) => s.trim()).filter(Boolean),
      minDaysSinceContact: rawDays ? Number(rawDays) : null,
      onlyMine: checkedValues(v, INPUTS.mine).includes('mine'),
    };
    const cartId = Number(view.private_metadata);
    const [state, targets, types] = await Promise.all([loadCart(db, body.user.id, cartId), findTargets(db, body.user.id, filters, deps.now()), allTaskTypes(db)]);
    if (!targets.length) {
      return void (await ack({ response_action: 'errors', errors: { [INPUTS.segment]: 'No customers with recommended tasks match these filters. Widen them.' } }));
    }
    await ack({ response_action: 'update', view: pickTasksModal(state.cart.id, state.week, targets, new Map(types.map((t) => [t.key, t.label]))) });
  });

  app.view(VIEWS.pickTasks, async ({ ack, body, view, client }) => {
    const user = body.user.id;
    const cartId = Number(view.private_metadata);
    const v = view.state.values as ViewValues;
    const day = inputValue(v, INPUTS.pickDay) ?? 'auto';
    const types = new Map((await allTaskTypes(db)).map((t) => [t.key, t]));
    const items: NewItem[] = [];
    for (const block of Object.keys(v)) {
      if (!block.startsWith(PICK_BLOCK_PREFIX)) continue;
      const customerId = block.slice(PICK_BLOCK_PREFIX.length);
      const label = view.blocks.find((b) => b.block_id === block && b.type === 'input') as { label?: { text?: string } } | undefined;
      for (const value of checkedValues(v, block)) {
        const type = types.get(value);
        if (!type) continue;
        items.push({ typeKey: type.key, title: `${type.label} · ${label?.label?.text ?? customerId}`, customerId, effortMinutes: type.effortMinutes, priority: type.priority, day: day === 'auto' ? null : day, source: 'recommended', notes: '' });
      }
    }
    if (!items.length) {
      const first = Object.keys(v).find((b) => b.startsWith(PICK_BLOCK_PREFIX)) ?? INPUTS.pickDay;
      return void (await ack({ response_action: 'errors', errors: { [first]: 'Tick at least one task, or Cancel.' } }));
    }
    await ack();
    try {
      const result = await changeCart(db, user, cartId, CURRENT, { kind: 'add', items }, deps.now());
      await afterChange(client, db, result, deps.now());
    } catch (e) {
      if (!(e instanceof AppError)) deps.logger.error('pick tasks submit failed', e);
      await showCart(client, db, await loadCart(db, user, cartId), userMessage(e));
    }
  });
}
