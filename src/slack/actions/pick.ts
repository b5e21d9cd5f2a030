// Pick customers: filters → matching customers with recommended tasks → the ticked ones join the cart.
import type { BlockButtonAction } from '@slack/bolt';
import { filterChoices } from '../../../db/queries/customers.ts';
import { AppError } from '../../errors.ts';
import { loadOpenCart } from '../../services/cart.ts';
import { submitPickFilters, submitPickTasks, type PickFiltersForm } from '../../services/forms.ts';
import { decodeModalRef } from '../../../views/add-task.ts';
import { parseCartRef } from '../../../views/cart.ts';
import { fieldErrorText } from '../../../views/errors.ts';
import { textsFor } from '../../../views/i18n/index.ts';
import { ACTIONS, INPUTS, VIEWS } from '../../../views/ids.ts';
import { ONLY_MINE, PICK_BLOCK_PREFIX, pickFiltersModal, pickTasksModal } from '../../../views/pick.ts';
import { taskName } from '../../../views/words.ts';
import { afterChange } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { guardAction, guardView } from '../guard.ts';
import { requestKey } from '../request-key.ts';
import { checkedValues, inputValue, type ViewValues } from '../view-values.ts';

const FILTER_BLOCK: Record<keyof PickFiltersForm, string> = {
  segment: INPUTS.segment,
  region: INPUTS.region,
  tags: INPUTS.tags,
  lastContact: INPUTS.lastContact,
  onlyMine: INPUTS.mine,
};

export function register(app: Listeners, deps: Deps): void {
  const db = deps.database.db;
  const { languages } = deps;

  app.action<BlockButtonAction>(
    ACTIONS.pickCustomers,
    guardAction(deps, { doing: 'open_pick', saves: false }, async ({ ack, body, action, client }) => {
      await ack();
      const ref = parseCartRef(action.value ?? '');
      if (!ref) throw new AppError('unknown_button');
      const [state, choices] = await Promise.all([loadOpenCart(db, body.user.id, ref.cartId, deps.now()), filterChoices(db, body.user.id)]);
      const t = await languages.of(client, state.person);
      await client.views.open({ trigger_id: body.trigger_id, view: pickFiltersModal(t, state.cart.id, choices, { teamCustomers: state.person.team.teamCustomers }) });
    }),
  );

  app.view(
    VIEWS.pickFilters,
    guardView(deps, { doing: 'find_customers', saves: false }, async ({ ack, body, view }) => {
      const v = view.state.values as ViewValues;
      const form: PickFiltersForm = {
        segment: inputValue(v, INPUTS.segment),
        region: inputValue(v, INPUTS.region),
        tags: inputValue(v, INPUTS.tags),
        lastContact: inputValue(v, INPUTS.lastContact),
        onlyMine: checkedValues(v, INPUTS.mine).includes(ONLY_MINE),
      };
      const ref = decodeModalRef(view.private_metadata);
      // Answered before the ack, in the modal's own language.
      const t = textsFor(ref.language);
      const found = await submitPickFilters(db, body.user.id, ref.cartId, form, deps.now());
      if (!found.ok) {
        const errors = Object.fromEntries(Object.entries(found.errors).map(([field, error]) => [FILTER_BLOCK[field as keyof PickFiltersForm], fieldErrorText(t, error)]));
        return ack({ response_action: 'errors', errors });
      }
      await ack({ response_action: 'update', view: pickTasksModal(t, found.state.cart.id, found.state.week, found.targets, found.labels) });
    }),
  );

  app.view(
    VIEWS.pickTasks,
    guardView(deps, { doing: 'add_picked' }, async ({ ack, body, view, client }) => {
      const v = view.state.values as ViewValues;
      const ref = decodeModalRef(view.private_metadata);
      const blocks = Object.keys(v).filter((b) => b.startsWith(PICK_BLOCK_PREFIX));
      const picks = blocks.map((block) => ({ customerId: block.slice(PICK_BLOCK_PREFIX.length), typeKeys: checkedValues(v, block) }));
      // In the modal's language: the titles of the tasks it adds, and what is wrong with it.
      const t = textsFor(ref.language);
      const submitted = await submitPickTasks(db, body.user.id, ref.cartId, { day: inputValue(v, INPUTS.pickDay), picks }, deps.now(), {
        requestKey: requestKey(body),
        accepted: () => ack(),
        titleOf: (type, customer) => taskName(t, { type: type.key, label: type.label, customer }),
      });
      if (!submitted.ok) {
        const { day, customers = {}, none } = submitted.errors;
        const errors: Record<string, string> = Object.fromEntries(Object.entries(customers).map(([id, error]) => [`${PICK_BLOCK_PREFIX}${id}`, fieldErrorText(t, error)]));
        if (day) errors[INPUTS.pickDay] = fieldErrorText(t, day);
        if (none) errors[blocks[0] ?? INPUTS.pickDay] = fieldErrorText(t, none);
        return ack({ response_action: 'errors', errors });
      }
      await afterChange(await languages.of(client, submitted.result.state.person), client, db, languages, submitted.result, deps.now());
    }),
  );
}
