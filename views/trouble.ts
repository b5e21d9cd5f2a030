// What a person sees where they are looking when something failed: App Home, an open modal.
// The text is plain (from src/slack/errors.ts) and escaped here like any other.
import type { View } from '@slack/types';
import { LIMITS, mrkdwn, plain } from './limits.ts';
import { escape } from './text.ts';

export function troubleHome(text: string) {
  return {
    type: 'home' as const,
    blocks: [
      { type: 'header' as const, text: plain('Task Cart', LIMITS.headerText) },
      { type: 'section' as const, text: mrkdwn(`⚠️ ${escape(text)}`) },
    ],
  };
}

/** Replaces an open modal (its title kept) with what went wrong; Close takes the person back. */
export function troubleModal(title: string, text: string): View {
  return {
    type: 'modal',
    title: plain(title, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: [{ type: 'section', text: mrkdwn(`⚠️ ${escape(text)}`) }],
  };
}
