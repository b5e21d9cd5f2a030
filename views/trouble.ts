// What a person sees where they are looking when something failed: App Home, an open modal.
// The text is mrkdwn already rendered in their language (views/errors.ts).
import type { View } from '@slack/types';
import type { T } from './i18n/index.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';

export function troubleHome(t: T, text: string) {
  return {
    type: 'home' as const,
    blocks: [
      { type: 'header' as const, text: plain(t.plain('product.name'), LIMITS.headerText) },
      { type: 'section' as const, text: mrkdwn(`⚠️ ${text}`) },
    ],
  };
}

/** Replaces an open modal (its title kept) with what went wrong; Close takes the person back. */
export function troubleModal(t: T, title: string, text: string): View {
  return {
    type: 'modal',
    title: plain(title, LIMITS.modalTitle),
    close: plain(t.plain('button.close'), LIMITS.modalTitle),
    blocks: [{ type: 'section', text: mrkdwn(`⚠️ ${text}`) }],
  };
}
