// Commit with a reason: where the team allows a flagged cart to be committed, the agent says why.
import type { View } from '@slack/types';
import type { DayFlag } from '../src/services/cart.ts';
import { isLanguage, type Language } from '../src/language.ts';
import type { T } from './i18n/index.ts';
import { INPUTS, VALUE, VIEWS } from './ids.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';
import { flaggedList } from './notices.ts';
import { md } from './text.ts';

/** The modal's private_metadata: the cart and the version the agent committed, and the modal's language. */
export const encodeCommitRef = (cartId: number, version: number, language: Language) => `${cartId}:${version}:${language}`;
export function decodeCommitRef(metadata: string): { cartId: number; version: number; language: Language } | null {
  const [c, v, language] = metadata.split(':');
  const cartId = Number(c);
  const version = Number(v);
  return Number.isSafeInteger(cartId) && cartId > 0 && Number.isSafeInteger(version) ? { cartId, version, language: isLanguage(language) ? language : 'en' } : null;
}

export function commitReasonModal(t: T, cartId: number, version: number, flagged: readonly DayFlag[]): View {
  return {
    type: 'modal',
    callback_id: VIEWS.commitReason,
    private_metadata: encodeCommitRef(cartId, version, t.language),
    title: plain(t.plain('commit.title'), LIMITS.modalTitle),
    submit: plain(t.plain('button.commit'), LIMITS.modalTitle),
    close: plain(t.plain('button.keep_adjusting'), LIMITS.modalTitle),
    blocks: [
      { type: 'section', text: mrkdwn(t('commit.still_flagged', { days: md(flaggedList(t, flagged)) })) },
      {
        type: 'input',
        block_id: INPUTS.reason,
        label: plain(t.plain('commit.reason_label'), LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: VALUE, multiline: true, min_length: 5, max_length: 500 },
      },
    ],
  };
}
