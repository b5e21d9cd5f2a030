// Pick customers (claim 2): filter target customers, rank recommended tasks for them.
import type { Db } from '../../db/client.ts';
import { recommendationsFor, targetCustomers, type TargetFilters } from '../../db/queries/customers.ts';
import type { PersonWithTeam } from '../../db/queries/people.ts';
import { localDay, rankTargets, type Recommendation } from '../engine/index.ts';
import { zoneOf } from './cart.ts';

/** How many customers the second step lists: one input block each. */
export const PICK_LIMIT = 20;

/** The customers the agent may plan for that match the filters, with their recommended tasks, best first. */
export async function findTargets(db: Db, person: PersonWithTeam, filters: Omit<TargetFilters, 'agentId'>, now: Date) {
  const today = localDay(now, zoneOf(person));
  const customers = await targetCustomers(db, { ...filters, agentId: person.person.slackUserId }, today);
  const imported: Recommendation[] = (await recommendationsFor(db, customers.map((c) => c.id))).map((r) => ({
    customerId: r.customerId,
    typeKey: r.typeKey,
    score: r.score,
    reason: { kind: 'imported', text: r.reason },
    origin: 'imported',
  }));
  return rankTargets(customers, imported, today, PICK_LIMIT);
}

export type Target = Awaited<ReturnType<typeof findTargets>>[number];
