// /team-carts (supervisors): both weeks at a glance, the planning week's carts in detail (`/team-carts`,
// `/team-carts next`, `/team-carts 下周`) or the working week's task lists (`/team-carts this`, `/team-carts 本周`).
// Below the planning week's carts: each agent with overloaded days, with a Rebalance button (src/slack/actions/rebalance.ts).
import { findPerson } from '../db/queries/people.ts';
import { teamPicture, teamWeeks } from '../src/services/team.ts';
import type { Deps } from '../src/slack/deps.ts';
import type { Listeners } from '../src/slack/router.ts';
import { guardCommand } from '../src/slack/guard.ts';
import { teamBlocks } from '../views/digest.ts';
import { helpText, parseArg, unknownArgText } from '../views/help.ts';
import { COMMANDS } from '../views/ids.ts';
import { rebalanceBlocks } from '../views/rebalance.ts';
import { setupText } from '../views/setup.ts';
import { ephemeral } from '../views/text.ts';

export function register(app: Listeners, deps: Deps): void {
  app.command(
    COMMANDS.teamCarts,
    guardCommand(deps, { doing: 'show_team' }, async ({ command, ack, respond, client }) => {
      await ack();
      const arg = parseArg('teamCarts', command.text);
      const found = await findPerson(deps.database.db, command.user_id);
      const t = await deps.languages.of(client, found ?? command.user_id);
      if (arg === 'help' || arg === null) return void (await respond(ephemeral(arg === null ? unknownArgText(t, 'teamCarts', command.text) : helpText(t, 'teamCarts'))));
      if (!found) return void (await respond(ephemeral(setupText(t, command.user_id))));
      if (found.person.role === 'agent') return void (await respond(ephemeral(t('team.for_supervisors'))));
      const picture = await teamPicture(deps.database.db, found.team, teamWeeks(found.team, deps.now()));
      const message = teamBlocks(t, picture, 'now', { nudge: true, detail: arg === 'this' ? 'working' : 'planning' });
      // The planning week's overloaded carts, each with a Rebalance button: at most 10 blocks more.
      if (arg !== 'this') message.blocks.push(...rebalanceBlocks(t, picture));
      await respond({ response_type: 'ephemeral', ...message });
    }),
  );
}
