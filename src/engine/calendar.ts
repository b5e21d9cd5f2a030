// The agent's week: work days, each day's capacity and thresholds in minutes.
// Every date goes through luxon in the team's or agent's zone.
import { DateTime } from 'luxon';
import type { DayPlan, IsoDay, Week } from './types.ts';
import { zoneOf } from './zones.ts';

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

/**
 * Calendar answers about ISO days, remembered: a cart asks about the same seven days many times
 * in a click, and every luxon DateTime costs time and memory to make. The same question always
 * gets the same answer, so this keeps the functions pure; the memory is bounded.
 */
function remembered<R>(compute: (key: string) => R): (key: string) => R {
  const known = new Map<string, R>();
  return (key) => {
    if (known.has(key)) return known.get(key)!;
    if (known.size >= 10_000) known.clear();
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}

const utcDay = (day: IsoDay) => DateTime.fromISO(day, { zone: 'UTC' });
const shifted = remembered((key) => {
  const [day, n] = key.split('|');
  return utcDay(day!).plus({ days: Number(n) }).toISODate()!;
});
const weekdayOf = remembered((day) => utcDay(day).weekday);
const mondayOf = remembered((day) => utcDay(day).startOf('week').toISODate()!);

/** Monday of the week holding `instant`, as the calendar reads in `zone`. */
export function weekStartOf(instant: Date | DateTime, zone: string): IsoDay {
  const local = (instant instanceof Date ? DateTime.fromJSDate(instant) : instant).setZone(zoneOf(zone));
  return local.startOf('week').toISODate()!;
}

/** Monday of the week after the one holding `instant`. */
export function nextWeekStart(instant: Date | DateTime, zone: string): IsoDay {
  return addDays(weekStartOf(instant, zone), 7);
}

/** The day `instant` falls on in `zone`. */
export function localDay(instant: Date, zone: string): IsoDay {
  const at = instant.getTime();
  const known = daysByZone.get(zone);
  if (known && at >= known.from && at < known.to) return known.day;
  const local = DateTime.fromMillis(at).setZone(zoneOf(zone));
  const day = local.toISODate()!;
  // Its first and last instants as the zone's clocks read them, a night the clocks change included.
  if (daysByZone.size >= 256) daysByZone.clear();
  daysByZone.set(zone, { day, from: local.startOf('day').toMillis(), to: local.endOf('day').toMillis() + 1 });
  return day;
}

/**
 * Per zone, the day last asked for and the instants it spans, [from, to): a click asks what day it is
 * several times, and each luxon DateTime made to answer cost some 20 µs of the click in the bench's
 * profile (issue 13). The answer is the same for every instant of that day, so localDay stays pure.
 */
const daysByZone = new Map<string, { day: IsoDay; from: number; to: number }>();

export function addDays(day: IsoDay, n: number): IsoDay {
  return shifted(`${day}|${n}`);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDay, to: IsoDay): number {
  return Math.round(utcDay(to).diff(utcDay(from), 'days').days);
}

export function isMonday(day: IsoDay): boolean {
  const d = DateTime.fromISO(day, { zone: 'UTC' });
  return d.isValid && d.weekday === 1;
}

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
  const monday = mondayOf(start);
  const days: DayPlan[] = [];
  for (let i = 0; i < 7; i++) {
    const day = addDays(monday, i);
    const weekday = weekdayOf(day);
    const holiday = rules.holidays.find((r) => inRange(day, r));
    const dayOff = rules.timeOff.find((r) => inRange(day, r));
    let off: DayPlan['off'] = null;
    // The reason is the holiday's or the day off's own, from the file (or empty): views name the kind.
    if (!rules.workDays.includes(weekday)) off = { kind: 'non_work_day', reason: '' };
    else if (holiday) off = { kind: 'holiday', reason: holiday.reason };
    else if (dayOff) off = { kind: 'day_off', reason: dayOff.reason };
    if (!off && rules.dayCapacity <= 0) off = { kind: 'no_capacity', reason: '' };
    const capacity = off ? 0 : rules.dayCapacity;
    const { upper, lower } = thresholds(capacity, rules.upperPercent, rules.lowerPercent);
    days.push({ day, weekday, work: !off, capacity, upper, lower, off });
  }
  return { zone: rules.zone, start: days[0]!.day, days };
}

/**
 * The week as it stands on `today` (the agent's local day): its days before today are gone by
 * (DayPlan's `past`). A planning week has none yet; the week being worked gains one a day. The same
 * week object when nothing changed, so a cart kept since earlier today is used as it is.
 */
export function asOf(week: Week, today: IsoDay): Week {
  if (week.days.every((d) => (d.past ?? false) === d.day < today)) return week;
  return { ...week, days: week.days.map((d) => ({ ...d, past: d.day < today })) };
}

/** The week's work days still to come (today among them): the only days a task may be moved or added to. */
export function openDays(week: Week): DayPlan[] {
  return week.days.filter((d) => d.work && !d.past);
}

/**
 * Where work carried into the week lands: its first work day not gone by (today, in the week being
 * worked), or its Monday when none is left — a week worked to its end passes such work on to the next.
 */
export function firstOpenDay(week: Week): IsoDay {
  return openDays(week)[0]?.day ?? week.start;
}

export function weekEnd(week: Week): IsoDay {
  return week.days[week.days.length - 1]!.day;
}
