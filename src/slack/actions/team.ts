// /team-carts' Nudge button.
import type { App, BlockButtonAction } from '@slack/bolt';
import { formatDay } from '../../engine/index.ts';
import { AppError } from '../../errors.ts';
import { nudgeTeam } from '../../services/nudge.ts';
import { ephemeral, mention } from '../../../views/text.ts';
import type { Deps } from '../deps.ts';
import { guardAction } from '../guard.ts';
import { ACTIONS } from '../ids.ts';
import { requestKey } from '../request-key.ts';

export function register(app: App, deps: Deps): void {
  app.action<BlockButtonAction>(
    ACTIONS.nudge,
    guardAction(deps, { what: 'nudge your team' }, async ({ ack, body, action, client, respond }) => {
      await ack();
      const [team, weekStart] = (action.value ?? '').split(':');
      if (!Number.isSafeInteger(Number(team)) || !weekStart) throw new AppError('invalid', 'That button is not one I know. Run /team-carts again.');
      const report = await nudgeTeam(
        deps.database.db,
        body.user.id,
        Number(team),
        weekStart,
        deps.now(),
        async (agentId) => {
          const dm = await client.conversations.open({ users: agentId });
          const week = formatDay(weekStart, 'd LLL');
          await client.chat.postMessage({ channel: dm.channel!.id!, text: `${mention(body.user.id)} asks you to shape and commit your cart for the week of ${week}. Type \`/cart\` to open it.` });
        },
        requestKey(body),
      );
      if (!report) return;
      const parts = [`Nudged ${report.nudged.length} agent${report.nudged.length === 1 ? '' : 's'}.`];
      if (report.tooSoon.length) parts.push(`${report.tooSoon.length} were nudged less than four hours ago and were left alone.`);
      await respond(ephemeral(parts.join(' ')));
    }),
  );
}
