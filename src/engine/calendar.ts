// The agent's week: work days, each day's capacity and thresholds in minutes.
// Every date goes through luxon in the team's or agent's zone.
import { DateTime } from 'luxon';
import type { DayPlan, IsoDay, Week } from './types.ts';

export interface DateRange {
  from: IsoDay;
  to: IsoDay;
  reason: string;
}

export interface CalendarRules {
  zone: string;
  /** ISO weekdays, 1 = Monday. */
  workDays: readonly number[];
  /** Minutes of productive work in a day: the team's default or the agent's own. */
  dayCapacity: number;
  upperPercent: number;
  lowerPercent: number;
  holidays: readonly DateRange[];
  timeOff: readonly DateRange[];
}

export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** Monday of the week holding `instant`, as the calendar reads in `zone`. */
export function weekStartOf(instant: Date | DateTime, zone: string): IsoDay {
  const local = (instant instanceof Date ? DateTime.fromJSDate(instant) : instant).setZone(zone);
  return local.startOf('week').toISODate()!;
}

/** Monday of the week after the one holding `instant`. */
export function nextWeekStart(instant: Date | DateTime, zone: string): IsoDay {
  return addDays(weekStartOf(instant, zone), 7);
}

/** The day `instant` falls on in `zone`. */
export function localDay(instant: Date, zone: string): IsoDay {
  return DateTime.fromJSDate(instant).setZone(zone).toISODate()!;
}

export function addDays(day: IsoDay, n: number): IsoDay {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: n }).toISODate()!;
}

export function isMonday(day: IsoDay): boolean {
  const d = DateTime.fromISO(day, { zone: 'UTC' });
  return d.isValid && d.weekday === 1;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

const inRange = (day: IsoDay, r: DateRange) => day >= r.from && day <= r.to;

export function thresholds(capacity: number, upperPercent: number, lowerPercent: number) {
  return {
    upper: Math.floor((capacity * upperPercent) / 100),
    lower: Math.ceil((capacity * lowerPercent) / 100),
  };
}

export function buildWeek(start: IsoDay, rules: CalendarRules): Week {
  // The week's days are calendar dates: counted in UTC they are the same in every zone and
  // across daylight-saving changes, without an offset lookup per day (luxon asks Intl for one).
  const monday = DateTime.fromISO(start, { zone: 'UTC' }).startOf('week');
  const days: DayPlan[] = [];
  for (let i = 0; i < 7; i++) {
    const date = monday.plus({ days: i });
    const day = date.toISODate()!;
    const holiday = rules.holidays.find((r) => inRange(day, r));
    const dayOff = rules.timeOff.find((r) => inRange(day, r));
    let off: DayPlan['off'] = null;
    if (!rules.workDays.includes(date.weekday)) off = { kind: 'non_work_day', reason: WEEKDAYS[date.weekday - 1]! };
    else if (holiday) off = { kind: 'holiday', reason: holiday.reason || 'team holiday' };
    else if (dayOff) off = { kind: 'day_off', reason: dayOff.reason || 'day off' };
    if (!off && rules.dayCapacity <= 0) off = { kind: 'day_off', reason: 'no capacity' };
    const capacity = off ? 0 : rules.dayCapacity;
    const { upper, lower } = thresholds(capacity, rules.upperPercent, rules.lowerPercent);
    days.push({ day, weekday: date.weekday, work: !off, capacity, upper, lower, off });
  }
  return { zone: rules.zone, start: days[0]!.day, days };
}

export function weekEnd(week: Week): IsoDay {
  return week.days[week.days.length - 1]!.day;
}

/** Short weekday name of an ISO day: "Mon". */
export function dayName(day: IsoDay): string {
  return WEEKDAYS[DateTime.fromISO(day, { zone: 'UTC' }).weekday - 1]!.slice(0, 3);
}
