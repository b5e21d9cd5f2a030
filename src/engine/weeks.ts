// The two weeks in flight (PRODUCT.md): at any moment a team works one week and plans the next.
// - The working week holds today: its committed task list is worked (done, skipped, open).
// - The planning week is the week after: its carts are shaped and committed. The team's proposal
//   time (default Friday 15:00) says when the system proposes those carts as DMs; an agent may
//   open and commit theirs before that, with /cart.
// Both are Mondays (ISO days) of weeks read in a zone: the agent's for their own cart and list,
// the team's for what a supervisor sees. The one place these rules live; tested on every weekday,
// before and after the proposal time, in two zones (test/engine/weeks.test.ts).
import { DateTime } from 'luxon';
import { addDays, localDay, weekStartOf } from './calendar.ts';
import type { IsoDay } from './types.ts';
import { zoneOf } from './zones.ts';

/** When a team proposes the planning week's carts: ISO weekday (1 = Monday) and local "HH:MM". */
export interface ProposalTime {
  weekday: number;
  time: string;
}

export interface Weeks {
  /** The local day `now` falls on. */
  today: IsoDay;
  /** Monday of the week being worked: the task list. */
  working: IsoDay;
  /** Monday of the week being planned: the carts. */
  planning: IsoDay;
  /** When the planning week's carts are proposed (this week's proposal time). */
  proposedAt: Date;
  /** Whether that time has passed: the carts are out. */
  proposed: boolean;
}

/** Monday of the week being worked at `now` in `zone`. */
export function workingWeek(now: Date, zone: string): IsoDay {
  return weekStartOf(now, zone);
}

/** Monday of the week being planned at `now` in `zone`: always the week after the working week. */
export function planningWeek(now: Date, zone: string): IsoDay {
  return addDays(workingWeek(now, zone), 7);
}

/** The moment in the working week at which the planning week's carts are proposed. */
export function proposalMoment(now: Date, zone: string, proposal: ProposalTime): Date {
  const [h, m] = proposal.time.split(':').map(Number);
  const monday = DateTime.fromISO(workingWeek(now, zone), { zone: zoneOf(zone) });
  return monday.plus({ days: proposal.weekday - 1 }).set({ hour: h ?? 0, minute: m ?? 0 }).toJSDate();
}

export function weeksAt(now: Date, zone: string, proposal: ProposalTime): Weeks {
  const proposedAt = proposalMoment(now, zone, proposal);
  return { today: localDay(now, zone), working: workingWeek(now, zone), planning: planningWeek(now, zone), proposedAt, proposed: now.getTime() >= proposedAt.getTime() };
}
