// Generation rules (docs/method.md, step 01; cadences in docs/settings.md): follow-ups for customers
// not contacted for longer than their segment's cadence, renewal calls ahead of a renewal
// date. Pure and deterministic: the same inputs give the same tasks with the same keys,
// so running the rules twice creates nothing twice.
import { addDays, daysBetween, weekEnd } from './calendar.ts';
import type { IsoDay, Week } from './types.ts';

export interface RuleCustomer {
  id: string;
  name: string;
  ownerId: string;
  segment: string | null;
  lastContact: IsoDay | null;
  renewalDate: IsoDay | null;
}

/** What a generated task is about, for its title: the service has it written in the agent's language. */
export type GeneratedAbout =
  | { kind: 'follow_up'; customer: string; /** Days since the last contact; null: never contacted. */ since: number | null }
  | { kind: 'renewal_call'; customer: string; renewal: IsoDay };

export interface GeneratedTask {
  externalId: string;
  agentId: string;
  typeKey: 'follow_up' | 'renewal_call';
  about: GeneratedAbout;
  customerId: string;
  plannedDay: IsoDay;
  earliest: IsoDay;
  due: IsoDay;
}

/** Days without contact before a follow-up, by segment; others use `default`. */
export const DEFAULT_CADENCE: Readonly<Record<string, number>> = { gold: 14, silver: 30, bronze: 60, default: 30 };
/** A renewal call is planned in the week that ends at most this many days before the renewal. */
export const RENEWAL_LEAD_DAYS = 21;

/** A stable spread of customers over the allowed days, so generated work does not pile onto Monday. */
function spread(id: string, days: IsoDay[]): IsoDay {
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return days[(h >>> 0) % days.length]!;
}

export function ruleTasks(customers: readonly RuleCustomer[], week: Week, cadence: (segment: string | null) => number): GeneratedTask[] {
  const work = week.days.filter((d) => d.work).map((d) => d.day);
  if (!work.length) return [];
  const end = weekEnd(week);
  const out: GeneratedTask[] = [];
  for (const c of customers) {
    const since = c.lastContact ? daysBetween(c.lastContact, week.start) : null;
    if (since === null || since > cadence(c.segment)) {
      out.push({
        externalId: `rule:follow_up:${c.id}:${week.start}`,
        agentId: c.ownerId,
        typeKey: 'follow_up',
        about: { kind: 'follow_up', customer: c.name, since },
        customerId: c.id,
        plannedDay: spread(c.id, work),
        earliest: week.start,
        due: end,
      });
    }
    if (c.renewalDate && c.renewalDate >= week.start && c.renewalDate <= addDays(week.start, 6 + RENEWAL_LEAD_DAYS)) {
      // Before the renewal day where the week allows it; on it at the latest.
      const due = [...work].reverse().find((d) => d < c.renewalDate!) ?? work.find((d) => d <= c.renewalDate!);
      if (!due) continue;
      const days = work.filter((d) => d <= due);
      out.push({
        externalId: `rule:renewal_call:${c.id}:${c.renewalDate}`,
        agentId: c.ownerId,
        typeKey: 'renewal_call',
        about: { kind: 'renewal_call', customer: c.name, renewal: c.renewalDate },
        customerId: c.id,
        plannedDay: spread(c.id, days),
        earliest: week.start,
        due,
      });
    }
  }
  return out;
}
