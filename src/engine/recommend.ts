// Recommended tasks for target customers (claim 2): imported propensity scores first,
// a built-in rule score where none was imported. Pure: today is passed in.
import { daysBetween } from './calendar.ts';
import type { IsoDay } from './types.ts';

export interface TargetCustomer {
  id: string;
  name: string;
  segment: string | null;
  lastContact: IsoDay | null;
  renewalDate: IsoDay | null;
}

/** Why a task is recommended: an imported reason (text from the file) or one of the built-in rules. */
export type RecommendationReason =
  | { kind: 'imported'; text: string }
  | { kind: 'renewal_due'; days: number }
  | { kind: 'never_contacted' }
  | { kind: 'no_contact'; days: number }
  | { kind: 'segment'; segment: string };

export interface Recommendation {
  customerId: string;
  typeKey: string;
  score: number;
  reason: RecommendationReason;
  /** Imported from the CRM or a model, or made by the built-in rules. */
  origin: 'imported' | 'rules';
}

const VALUE: Record<string, number> = { gold: 0.2, silver: 0.1 };

/** The built-in scorer: renewal due soon, long without contact, segment value. */
export function ruleRecommendations(c: TargetCustomer, today: IsoDay): Recommendation[] {
  const out: Recommendation[] = [];
  const bonus = VALUE[c.segment?.toLowerCase() ?? ''] ?? 0;
  if (c.renewalDate) {
    const left = daysBetween(today, c.renewalDate);
    if (left >= 0 && left <= 45) {
      out.push({ customerId: c.id, typeKey: 'renewal_call', score: round(0.5 + (45 - left) / 150 + bonus), reason: { kind: 'renewal_due', days: left }, origin: 'rules' });
    }
  }
  const since = c.lastContact ? daysBetween(c.lastContact, today) : null;
  if (since === null || since > 30) {
    out.push({ customerId: c.id, typeKey: 'follow_up', score: round(0.3 + Math.min(0.4, (since ?? 180) / 450) + bonus), reason: since === null ? { kind: 'never_contacted' } : { kind: 'no_contact', days: since }, origin: 'rules' });
  }
  if (bonus > 0 && (since === null || since > 14)) {
    out.push({ customerId: c.id, typeKey: 'cross_sell', score: round(0.25 + bonus), reason: { kind: 'segment', segment: c.segment ?? '' }, origin: 'rules' });
  }
  return out;
}

const round = (x: number) => Math.min(1, Math.round(x * 100) / 100);

/** Per customer, imported scores first, then rule scores for types without one; customers ranked by their best. */
export function rankTargets(customers: readonly TargetCustomer[], imported: readonly Recommendation[], today: IsoDay, limit: number) {
  const byCustomer = new Map<string, Recommendation[]>();
  for (const r of imported) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
  const ranked = customers.map((c) => {
    const own = byCustomer.get(c.id) ?? [];
    const rules = ruleRecommendations(c, today).filter((r) => !own.some((o) => o.typeKey === r.typeKey));
    const recs = [...own.sort((a, b) => b.score - a.score), ...rules.sort((a, b) => b.score - a.score)];
    return { customer: c, recommendations: recs, best: Math.max(0, ...own.map((r) => r.score + 1), ...rules.map((r) => r.score)) };
  });
  return ranked
    .filter((r) => r.recommendations.length)
    .sort((a, b) => b.best - a.best || a.customer.name.localeCompare(b.customer.name))
    .slice(0, limit);
}
