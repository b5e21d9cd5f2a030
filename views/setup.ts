// What a Slack user the bot does not know is told, everywhere: how to get set up.
import type { KnownBlock } from '@slack/types';
import type { T } from './i18n/index.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';

/** How to get set up, with the person's member id (as mrkdwn, or plain under a modal's field). */
export function setupText(t: T, userId: string, mode: 'mrkdwn' | 'plain' = 'mrkdwn'): string {
  return (mode === 'plain' ? t.plain : t)('setup.text', { id: userId });
}

export function setupBlocks(t: T, userId: string): KnownBlock[] {
  return [{ type: 'section', text: mrkdwn(setupText(t, userId)) }];
}

export function setupHome(t: T, userId: string) {
  return {
    type: 'home' as const,
    blocks: [{ type: 'header' as const, text: plain(t.plain('setup.welcome'), LIMITS.headerText) }, ...setupBlocks(t, userId)],
  };
}
