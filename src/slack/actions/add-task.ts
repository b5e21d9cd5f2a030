// Add task (step 02): the modal, its customer search, and its submission.
import type { BlockButtonAction } from '@slack/bolt';
import { allTaskTypes, searchCustomers } from '../../../db/queries/customers.ts';
import { AppError } from '../../errors.ts';
import { defaultDay, loadOpenCart } from '../../services/cart.ts';
import { submitAddTask, type AddTaskForm } from '../../services/forms.ts';
import { cleanText } from '../../services/text.ts';
import { addTaskModal, decodeModalRef } from '../../../views/add-task.ts';
import { parseCartRef } from '../../../views/cart.ts';
import { fieldErrorText } from '../../../views/errors.ts';
import { textsFor } from '../../../views/i18n/index.ts';
import { ACTIONS, INPUTS, VIEWS } from '../../../views/ids.ts';
import { LIMITS, truncate } from '../../../views/limits.ts';
import { afterChange } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { guardAction, guardOptions, guardView } from '../guard.ts';
import { requestKey } from '../request-key.ts';
import { inputValue, type ViewValues } from '../view-values.ts';

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

export function register(app: Listeners, deps: Deps): void {
  const db = deps.database.db;
  const { languages } = deps;

  app.action<BlockButtonAction>(
    ACTIONS.addTask,
    guardAction(deps, { doing: 'open_add_task', saves: false }, async ({ ack, body, action, client }) => {
      await ack();
      const ref = parseCartRef(action.value ?? '');
      if (!ref) throw new AppError('unknown_button');
      const [state, types] = await Promise.all([loadOpenCart(db, body.user.id, ref.cartId, deps.now()), allTaskTypes(db)]);
      const t = await languages.of(client, state.person);
      await client.views.open({ trigger_id: body.trigger_id, view: addTaskModal(t, state.cart.id, state.week, types, defaultDay(state)) });
    }),
  );

  app.options(
    ACTIONS.customerSearch,
    guardOptions(deps, { doing: 'search_customers' }, async ({ ack, body }) => {
      const query = [...cleanText(String((body as { value?: unknown }).value ?? ''))].slice(0, SEARCH_MAX).join('');
      const rows = await searchCustomers(db, body.user.id, query);
      // Names and ids are data: the same in every language.
      await ack({ options: rows.map((c) => ({ text: { type: 'plain_text', text: truncate(`${c.name} (${c.id})`, LIMITS.optionText) }, value: truncate(c.id, LIMITS.optionValue) })) });
    }),
  );

  app.view(
    VIEWS.addTask,
    guardView(deps, { doing: 'add_task' }, async ({ ack, body, view, client }) => {
      const form = readForm(view.state.values as ViewValues);
      const ref = decodeModalRef(view.private_metadata);
      const submitted = await submitAddTask(db, body.user.id, ref.cartId, form, deps.now(), { requestKey: requestKey(body), accepted: () => ack() });
      if (!submitted.ok) {
        const t = textsFor(ref.language);
        const errors = Object.fromEntries(Object.entries(submitted.errors).map(([field, error]) => [FIELD_BLOCK[field as keyof AddTaskForm], fieldErrorText(t, error)]));
        return ack({ response_action: 'errors', errors });
      }
      await afterChange(await languages.of(client, submitted.result.state.person), client, db, languages, submitted.result, deps.now());
    }),
  );
}
