import { describe, expect, it } from 'vitest';
import { DEFAULT_CADENCE, ruleTasks, type RuleCustomer } from '../../src/engine/index.ts';
import { makeWeek } from '../support/carts.ts';

const week = makeWeek(); // Mon 30 Nov – Sun 6 Dec 2026
const cadence = (s: string | null) => DEFAULT_CADENCE[s ?? ''] ?? DEFAULT_CADENCE.default!;
const c = (over: Partial<RuleCustomer>): RuleCustomer => ({ id: 'C1', name: 'Acme', ownerId: 'U1', segment: 'silver', lastContact: '2026-11-25', renewalDate: null, ...over });

describe('generation rules', () => {
  it.each([
    ['silver, 29 days since contact', c({ lastContact: '2026-11-01' }), []],
    ['silver, 31 days since contact', c({ lastContact: '2026-10-30' }), ['follow_up']],
    ['gold, 15 days since contact', c({ segment: 'gold', lastContact: '2026-11-15' }), ['follow_up']],
    ['bronze, 59 days since contact', c({ segment: 'bronze', lastContact: '2026-10-02' }), []],
    ['never contacted', c({ lastContact: null }), ['follow_up']],
    ['renewal on Thursday', c({ renewalDate: '2026-12-03' }), ['renewal_call']],
    ['renewal in three weeks', c({ renewalDate: '2026-12-27' }), ['renewal_call']],
    ['renewal in five weeks', c({ renewalDate: '2027-01-04' }), []],
    ['renewal already past', c({ renewalDate: '2026-11-20' }), []],
  ])('%s', (_, customer, types) => {
    expect(ruleTasks([customer], week, cadence).map((t) => t.typeKey)).toEqual(types);
  });

  it('plans a renewal call before the renewal day, inside the week, with a deterministic key', () => {
    const [t] = ruleTasks([c({ renewalDate: '2026-12-03' })], week, cadence);
    expect(t).toMatchObject({ externalId: 'rule:renewal_call:C1:2026-12-03', due: '2026-12-02', earliest: '2026-11-30' });
    expect(t!.plannedDay <= '2026-12-02').toBe(true);
    const [renewMonday] = ruleTasks([c({ renewalDate: '2026-11-30' })], week, cadence);
    expect(renewMonday).toMatchObject({ due: '2026-11-30', plannedDay: '2026-11-30' });
  });

  it('gives the same tasks and keys every run, spread over the work days', () => {
    const customers = Array.from({ length: 50 }, (_, i) => c({ id: `C${i}`, lastContact: null }));
    const a = ruleTasks(customers, week, cadence);
    expect(ruleTasks(customers, week, cadence)).toEqual(a);
    expect(new Set(a.map((t) => t.externalId)).size).toBe(50);
    const days = new Set(a.map((t) => t.plannedDay));
    expect(days.size).toBe(5);
    expect([...days].every((d) => d >= '2026-11-30' && d <= '2026-12-04')).toBe(true);
  });
});
