// The Add task modal (step 02): the agent's own task, checked field by field on submit.
import type { View } from '@slack/types';
import { openDays, type Week } from '../src/engine/index.ts';
import { PRIORITIES } from '../src/engine/types.ts';
import { isLanguage, type Language } from '../src/language.ts';
import type { T } from './i18n/index.ts';
import { ACTIONS, INPUTS, VALUE, VIEWS } from './ids.ts';
import { LIMITS, plain } from './limits.ts';

export interface TaskTypeOption {
  key: string;
  label: string;
  effortMinutes: number;
}

/**
 * A modal's private_metadata: the cart it adds to, and the language it was shown in, so that
 * what is wrong with its fields is said in the same language before the ack, without a lookup.
 */
export interface ModalRef {
  cartId: number;
  language: Language;
}
export const encodeModalRef = (r: ModalRef) => `${r.cartId}:${r.language}`;
export function decodeModalRef(metadata: string): ModalRef {
  const [cart, language] = metadata.split(':');
  return { cartId: Number(cart), language: isLanguage(language) ? language : 'en' };
}

export function addTaskModal(t: T, cartId: number, week: Week, types: TaskTypeOption[], defaultDay: string): View {
  const days = openDays(week);
  const typeOptions = types
    .slice(0, LIMITS.selectOptions)
    .map((x) => ({ text: plain(t.plain('add.type_option', { label: t.fmt.typeLabel(x.key, x.label), effort: t.fmt.minutes(x.effortMinutes) }), LIMITS.optionText), value: x.key }));
  const dayOptions = days.map((d) => ({ text: plain(t.fmt.dayLong(d.day), LIMITS.optionText), value: d.day }));
  const initialType = typeOptions.find((o) => o.value === 'custom') ?? typeOptions[0];
  const initialDay = dayOptions.find((o) => o.value === defaultDay) ?? dayOptions[0];
  const priorities = PRIORITIES.map((p) => ({ text: plain(t.fmt.priority(p), LIMITS.optionText), value: p }));
  const label = (key: Parameters<T['plain']>[0]) => plain(t.plain(key), LIMITS.inputLabel);
  return {
    type: 'modal',
    callback_id: VIEWS.addTask,
    private_metadata: encodeModalRef({ cartId, language: t.language }),
    title: plain(t.plain('add.title'), LIMITS.modalTitle),
    submit: plain(t.plain('add.submit'), LIMITS.modalTitle),
    close: plain(t.plain('button.cancel'), LIMITS.modalTitle),
    blocks: [
      { type: 'input', block_id: INPUTS.title, label: label('add.field_title'), element: { type: 'plain_text_input', action_id: VALUE, placeholder: plain(t.plain('add.title_placeholder'), LIMITS.placeholder) } },
      {
        type: 'input',
        block_id: INPUTS.customer,
        optional: true,
        label: label('add.field_customer'),
        element: { type: 'external_select', action_id: ACTIONS.customerSearch, min_query_length: 1, placeholder: plain(t.plain('add.customer_placeholder'), LIMITS.placeholder) },
      },
      { type: 'input', block_id: INPUTS.type, label: label('add.field_type'), element: { type: 'static_select', action_id: VALUE, options: typeOptions, ...(initialType ? { initial_option: initialType } : {}) } },
      { type: 'input', block_id: INPUTS.day, label: label('add.field_day'), element: { type: 'static_select', action_id: VALUE, options: dayOptions, ...(initialDay ? { initial_option: initialDay } : {}) } },
      {
        type: 'input',
        block_id: INPUTS.effort,
        optional: true,
        label: label('add.field_effort'),
        hint: plain(t.plain('add.effort_hint'), LIMITS.hint),
        element: { type: 'plain_text_input', action_id: VALUE, placeholder: plain(t.plain('add.effort_placeholder'), LIMITS.placeholder) },
      },
      { type: 'input', block_id: INPUTS.priority, label: label('add.field_priority'), element: { type: 'static_select', action_id: VALUE, options: priorities, initial_option: priorities[1]! } },
      { type: 'input', block_id: INPUTS.notes, optional: true, label: label('add.field_notes'), element: { type: 'plain_text_input', action_id: VALUE, multiline: true, max_length: 1000 } },
    ],
  };
}
