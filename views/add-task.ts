// The Add task modal (step 02): the agent's own task, checked field by field on submit.
import type { View } from '@slack/types';
import { formatDay, type Week } from '../src/engine/index.ts';
import { PRIORITIES } from '../src/engine/types.ts';
import { ACTIONS, INPUTS, VALUE, VIEWS } from '../src/slack/ids.ts';
import { LIMITS, plain } from './limits.ts';

export interface TaskTypeOption {
  key: string;
  label: string;
  effortMinutes: number;
}

export function addTaskModal(cartId: number, week: Week, types: TaskTypeOption[], defaultDay: string): View {
  const days = week.days.filter((d) => d.work);
  const typeOptions = types.slice(0, 100).map((t) => ({ text: plain(`${t.label} (${t.effortMinutes} m)`, LIMITS.optionText), value: t.key }));
  const dayOptions = days.map((d) => ({ text: plain(formatDay(d.day, 'cccc d LLL'), LIMITS.optionText), value: d.day }));
  const initialType = typeOptions.find((o) => o.value === 'custom') ?? typeOptions[0];
  const initialDay = dayOptions.find((o) => o.value === defaultDay) ?? dayOptions[0];
  const priorities = PRIORITIES.map((p) => ({ text: plain(p[0]!.toUpperCase() + p.slice(1), LIMITS.optionText), value: p }));
  return {
    type: 'modal',
    callback_id: VIEWS.addTask,
    private_metadata: String(cartId),
    title: plain('Add a task', LIMITS.modalTitle),
    submit: plain('Add', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks: [
      { type: 'input', block_id: INPUTS.title, label: plain('Title', 2000), element: { type: 'plain_text_input', action_id: VALUE, placeholder: plain('e.g. Call back about the invoice', 150) } },
      {
        type: 'input',
        block_id: INPUTS.customer,
        optional: true,
        label: plain('Customer', 2000),
        element: { type: 'external_select', action_id: ACTIONS.customerSearch, min_query_length: 1, placeholder: plain('Search your customers by name or id', 150) },
      },
      { type: 'input', block_id: INPUTS.type, label: plain('Type', 2000), element: { type: 'static_select', action_id: VALUE, options: typeOptions, ...(initialType ? { initial_option: initialType } : {}) } },
      { type: 'input', block_id: INPUTS.day, label: plain('Day', 2000), element: { type: 'static_select', action_id: VALUE, options: dayOptions, ...(initialDay ? { initial_option: initialDay } : {}) } },
      {
        type: 'input',
        block_id: INPUTS.effort,
        optional: true,
        label: plain('Effort in minutes', 2000),
        hint: plain('Leave empty for the type’s usual effort.', 2000),
        element: { type: 'plain_text_input', action_id: VALUE, placeholder: plain('e.g. 15', 150) },
      },
      { type: 'input', block_id: INPUTS.priority, label: plain('Priority', 2000), element: { type: 'static_select', action_id: VALUE, options: priorities, initial_option: priorities[1]! } },
      { type: 'input', block_id: INPUTS.notes, optional: true, label: plain('Notes', 2000), element: { type: 'plain_text_input', action_id: VALUE, multiline: true, max_length: 1000 } },
    ],
  };
}
