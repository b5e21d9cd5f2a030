import type { App } from '@slack/bolt';
import { findPerson } from '../db/queries/people.ts';
import { cartWeekFor, teamPicture } from '../src/services/team.ts';
import type { Deps } from '../src/slack/deps.ts';
import { guardCommand } from '../src/slack/guard.ts';
import { COMMANDS } from '../src/slack/ids.ts';
import { teamBlocks } from '../views/digest.ts';
import { setupText } from '../views/setup.ts';
import { ephemeral } from '../views/text.ts';

export function register(app: App, deps: Deps): void {
  app.command(
    COMMANDS.teamCarts,
    guardCommand(deps, { what: 'show your team’s carts' }, async ({ command, ack, respond }) => {
      await ack();
      const found = await findPerson(deps.database.db, command.user_id);
      if (!found) return void (await respond(ephemeral(setupText(command.user_id))));
      if (found.person.role === 'agent') {
        return void (await respond(ephemeral('`/team-carts` is for supervisors: it shows the team’s carts. Your own cart is in `/cart`.')));
      }
      const picture = await teamPicture(deps.database.db, found.team, cartWeekFor(found.team, deps.now()));
      await respond({ response_type: 'ephemeral', ...teamBlocks(picture, 'now', { nudge: true }) });
    }),
  );
}
