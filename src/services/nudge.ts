// Nudges from a supervisor to the agents of their team who have not committed: at most one per agent per four hours.
import type { Db } from '../../db/client.ts';
import { deliverOnce, lastDelivery, planDeliveries } from '../../db/queries/jobs.ts';
import { findPerson } from '../../db/queries/people.ts';
import { claimRequest } from '../../db/queries/requests.ts';
import { isMonday } from '../engine/index.ts';
import { AppError } from '../errors.ts';
import { teamPicture, teamWeeks } from './team.ts';

export const NUDGE_EVERY_MS = 4 * 60 * 60 * 1000;

export interface NudgeReport {
  nudged: string[];
  tooSoon: string[];
}

/** Null for a replay of a request already handled (its key was claimed): nobody is nudged again. */
export async function nudgeTeam(
  db: Db,
  supervisorId: string,
  teamId: number,
  weekStart: string,
  now: Date,
  send: (agentId: string) => Promise<void>,
  requestKey?: string,
): Promise<NudgeReport | null> {
  const sup = await findPerson(db, supervisorId);
  if (!sup || sup.person.role === 'agent' || sup.team.id !== teamId) throw new AppError('not_supervisor');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(weekStart) || !isMonday(weekStart)) throw new AppError('unknown_team_button');
  // Each DM is claimed on its own (deliveries), so a key claimed by a run that stopped half-way loses nothing.
  if (requestKey && !(await claimRequest(db, requestKey))) return null;
  const picture = await teamPicture(db, sup.team, { ...teamWeeks(sup.team, now), planning: weekStart });
  const report: NudgeReport = { nudged: [], tooSoon: [] };
  for (const agent of picture.agents.filter((a) => a.status !== 'committed')) {
    const last = await lastDelivery(db, 'nudge', agent.id);
    if (last && now.getTime() - last.getTime() < NUDGE_EVERY_MS) {
      report.tooSoon.push(agent.id);
      continue;
    }
    const key = `nudge:${agent.id}:${Math.floor(now.getTime() / NUDGE_EVERY_MS)}`;
    await planDeliveries(db, 'nudge', [{ key, recipient: agent.id }]);
    // Sent at `now`, the clock the four hours above are measured by (the database's may differ).
    if ((await deliverOnce(db, key, now, () => send(agent.id))) === 'sent') report.nudged.push(agent.id);
    else report.tooSoon.push(agent.id);
  }
  return report;
}
