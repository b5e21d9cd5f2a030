// Step 01 at scale: the weekly proposal. The rules generate system tasks, then every agent
// of the team gets their cart for the week as a DM — once, however often it runs or restarts.
import type { Db } from '../../db/client.ts';
import { cadencesOf, deliverOnce, insertGenerated, pendingDeliveries, planDeliveries, teamCustomers, teamMembers, unconfirmedDeliveries } from '../../db/queries/jobs.ts';
import type { teams } from '../../db/schema.ts';
import { buildWeek, DEFAULT_CADENCE, nextWeekStart, ruleTasks } from '../engine/index.ts';
import { openCart, type CartState } from './cart.ts';

type Team = typeof teams.$inferSelect;

export interface ProposalReport {
  team: string;
  weekStart: string;
  generated: number;
  agents: number;
  sent: number;
  alreadySent: number;
  failed: number;
  /** Claimed by a run that stopped mid-send: not sent again, may not have arrived (the agent can still run /cart). */
  unconfirmed: string[];
}

/** Runs the generation rules for a team's week; returns how many tasks were new. */
export async function generateTasks(db: Db, team: Team, weekStart: string): Promise<number> {
  const week = buildWeek(weekStart, { zone: team.timezone, workDays: team.workDays, dayCapacity: team.dayCapacityMinutes, upperPercent: team.upperPercent, lowerPercent: team.lowerPercent, holidays: [], timeOff: [] });
  const cadences = await cadencesOf(db, team.id);
  const cadence = (segment: string | null) => cadences.get(segment?.toLowerCase() ?? '') ?? DEFAULT_CADENCE[segment?.toLowerCase() ?? ''] ?? DEFAULT_CADENCE.default!;
  const customers = (await teamCustomers(db, team.id)).map((c) => ({ ...c, ownerId: c.ownerId! }));
  return insertGenerated(db, ruleTasks(customers, week, cadence));
}

export const proposalKey = (agentId: string, weekStart: string) => `proposal:${agentId}:${weekStart}`;

/**
 * Proposes the week to every agent of the team. `send` posts the cart: the Slack layer's job.
 * `pace` waits for the next slot of the fan-out before a delivery is claimed, so that a claim
 * is followed at once by its post: a process stopped mid-run leaves at most the one message it
 * was posting unconfirmed, never one it was still waiting to send.
 */
export async function proposeWeek(
  db: Db,
  team: Team,
  options: { weekStart?: string; now: Date; pace?: () => Promise<void>; send: (state: CartState) => Promise<void>; onProgress?: (done: number, total: number) => void },
): Promise<ProposalReport> {
  const weekStart = options.weekStart ?? nextWeekStart(options.now, team.timezone);
  const generated = await generateTasks(db, team, weekStart);
  const agents = await teamMembers(db, team.id, 'agent');
  const keys = agents.map((a) => ({ key: proposalKey(a.slackUserId, weekStart), recipient: a.slackUserId }));
  await planDeliveries(db, 'proposal', keys);
  const pending = new Set((await pendingDeliveries(db, keys.map((k) => k.key))).map((d) => d.key));
  const unconfirmed = (await unconfirmedDeliveries(db, keys.map((k) => k.key))).map((d) => d.recipient);
  const report: ProposalReport = { team: team.name, weekStart, generated, agents: agents.length, sent: 0, alreadySent: agents.length - pending.size - unconfirmed.length, failed: 0, unconfirmed };
  let done = 0;
  for (const agent of agents) {
    const key = proposalKey(agent.slackUserId, weekStart);
    if (!pending.has(key)) continue;
    const { state } = await openCart(db, agent.slackUserId, { weekStart }, options.now);
    // An agent who already opened this cart with /cart has it: no second copy, and no wait for a slot.
    const posting = !state.cart.messageTs;
    if (posting) await options.pace?.();
    const outcome = await deliverOnce(db, key, async () => {
      if (posting) await options.send(state);
    });
    if (outcome === 'sent') report.sent += 1;
    else if (outcome === 'failed') report.failed += 1;
    else report.alreadySent += 1;
    options.onProgress?.(++done, pending.size);
  }
  return report;
}
