import type { App } from '@slack/bolt';
import { findPerson } from '../db/queries/people.ts';
import type { Deps } from '../src/slack/deps.ts';
import { setupText } from '../views/setup.ts';

/** A command whose issue has not landed yet: known users hear so, unknown ones how to get set up. */
export function registerComingSoon(app: App, deps: Deps, command: string, text: string): void {
  app.command(command, async ({ command: cmd, ack, respond }) => {
    await ack();
    const found = await findPerson(deps.database.db, cmd.user_id);
    await respond({ response_type: 'ephemeral', text: found ? text : setupText(cmd.user_id) });
  });
}
