// /team-carts' Nudge button: each agent is nudged in their own language, the supervisor answered in theirs.
import type { BlockButtonAction } from '@slack/bolt';
import { AppError } from '../../errors.ts';
import { nudgeTeam } from '../../services/nudge.ts';
import { parseNudge } from '../../../views/digest.ts';
import { ACTIONS } from '../../../views/ids.ts';
import { ephemeral, md } from '../../../views/text.ts';
import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { dm, guardAction } from '../guard.ts';
import { requestKey } from '../request-key.ts';

export function register(app: Listeners, deps: Deps): void {
  const { languages } = deps;
  app.action<BlockButtonAction>(
    ACTIONS.nudge,
    guardAction(deps, { doing: 'nudge' }, async ({ ack, body, action, client, respond }) => {
      await ack();
      const nudge = parseNudge(action.value ?? '');
      if (!nudge) throw new AppError('unknown_team_button');
      const report = await nudgeTeam(
        deps.database.db,
        body.user.id,
        nudge.teamId,
        nudge.weekStart,
        deps.now(),
        async (agentId) => {
          const t = await languages.of(client, agentId);
          await dm(client, agentId, t('nudge.dm', { who: md(t.fmt.person(body.user.id)), week: t.fmt.week(nudge.weekStart) }));
        },
        requestKey(body),
      );
      if (!report) return;
      const t = await languages.of(client, body.user.id);
      const parts = [t('nudge.done', { count: report.nudged.length })];
      if (report.tooSoon.length) parts.push(t('nudge.too_soon', { count: report.tooSoon.length }));
      await respond(ephemeral(parts.join(t.plain('list.sentence_gap'))));
    }),
  );
}
