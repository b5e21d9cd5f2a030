// Add task (step 02): the modal, its customer search, and its submission.
import type { App, BlockButtonAction } from '@slack/bolt';
import { allTaskTypes, customerExists, searchCustomers } from '../../../db/queries/customers.ts';
import { AppError } from '../../errors.ts';
import { CURRENT, changeCart, defaultDay, loadCart, loadOpenCart } from '../../services/cart.ts';
import { checkAddTask, type AddTaskForm } from '../../services/forms.ts';
import { addTaskModal } from '../../../views/add-task.ts';
import { LIMITS, truncate } from '../../../views/limits.ts';
import { afterChange, showCart } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { replyError, userMessage } from '../errors.ts';
import { ACTIONS, INPUTS, VIEWS } from '../ids.ts';
import { inputValue, type ViewValues } from '../view-values.ts';
import { parseRef } from './cart.ts';

const FIELD_BLOCK: Record<keyof AddTaskForm, string> = {
  title: INPUTS.title,
  customerId: INPUTS.customer,
  typeKey: INPUTS.type,
  day: INPUTS.day,
  effort: INPUTS.effort,
  priority: INPUTS.priority,
  notes: INPUTS.notes,
};

function readForm(values: ViewValues): AddTaskForm {
  const get = (block: string, action?: string) => inputValue(values, block, action);
  return {
    title: get(INPUTS.title),
    customerId: get(INPUTS.customer, ACTIONS.customerSearch),
    typeKey: get(INPUTS.type),
    day: get(INPUTS.day),
    effort: get(INPUTS.effort),
    priority: get(INPUTS.priority),
    notes: get(INPUTS.notes),
  };
}

export function register(app: App, deps: Deps): void {
  const db = deps.database.db;

  app.action<BlockButtonAction>(ACTIONS.addTask, async ({ ack, body, action, client, respond }) => {
    await ack();
    try {
      const ref = parseRef(action.value ?? '');
      if (!ref) throw new AppError('invalid', 'That button is not one I know. Run /cart to get a fresh cart.');
      const [state, types] = await Promise.all([loadOpenCart(db, body.user.id, ref.cartId), allTaskTypes(db)]);
      await client.views.open({ trigger_id: body.trigger_id, view: addTaskModal(state.cart.id, state.week, types, defaultDay(state)) });
    } catch (e) {
      await replyError(respond, deps.logger, 'add task', e);
    }
  });

  app.options(ACTIONS.customerSearch, async ({ ack, body }) => {
    const rows = await searchCustomers(db, body.user.id, String((body as { value?: string }).value ?? '').trim());
    await ack({ options: rows.map((c) => ({ text: { type: 'plain_text', text: truncate(`${c.name} (${c.id})`, LIMITS.optionText) }, value: truncate(c.id, 150) })) });
  });

  app.view(VIEWS.addTask, async ({ ack, body, view, client }) => {
    const user = body.user.id;
    const cartId = Number(view.private_metadata);
    const form = readForm(view.state.values as ViewValues);
    let state;
    try {
      state = await loadCart(db, user, cartId);
    } catch (e) {
      await ack({ response_action: 'errors', errors: { [INPUTS.title]: userMessage(e) } });
      return;
    }
    const types = new Map((await allTaskTypes(db)).map((t) => [t.key, t]));
    const checked = checkAddTask(form, state.week, types);
    if (checked.ok && checked.item.customerId && !(await customerExists(db, checked.item.customerId))) {
      await ack({ response_action: 'errors', errors: { [INPUTS.customer]: 'That customer is not known: pick one from the list.' } });
      return;
    }
    if (!checked.ok) {
      const errors = Object.fromEntries(Object.entries(checked.errors).map(([field, message]) => [FIELD_BLOCK[field as keyof AddTaskForm], message]));
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    try {
      const result = await changeCart(db, user, cartId, CURRENT, { kind: 'add', items: [checked.item] }, deps.now());
      await afterChange(client, db, result, deps.now());
    } catch (e) {
      if (!(e instanceof AppError)) deps.logger.error('add task submit failed', e);
      await showCart(client, db, await loadCart(db, user, cartId), userMessage(e));
    }
  });
}
