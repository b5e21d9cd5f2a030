// /team-carts' Nudge button.
import type { App, BlockButtonAction } from '@slack/bolt';
import { formatDay } from '../../engine/index.ts';
import { AppError } from '../../errors.ts';
import { nudgeTeam } from '../../services/nudge.ts';
import type { Deps } from '../deps.ts';
import { replyError } from '../errors.ts';
import { ACTIONS } from '../ids.ts';

export function register(app: App, deps: Deps): void {
  app.action<BlockButtonAction>(ACTIONS.nudge, async ({ ack, body, action, client, respond }) => {
    await ack();
    const [team, weekStart] = (action.value ?? '').split(':');
    try {
      if (!Number.isInteger(Number(team)) || !weekStart) throw new AppError('invalid', 'That button is not one I know. Run /team-carts again.');
      const week = formatDay(weekStart, 'd LLL');
      const report = await nudgeTeam(deps.database.db, body.user.id, Number(team), weekStart, deps.now(), async (agentId) => {
        const dm = await client.conversations.open({ users: agentId });
        await client.chat.postMessage({ channel: dm.channel!.id!, text: `<@${body.user.id}> asks you to shape and commit your cart for the week of ${week}. Type \`/cart\` to open it.` });
      });
      const parts = [`Nudged ${report.nudged.length} agent${report.nudged.length === 1 ? '' : 's'}.`];
      if (report.tooSoon.length) parts.push(`${report.tooSoon.length} were nudged less than four hours ago and were left alone.`);
      await respond({ response_type: 'ephemeral', replace_original: false, text: parts.join(' ') });
    } catch (e) {
      await replyError(respond, deps.logger, 'nudge', e);
    }
  });
}
