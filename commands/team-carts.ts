import type { App } from '@slack/bolt';
import { findPerson } from '../db/queries/people.ts';
import type { Deps } from '../src/slack/deps.ts';
import { COMMANDS } from '../src/slack/ids.ts';
import { setupText } from '../views/setup.ts';

export function register(app: App, deps: Deps): void {
  app.command(COMMANDS.teamCarts, async ({ command, ack, respond }) => {
    await ack();
    const found = await findPerson(deps.database.db, command.user_id);
    if (!found) return void (await respond({ response_type: 'ephemeral', text: setupText(command.user_id) }));
    await respond({ response_type: 'ephemeral', text: 'The team view is coming soon.' });
  });
}
