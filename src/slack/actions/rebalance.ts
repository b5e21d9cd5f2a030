// /team-carts' Rebalance and Apply buttons (supervisors): the proposal for one overloaded agent,
// then the moves applied to every cart involved at once. After an Apply, each agent's cart message
// is edited in place and each agent gets a DM, in their own language, saying what moved and why.
import type { BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { AppError } from '../../errors.ts';
import { applyRebalance, proposeRebalance, type ApplyResult } from '../../services/rebalance.ts';
import { ACTIONS } from '../../../views/ids.ts';
import { appliedAlreadyText, appliedMessage, parseApplyPlan, parseRebalanceAsk, proposalMessage, rebalanceDm } from '../../../views/rebalance.ts';
import { afterChange } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { savedThen } from '../errors.ts';
import { dm, guardAction } from '../guard.ts';
import { requestKey } from '../request-key.ts';

export function register(app: Listeners, deps: Deps): void {
  const db = deps.database.db;
  const { languages } = deps;

  app.action<BlockButtonAction>(
    ACTIONS.rebalance,
    guardAction(deps, { doing: 'rebalance', saves: false }, async ({ ack, body, action, client, respond }) => {
      await ack();
      const ask = parseRebalanceAsk(action.value ?? '');
      if (!ask) throw new AppError('unknown_team_button');
      const proposal = await proposeRebalance(db, body.user.id, ask, deps.now());
      const t = await languages.of(client, body.user.id);
      await respond({ response_type: 'ephemeral', replace_original: false, ...proposalMessage(t, proposal) });
    }),
  );

  app.action<BlockButtonAction>(
    ACTIONS.applyRebalance,
    guardAction(deps, { doing: 'apply_rebalance' }, async ({ ack, body, action, client, respond }) => {
      await ack();
      const plan = parseApplyPlan(action.value ?? '');
      if (!plan) throw new AppError('unknown_team_button');
      const result = await applyRebalance(db, body.user.id, plan, deps.now(), requestKey(body));
      if (result.kind === 'replayed') return;
      const t = await languages.of(client, body.user.id);
      if (result.kind === 'applied_already') return void (await respond({ response_type: 'ephemeral', replace_original: true, text: appliedAlreadyText(t) }));
      if (result.kind === 'stale') return void (await respond({ response_type: 'ephemeral', replace_original: true, ...proposalMessage(t, result.fresh, { stale: true }) }));
      // The moves are saved: if the supervisor's message cannot be edited, they are told so, never that nothing was.
      await savedThen({ changed: true }, 'decision', Promise.all([respond({ response_type: 'ephemeral', replace_original: true, ...appliedMessage(t, result) }), tellAgents(deps, client, result)]));
    }),
  );
}

/**
 * Each agent's cart message shows their cart as it is now, and a DM says what moved and why.
 * The moves are saved already: a message that cannot be sent is logged, never told to the
 * supervisor as a failure of the rebalance.
 */
async function tellAgents(deps: Deps, client: WebClient, result: Extract<ApplyResult, { kind: 'applied' }>): Promise<void> {
  const { languages, logger } = deps;
  const db = deps.database.db;
  await Promise.all(
    [result.giver, ...result.receivers].map(async (state) => {
      const agentId = state.cart.agentId;
      try {
        const t = await languages.of(client, state.person);
        await Promise.all([
          state.cart.messageTs ? afterChange(t, client, db, languages, { state, notice: null, changed: true, listChanged: false }, deps.now()) : undefined,
          dm(client, agentId, rebalanceDm(t, result, agentId)),
        ]);
      } catch (e) {
        logger.error(`could not tell ${agentId} of the rebalance of cart ${result.giver.cart.id}`, e);
      }
    }),
  );
}
