// Pick customers: step one filters, step two the matching customers with their recommended tasks to tick.
import type { KnownBlock, View } from '@slack/types';
import { openDays, type RecommendationReason, type Week } from '../src/engine/index.ts';
import type { Target } from '../src/services/recommend.ts';
import { encodeModalRef } from './add-task.ts';
import type { T } from './i18n/index.ts';
import { INPUTS, VALUE, VIEWS } from './ids.ts';
import { LIMITS, mrkdwn, plain, truncate } from './limits.ts';

/** Each customer's checkboxes are an input block named after the customer: `pick_c_<customer id>`. */
export const PICK_BLOCK_PREFIX = 'pick_c_';
/** The "Whose customers" checkbox's value. */
export const ONLY_MINE = 'mine';
/** The filters' "Any" option, and the day option "the lightest allowed day". */
export const ANY = '*';
export const AUTO_DAY = 'auto';

const option = (text: string, value: string) => ({ text: plain(text, LIMITS.optionText), value: truncate(value, LIMITS.optionValue) });

/** Why a task is recommended, in the reader's language (plain: an option's description). */
export function reasonText(t: T, r: RecommendationReason): string {
  switch (r.kind) {
    case 'imported':
      return r.text || t.plain('reason.imported');
    case 'renewal_due':
      return t.plain('reason.renewal_due', { count: r.days });
    case 'never_contacted':
      return t.plain('reason.never_contacted');
    case 'no_contact':
      return t.plain('reason.no_contact', { count: r.days });
    case 'segment':
      return t.plain('reason.segment', { segment: r.segment });
  }
}

/** `teamCustomers`: the team lets its agents plan for each other's customers, so "only mine" is a real choice. */
export function pickFiltersModal(t: T, cartId: number, choices: { segments: string[]; regions: string[] }, options: { teamCustomers: boolean }): View {
  const any = option(t.plain('pick.any'), ANY);
  const select = (block: string, label: string, values: string[]) => ({
    type: 'input' as const,
    block_id: block,
    label: plain(label, LIMITS.inputLabel),
    element: { type: 'static_select' as const, action_id: VALUE, options: [any, ...values.slice(0, LIMITS.selectOptions - 1).map((v) => option(v, v))], initial_option: any },
  });
  const mine = option(t.plain('pick.only_mine'), ONLY_MINE);
  return {
    type: 'modal',
    callback_id: VIEWS.pickFilters,
    private_metadata: encodeModalRef({ cartId, language: t.language }),
    title: plain(t.plain('pick.title'), LIMITS.modalTitle),
    submit: plain(t.plain('pick.find'), LIMITS.modalTitle),
    close: plain(t.plain('button.cancel'), LIMITS.modalTitle),
    blocks: [
      select(INPUTS.segment, t.plain('pick.segment'), choices.segments),
      select(INPUTS.region, t.plain('pick.region'), choices.regions),
      {
        type: 'input',
        block_id: INPUTS.tags,
        optional: true,
        label: plain(t.plain('pick.tags'), LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: VALUE, placeholder: plain(t.plain('pick.tags_placeholder'), LIMITS.placeholder) },
      },
      {
        type: 'input',
        block_id: INPUTS.lastContact,
        optional: true,
        label: plain(t.plain('pick.last_contact'), LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: VALUE, placeholder: plain(t.plain('pick.last_contact_placeholder'), LIMITS.placeholder) },
      },
      ...(options.teamCustomers
        ? [{ type: 'input' as const, block_id: INPUTS.mine, optional: true, label: plain(t.plain('pick.whose'), LIMITS.inputLabel), element: { type: 'checkboxes' as const, action_id: VALUE, options: [mine], initial_options: [mine] } }]
        : []),
    ],
  };
}

export function pickTasksModal(t: T, cartId: number, week: Week, targets: Target[], labels: ReadonlyMap<string, string>): View {
  const auto = option(t.plain('pick.lightest_day'), AUTO_DAY);
  const days = openDays(week).map((d) => option(t.fmt.dayLong(d.day), d.day));
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(t('pick.found', { count: targets.length })) },
    { type: 'input', block_id: INPUTS.pickDay, label: plain(t.plain('pick.plan_on'), LIMITS.inputLabel), element: { type: 'static_select', action_id: VALUE, options: [auto, ...days], initial_option: auto } },
  ];
  for (const target of targets) {
    const { customer } = target;
    const name = customer.segment ? t.plain('pick.customer_segment', { name: customer.name, segment: customer.segment }) : customer.name;
    blocks.push({
      type: 'input',
      block_id: `${PICK_BLOCK_PREFIX}${customer.id}`,
      optional: true,
      label: plain(truncate(name, 150), LIMITS.inputLabel),
      element: {
        type: 'checkboxes',
        action_id: VALUE,
        options: target.recommendations.slice(0, LIMITS.checkboxOptions).map((r) => {
          const label = t.fmt.typeLabel(r.typeKey, labels.get(r.typeKey) ?? r.typeKey);
          const score = r.score.toFixed(2);
          return {
            text: plain(t.plain(r.origin === 'rules' ? 'pick.option_rule' : 'pick.option', { label, score }), LIMITS.optionText),
            description: plain(reasonText(t, r.reason) || ' ', LIMITS.optionDescription),
            value: r.typeKey,
          };
        }),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: VIEWS.pickTasks,
    private_metadata: encodeModalRef({ cartId, language: t.language }),
    title: plain(t.plain('pick.tasks_title'), LIMITS.modalTitle),
    submit: plain(t.plain('pick.add'), LIMITS.modalTitle),
    close: plain(t.plain('button.cancel'), LIMITS.modalTitle),
    blocks,
  };
}
