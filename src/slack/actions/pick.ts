// Pick customers: filters → matching customers with recommended tasks → the ticked ones join the cart.
import type { App, BlockButtonAction } from '@slack/bolt';
import { filterChoices } from '../../../db/queries/customers.ts';
import { AppError } from '../../errors.ts';
import { loadOpenCart } from '../../services/cart.ts';
import { submitPickFilters, submitPickTasks, type PickFiltersForm } from '../../services/forms.ts';
import { PICK_BLOCK_PREFIX, pickFiltersModal, pickTasksModal } from '../../../views/pick.ts';
import { afterChange } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { guardAction, guardView } from '../guard.ts';
import { ACTIONS, INPUTS, VIEWS } from '../ids.ts';
import { requestKey } from '../request-key.ts';
import { checkedValues, inputValue, type ViewValues } from '../view-values.ts';
import { UNKNOWN_BUTTON, parseRef } from './cart.ts';

const FILTER_BLOCK: Record<keyof PickFiltersForm, string> = {
  segment: INPUTS.segment,
  region: INPUTS.region,
  tags: INPUTS.tags,
  lastContact: INPUTS.lastContact,
  onlyMine: INPUTS.mine,
};

export function register(app: App, deps: Deps): void {
  const db = deps.database.db;

  app.action<BlockButtonAction>(
    ACTIONS.pickCustomers,
    guardAction(deps, { what: 'open Pick customers', saves: false }, async ({ ack, body, action, client }) => {
      await ack();
      const ref = parseRef(action.value ?? '');
      if (!ref) throw new AppError('invalid', UNKNOWN_BUTTON);
      const [state, choices] = await Promise.all([loadOpenCart(db, body.user.id, ref.cartId), filterChoices(db, body.user.id)]);
      await client.views.open({ trigger_id: body.trigger_id, view: pickFiltersModal(state.cart.id, choices, { teamCustomers: state.person.team.teamCustomers }) });
    }),
  );

  app.view(
    VIEWS.pickFilters,
    guardView(deps, { what: 'find customers', saves: false }, async ({ ack, body, view }) => {
      const v = view.state.values as ViewValues;
      const form: PickFiltersForm = {
        segment: inputValue(v, INPUTS.segment),
        region: inputValue(v, INPUTS.region),
        tags: inputValue(v, INPUTS.tags),
        lastContact: inputValue(v, INPUTS.lastContact),
        onlyMine: checkedValues(v, INPUTS.mine).includes('mine'),
      };
      const found = await submitPickFilters(db, body.user.id, Number(view.private_metadata), form, deps.now());
      if (!found.ok) {
        const errors = Object.fromEntries(Object.entries(found.errors).map(([field, message]) => [FILTER_BLOCK[field as keyof PickFiltersForm], message]));
        return ack({ response_action: 'errors', errors });
      }
      await ack({ response_action: 'update', view: pickTasksModal(found.state.cart.id, found.state.week, found.targets, found.labels) });
    }),
  );

  app.view(
    VIEWS.pickTasks,
    guardView(deps, { what: 'add the picked tasks' }, async ({ ack, body, view, client }) => {
      const v = view.state.values as ViewValues;
      const blocks = Object.keys(v).filter((b) => b.startsWith(PICK_BLOCK_PREFIX));
      const picks = blocks.map((block) => ({ customerId: block.slice(PICK_BLOCK_PREFIX.length), typeKeys: checkedValues(v, block) }));
      const submitted = await submitPickTasks(db, body.user.id, Number(view.private_metadata), { day: inputValue(v, INPUTS.pickDay), picks }, deps.now(), {
        requestKey: requestKey(body),
        accepted: () => ack(),
      });
      if (!submitted.ok) {
        const { day, customers = {}, none } = submitted.errors;
        const errors: Record<string, string> = Object.fromEntries(Object.entries(customers).map(([id, message]) => [`${PICK_BLOCK_PREFIX}${id}`, message]));
        if (day) errors[INPUTS.pickDay] = day;
        if (none) errors[blocks[0] ?? INPUTS.pickDay] = none;
        return ack({ response_action: 'errors', errors });
      }
      await afterChange(client, db, submitted.result, deps.now());
    }),
  );
}
