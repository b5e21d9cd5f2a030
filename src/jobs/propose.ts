// The weekly proposal job: generation rules, then each agent's cart as a DM, paced.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import { allTeams } from '../../db/queries/jobs.ts';
import { proposeWeek, type ProposalReport } from '../services/propose.ts';
import { postCart } from '../slack/cart-message.ts';
import { pacer } from './pace.ts';

/** Messages per second across the workspace during a fan-out. */
export const FANOUT_PER_SECOND = 20;

export async function runProposals(
  db: Db,
  client: WebClient,
  options: { team?: string; weekStart?: string; now: Date; perSecond?: number; onProgress?: (team: string, done: number, total: number) => void },
): Promise<ProposalReport[]> {
  const pace = pacer(options.perSecond ?? FANOUT_PER_SECOND);
  const teams = (await allTeams(db)).filter((t) => !options.team || t.name === options.team);
  const reports: ProposalReport[] = [];
  for (const team of teams) {
    reports.push(
      await proposeWeek(db, team, {
        weekStart: options.weekStart,
        now: options.now,
        pace,
        send: (state) => postCart(client, db, state, 'Your cart for next week is ready: shape it until no day is flagged, then commit.'),
        onProgress: (done, total) => options.onProgress?.(team.name, done, total),
      }),
    );
  }
  return reports;
}
