// Commit with a reason: where the team allows a flagged cart to be committed, the agent says why.
import type { View } from '@slack/types';
import { INPUTS, VALUE, VIEWS } from '../src/slack/ids.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';
import { escape } from './text.ts';

export function commitReasonModal(cartId: number, version: number, flagged: string): View {
  return {
    type: 'modal',
    callback_id: VIEWS.commitReason,
    private_metadata: `${cartId}:${version}`,
    title: plain('Commit with a reason', LIMITS.modalTitle),
    submit: plain('Commit', LIMITS.modalTitle),
    close: plain('Keep adjusting', LIMITS.modalTitle),
    blocks: [
      { type: 'section', text: mrkdwn(`Still flagged: ${escape(flagged)}.\nYour team allows committing anyway; your supervisor sees the reason.`) },
      { type: 'input', block_id: INPUTS.reason, label: plain('Why commit as it is?', 2000), element: { type: 'plain_text_input', action_id: VALUE, multiline: true, min_length: 5, max_length: 500 } },
    ],
  };
}
