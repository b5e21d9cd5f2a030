// The weekly proposal job: generation rules, then each agent's cart as a DM, paced, once.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import { allTeams } from '../../db/queries/jobs.ts';
import { proposeWeek, type CartCourier, type ProposalReport } from '../services/propose.ts';
import { retireCartCopy } from '../slack/cart-message.ts';
import { cartMessage } from '../../views/cart.ts';
import { EVENT, findPosted, openDm, postOnce, poster } from './fanout.ts';
import { pacer } from './pace.ts';

/** Messages per second across the workspace during a fan-out. */
export const FANOUT_PER_SECOND = 20;

const NOTICE = 'Your cart for next week is ready: shape it until no day is flagged, then commit.';

/** The proposal's Slack side: the cart goes out with metadata naming the cart and the delivery. */
export function cartCourier(client: WebClient): CartCourier {
  const post = poster(client);
  return {
    dm: (agentId) => openDm(client, agentId),
    post: (channel, state, key) =>
      postOnce(post, { channel, ...cartMessage(state, NOTICE), metadata: { event_type: EVENT.cart, event_payload: { cart_id: state.cart.id, delivery_key: key } } }, { kind: 'person', id: state.cart.agentId }),
    find: (agentId, channel, key, since) => findPosted(client, channel, EVENT.cart, key, since, { kind: 'person', id: agentId }),
    retire: (channel, ts) => retireCartCopy(client, channel, ts),
  };
}

export async function runProposals(
  db: Db,
  client: WebClient,
  options: { team?: string; weekStart?: string; now: Date; perSecond?: number; onProgress?: (team: string, done: number, total: number) => void; onWait?: (team: string) => void },
): Promise<ProposalReport[]> {
  const pace = pacer(options.perSecond ?? FANOUT_PER_SECOND);
  const courier = cartCourier(client);
  const teams = (await allTeams(db)).filter((t) => !options.team || t.name === options.team);
  const reports: ProposalReport[] = [];
  for (const team of teams) {
    reports.push(
      await proposeWeek(db, team, {
        weekStart: options.weekStart,
        now: options.now,
        pace,
        courier,
        onProgress: (done, total) => options.onProgress?.(team.name, done, total),
        onWait: () => options.onWait?.(team.name),
      }),
    );
  }
  return reports;
}
