// Pick customers: step one filters, step two the matching customers with their recommended tasks to tick.
import type { KnownBlock, View } from '@slack/types';
import { formatDay, type Week } from '../src/engine/index.ts';
import type { Target } from '../src/services/recommend.ts';
import { INPUTS, VALUE, VIEWS } from '../src/slack/ids.ts';
import { LIMITS, mrkdwn, plain, truncate } from './limits.ts';

export const PICK_BLOCK_PREFIX = 'pick_c_';

const option = (text: string, value: string) => ({ text: plain(text, LIMITS.optionText), value: truncate(value, 150) });

/** `teamCustomers`: the team lets its agents plan for each other's customers, so "only mine" is a real choice. */
export function pickFiltersModal(cartId: number, choices: { segments: string[]; regions: string[] }, options: { teamCustomers: boolean }): View {
  const any = option('Any', '*');
  const select = (block: string, label: string, values: string[]) => ({
    type: 'input' as const,
    block_id: block,
    label: plain(label, 2000),
    element: { type: 'static_select' as const, action_id: VALUE, options: [any, ...values.slice(0, 99).map((v) => option(v, v))], initial_option: any },
  });
  const mine = option('Only my customers', 'mine');
  return {
    type: 'modal',
    callback_id: VIEWS.pickFilters,
    private_metadata: String(cartId),
    title: plain('Pick customers', LIMITS.modalTitle),
    submit: plain('Find', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks: [
      select(INPUTS.segment, 'Segment', choices.segments),
      select(INPUTS.region, 'Region', choices.regions),
      { type: 'input', block_id: INPUTS.tags, optional: true, label: plain('Tags (any of, separated by ;)', 2000), element: { type: 'plain_text_input', action_id: VALUE, placeholder: plain('vip; at-risk', 150) } },
      { type: 'input', block_id: INPUTS.lastContact, optional: true, label: plain('Not contacted for at least (days)', 2000), element: { type: 'plain_text_input', action_id: VALUE, placeholder: plain('e.g. 30', 150) } },
      ...(options.teamCustomers
        ? [{ type: 'input' as const, block_id: INPUTS.mine, optional: true, label: plain('Whose customers', 2000), element: { type: 'checkboxes' as const, action_id: VALUE, options: [mine], initial_options: [mine] } }]
        : []),
    ],
  };
}

export function pickTasksModal(cartId: number, week: Week, targets: Target[], labels: ReadonlyMap<string, string>): View {
  const auto = option('The lightest allowed day', 'auto');
  const days = week.days.filter((d) => d.work).map((d) => option(formatDay(d.day, 'cccc d LLL'), d.day));
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`*${targets.length} customer${targets.length === 1 ? '' : 's'}*, best first. Tick the tasks to add to your cart.`) },
    { type: 'input', block_id: INPUTS.pickDay, label: plain('Plan them on', 2000), element: { type: 'static_select', action_id: VALUE, options: [auto, ...days], initial_option: auto } },
  ];
  for (const t of targets) {
    blocks.push({
      type: 'input',
      block_id: `${PICK_BLOCK_PREFIX}${t.customer.id}`,
      optional: true,
      label: plain(truncate(`${t.customer.name}${t.customer.segment ? ` · ${t.customer.segment}` : ''}`, 150), 2000),
      element: {
        type: 'checkboxes',
        action_id: VALUE,
        options: t.recommendations.slice(0, 10).map((r) => ({
          text: plain(`${labels.get(r.typeKey) ?? r.typeKey} · ${r.score.toFixed(2)}${r.origin === 'rules' ? ' (rule)' : ''}`, LIMITS.optionText),
          description: plain(r.reason || ' ', LIMITS.optionText),
          value: r.typeKey,
        })),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: VIEWS.pickTasks,
    private_metadata: String(cartId),
    title: plain('Recommended tasks', LIMITS.modalTitle),
    submit: plain('Add to cart', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks,
  };
}
