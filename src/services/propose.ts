// Step 01 at scale: the weekly proposal. The rules generate system tasks, then every agent
// of the team gets their cart for the week as a DM — once, however often it runs or restarts.
import type { Db } from '../../db/client.ts';
import { setCartMessage } from '../../db/queries/carts.ts';
import { cadencesOf, deliveriesByKey, insertGenerated, oneAtATime, planDeliveries, teamCustomers, teamMembers } from '../../db/queries/jobs.ts';
import type { teams } from '../../db/schema.ts';
import { buildWeek, DEFAULT_CADENCE, planningWeek, ruleTasks, type GeneratedTask } from '../engine/index.ts';
import { openCart, type CartState } from './cart.ts';
import { deliver } from './deliveries.ts';

type Team = typeof teams.$inferSelect;

export interface ProposalReport {
  team: string;
  weekStart: string;
  generated: number;
  agents: number;
  /** Posted by this run. */
  sent: number;
  /** Posted by a run that stopped before recording it: found in the agent's DM and recorded. */
  recovered: number;
  alreadySent: number;
  /** Refused by Slack: tried again by the next run. */
  failed: number;
  /** Posts Slack did not answer (or whose DM could not be read): looked for by the next run before anything is posted again. */
  unconfirmed: string[];
  /** One line per cart not known to have arrived: who, why, and what to do. */
  problems: string[];
}

/** What the proposal needs of Slack. */
export interface CartCourier {
  /** The DM channel with the agent. */
  dm(agentId: string): Promise<string>;
  /** Posts the cart, its metadata naming the cart and the delivery; answers the message's ts. */
  post(channelId: string, state: CartState, deliveryKey: string): Promise<string>;
  /** The ts of a message naming the delivery posted in the agent's DM since `since`, or null. */
  find(agentId: string, channelId: string, deliveryKey: string, since: Date): Promise<string | null>;
  /** Turns a copy that is not the cart's message into a note (the agent opened the cart with /cart meanwhile). */
  retire(agentId: string, channelId: string, ts: string): Promise<void>;
}

/** A generated task's title, written for its agent (in their language: the caller knows it). */
export type TitleOf = (task: GeneratedTask) => string;

/** Runs the generation rules for a team's week; returns how many tasks were new. */
export async function generateTasks(db: Db, team: Team, weekStart: string, titleOf: TitleOf): Promise<number> {
  const week = buildWeek(weekStart, { zone: team.timezone, workDays: team.workDays, dayCapacity: team.dayCapacityMinutes, upperPercent: team.upperPercent, lowerPercent: team.lowerPercent, holidays: [], timeOff: [] });
  const cadences = await cadencesOf(db, team.id);
  const cadence = (segment: string | null) => cadences.get(segment?.toLowerCase() ?? '') ?? DEFAULT_CADENCE[segment?.toLowerCase() ?? ''] ?? DEFAULT_CADENCE.default!;
  const customers = (await teamCustomers(db, team.id)).map((c) => ({ ...c, ownerId: c.ownerId! }));
  return insertGenerated(
    db,
    ruleTasks(customers, week, cadence).map((task) => ({
      externalId: task.externalId,
      agentId: task.agentId,
      typeKey: task.typeKey,
      title: titleOf(task),
      customerId: task.customerId,
      plannedDay: task.plannedDay,
      earliest: task.earliest,
      due: task.due,
    })),
  );
}

export const proposalKey = (agentId: string, weekStart: string) => `proposal:${agentId}:${weekStart}`;

/**
 * Proposes the week to every agent of the team, once. One run at a time per team and week: a
 * delivery found `sending` was left by a run that stopped, so its message is looked for in the
 * agent's DM (recorded when found, posted when not) before anything else is posted. `pace` waits
 * for the fan-out's next slot before a delivery is claimed, so a claim is followed at once by its post.
 */
export async function proposeWeek(
  db: Db,
  team: Team,
  options: { weekStart?: string; now: Date; pace?: () => Promise<void>; courier: CartCourier; titleOf: TitleOf; onProgress?: (done: number, total: number) => void; onWait?: () => void },
): Promise<ProposalReport> {
  const weekStart = options.weekStart ?? planningWeek(options.now, team.timezone);
  const { courier } = options;
  return oneAtATime(
    db,
    `proposal:${team.id}:${weekStart}`,
    async () => {
      const generated = await generateTasks(db, team, weekStart, options.titleOf);
      const agents = await teamMembers(db, team.id, 'agent');
      const keys = agents.map((a) => ({ key: proposalKey(a.slackUserId, weekStart), recipient: a.slackUserId }));
      await planDeliveries(db, 'proposal', keys);
      const rows = await deliveriesByKey(db, keys.map((k) => k.key));
      const open = agents.filter((a) => rows.get(proposalKey(a.slackUserId, weekStart))?.status !== 'sent');
      const report: ProposalReport = { team: team.name, weekStart, generated, agents: agents.length, sent: 0, recovered: 0, alreadySent: agents.length - open.length, failed: 0, unconfirmed: [], problems: [] };
      let done = 0;
      for (const agent of open) {
        const key = proposalKey(agent.slackUserId, weekStart);
        const { state } = await openCart(db, agent.slackUserId, { weekStart }, options.now);
        // An agent who opened this cart with /cart has it: no second copy, and no wait for a slot.
        const had = state.cart.messageTs;
        const outcome = await deliver(
          db,
          rows.get(key)!,
          {
            needed: !had,
            channel: () => courier.dm(agent.slackUserId),
            post: (channelId) => courier.post(channelId, state, key),
            find: (channelId, since) => courier.find(agent.slackUserId, channelId, key, since),
            // The message becomes the cart's, edited in place from now on, in the same transaction as the mark "sent".
            record: had ? undefined : (tx, m) => setCartMessage(tx, state.cart.id, m.channelId, m.ts),
          },
          options.pace,
        );
        const who = `${agent.name} (${agent.slackUserId})`;
        if (outcome.kind === 'sent') report.sent += 1;
        else if (outcome.kind === 'recovered') {
          report.recovered += 1;
          if (had && had !== outcome.ts) await courier.retire(agent.slackUserId, outcome.channelId, outcome.ts);
        } else if (outcome.kind === 'already') report.alreadySent += 1;
        else if (outcome.kind === 'failed') {
          report.failed += 1;
          report.problems.push(`${team.name}: the cart of ${who} was not sent: ${outcome.reason}`);
        } else {
          report.unconfirmed.push(agent.slackUserId);
          report.problems.push(`${team.name}: the cart of ${who} may not have arrived: ${outcome.reason}`);
        }
        options.onProgress?.(++done, open.length);
      }
      return report;
    },
    options.onWait,
  );
}
