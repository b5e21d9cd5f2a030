import type { App } from '@slack/bolt';
import { findPerson } from '../db/queries/people.ts';
import { cartWeekFor, teamPicture } from '../src/services/team.ts';
import type { Deps } from '../src/slack/deps.ts';
import { replyError } from '../src/slack/errors.ts';
import { COMMANDS } from '../src/slack/ids.ts';
import { teamBlocks } from '../views/digest.ts';
import { setupText } from '../views/setup.ts';

export function register(app: App, deps: Deps): void {
  app.command(COMMANDS.teamCarts, async ({ command, ack, respond }) => {
    await ack();
    try {
      const found = await findPerson(deps.database.db, command.user_id);
      if (!found) return void (await respond({ response_type: 'ephemeral', text: setupText(command.user_id) }));
      if (found.person.role === 'agent') {
        return void (await respond({ response_type: 'ephemeral', text: '`/team-carts` is for supervisors: it shows the team’s carts. Your own cart is in `/cart`.' }));
      }
      const picture = await teamPicture(deps.database.db, found.team, cartWeekFor(found.team, deps.now()));
      await respond({ response_type: 'ephemeral', ...teamBlocks(picture, 'now', { nudge: true }) });
    } catch (e) {
      await replyError(respond, deps.logger, '/team-carts', e);
    }
  });
}
