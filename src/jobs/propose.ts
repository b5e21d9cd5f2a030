// The weekly proposal job: generation rules, then each agent's cart as a DM, paced, once, in the
// agent's language (their Slack locale, else the team's language).
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import { allTeams, teamMembers } from '../../db/queries/jobs.ts';
import type { Language } from '../language.ts';
import { teamLanguage } from '../services/language.ts';
import { proposeWeek, type CartCourier, type ProposalReport } from '../services/propose.ts';
import { retireCartCopy } from '../slack/cart-message.ts';
import { languages as languagesOf, type Languages } from '../slack/language.ts';
import { cartMessage } from '../../views/cart.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { generatedTitle } from '../../views/words.ts';
import { EVENT, findPosted, openDm, postOnce, poster } from '../slack/fanout.ts';
import { pacer } from './pace.ts';

/** Messages per second across the workspace during a fan-out. */
export const FANOUT_PER_SECOND = 20;
/** Agents whose language is looked up at once before a team's proposal. */
const LOOKUPS_AT_ONCE = 10;

/** The proposal's Slack side: the cart goes out with metadata naming the cart and the delivery, in the agent's language. */
export function cartCourier(client: WebClient, languageOf: (agentId: string) => Language): CartCourier {
  const post = poster(client);
  const t = (agentId: string) => textsFor(languageOf(agentId));
  return {
    dm: (agentId) => openDm(client, agentId),
    post: (channel, state, key) =>
      postOnce(
        post,
        { channel, ...cartMessage(t(state.cart.agentId), state, { kind: 'proposed' }), metadata: { event_type: EVENT.cart, event_payload: { cart_id: state.cart.id, delivery_key: key } } },
        { kind: 'person', id: state.cart.agentId },
      ),
    find: (agentId, channel, key, since) => findPosted(client, channel, EVENT.cart, key, since, { kind: 'person', id: agentId }),
    retire: (agentId, channel, ts) => retireCartCopy(t(agentId), client, channel, ts),
  };
}

/** The language of every agent of a team: asked of Slack only for those never asked (see Languages.of). */
async function agentLanguages(db: Db, client: WebClient, languages: Languages, team: Awaited<ReturnType<typeof allTeams>>[number]): Promise<Map<string, Language>> {
  const agents = await teamMembers(db, team.id, 'agent');
  const out = new Map<string, Language>();
  for (let i = 0; i < agents.length; i += LOOKUPS_AT_ONCE) {
    await Promise.all(
      agents.slice(i, i + LOOKUPS_AT_ONCE).map(async (person) => {
        out.set(person.slackUserId, (await languages.of(client, { person, team }, { bulk: true })).language);
      }),
    );
  }
  return out;
}

export async function runProposals(
  db: Db,
  client: WebClient,
  options: { team?: string; weekStart?: string; now: Date; perSecond?: number; onProgress?: (team: string, done: number, total: number) => void; onWait?: (team: string) => void },
): Promise<ProposalReport[]> {
  const pace = pacer(options.perSecond ?? FANOUT_PER_SECOND);
  const languages = languagesOf(db, () => options.now);
  const teams = (await allTeams(db)).filter((t) => !options.team || t.name === options.team);
  const reports: ProposalReport[] = [];
  for (const team of teams) {
    const spoken = await agentLanguages(db, client, languages, team);
    const languageOf = (agentId: string) => spoken.get(agentId) ?? teamLanguage(team);
    reports.push(
      await proposeWeek(db, team, {
        weekStart: options.weekStart,
        now: options.now,
        pace,
        courier: cartCourier(client, languageOf),
        titleOf: (task) => generatedTitle(textsFor(languageOf(task.agentId)), task.about),
        onProgress: (done, total) => options.onProgress?.(team.name, done, total),
        onWait: () => options.onWait?.(team.name),
      }),
    );
  }
  return reports;
}
