// What a Slack user the bot does not know is told, everywhere: how to get set up.
import type { KnownBlock } from '@slack/types';
import { mrkdwn } from './limits.ts';
import { escape } from './text.ts';

/** Plain text (its backticks only style the id): escaped wherever it enters mrkdwn. */
export function setupText(userId: string): string {
  return (
    `Hi! Task Cart doesn't know you yet, so there is no cart for you. ` +
    `Ask your Task Cart admin to add your Slack member ID \`${userId}\` to the people file ` +
    '(columns `slack_user_id,name,team,role`) and import it with `npm run cli -- import people people.csv`.'
  );
}

export function setupBlocks(userId: string): KnownBlock[] {
  return [{ type: 'section', text: mrkdwn(escape(setupText(userId))) }];
}

export function setupHome(userId: string) {
  return {
    type: 'home' as const,
    blocks: [
      { type: 'header' as const, text: { type: 'plain_text' as const, text: 'Welcome to Task Cart' } },
      ...setupBlocks(userId),
    ],
  };
}
