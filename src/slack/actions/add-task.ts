// Add task (step 02): the modal, its customer search, and its submission.
import type { App, BlockButtonAction } from '@slack/bolt';
import { allTaskTypes, searchCustomers } from '../../../db/queries/customers.ts';
import { AppError } from '../../errors.ts';
import { defaultDay, loadOpenCart } from '../../services/cart.ts';
import { submitAddTask, type AddTaskForm } from '../../services/forms.ts';
import { cleanText } from '../../services/text.ts';
import { addTaskModal } from '../../../views/add-task.ts';
import { LIMITS, truncate } from '../../../views/limits.ts';
import { afterChange } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { guardAction, guardOptions, guardView } from '../guard.ts';
import { ACTIONS, INPUTS, VIEWS } from '../ids.ts';
import { requestKey } from '../request-key.ts';
import { inputValue, type ViewValues } from '../view-values.ts';
import { UNKNOWN_BUTTON, parseRef } from './cart.ts';

const FIELD_BLOCK: Record<keyof AddTaskForm, string> = {
  title: INPUTS.title,
  customerId: INPUTS.customer,
  typeKey: INPUTS.type,
  day: INPUTS.day,
  effort: INPUTS.effort,
  priority: INPUTS.priority,
  notes: INPUTS.notes,
};

/** What the customer search looks for: a name or an id, cut to a sensible length. */
const SEARCH_MAX = 100;

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

  app.action<BlockButtonAction>(
    ACTIONS.addTask,
    guardAction(deps, { what: 'open Add task', saves: false }, async ({ ack, body, action, client }) => {
      await ack();
      const ref = parseRef(action.value ?? '');
      if (!ref) throw new AppError('invalid', UNKNOWN_BUTTON);
      const [state, types] = await Promise.all([loadOpenCart(db, body.user.id, ref.cartId), allTaskTypes(db)]);
      await client.views.open({ trigger_id: body.trigger_id, view: addTaskModal(state.cart.id, state.week, types, defaultDay(state)) });
    }),
  );

  app.options(
    ACTIONS.customerSearch,
    guardOptions(deps, { what: 'search your customers' }, async ({ ack, body }) => {
      const query = [...cleanText(String((body as { value?: unknown }).value ?? ''))].slice(0, SEARCH_MAX).join('');
      const rows = await searchCustomers(db, body.user.id, query);
      await ack({ options: rows.map((c) => ({ text: { type: 'plain_text', text: truncate(`${c.name} (${c.id})`, LIMITS.optionText) }, value: truncate(c.id, 150) })) });
    }),
  );

  app.view(
    VIEWS.addTask,
    guardView(deps, { what: 'add your task' }, async ({ ack, body, view, client }) => {
      const form = readForm(view.state.values as ViewValues);
      const submitted = await submitAddTask(db, body.user.id, Number(view.private_metadata), form, deps.now(), { requestKey: requestKey(body), accepted: () => ack() });
      if (!submitted.ok) {
        const errors = Object.fromEntries(Object.entries(submitted.errors).map(([field, message]) => [FIELD_BLOCK[field as keyof AddTaskForm], message]));
        return ack({ response_action: 'errors', errors });
      }
      await afterChange(client, db, submitted.result, deps.now());
    }),
  );
}
