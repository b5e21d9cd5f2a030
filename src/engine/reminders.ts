// Reminders (PRODUCT.md): today's tasks at the start of an agent's day, one nudge near its end
// when tasks are still open. When those moments are, in the agent's own zone, which reminder is due
// at a moment, and whether an agent gets it. Pure: the moment and the zone come in.
import { DateTime } from 'luxon';
import type { IsoDay } from './types.ts';
import { zoneOf } from './zones.ts';

export type ReminderKind = 'start' | 'end';

/** A team's reminder settings, read in each agent's zone. */
export interface ReminderDay {
  /** ISO weekdays, 1 = Monday … 7 = Sunday: no reminder on other days. */
  workDays: readonly number[];
  /** Local HH:MM: the start of the agent's day (today's tasks are sent) and its end. */
  start: string;
  end: string;
}

/** The nudge comes this long before the day ends: time left to make a call or two. */
export const NUDGE_BEFORE_END_MINUTES = 30;
/**
 * A start-of-day reminder missed while no bot ran is still sent this long after the start; later
 * the agent is well into the day (App Home and /tasks show the list) and it would be noise.
 * The nudge is sent until the day ends.
 */
export const START_LATE_MINUTES = 60;
/** The day must last at least this long, so that the nudge comes after the morning's list. */
export const MIN_DAY_MINUTES = 60;

const minutesOf = (time: string) => {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** Whether a start and an end make a day reminders can use (the end at least an hour after the start). */
export function isReminderDay(start: string, end: string): boolean {
  return minutesOf(end) - minutesOf(start) >= MIN_DAY_MINUTES;
}

/**
 * A local time of a day in a zone, as the scheduler reads every local time (src/jobs/slots.ts):
 * one the clocks skip (02:30 on a spring-forward night) comes an hour on; one they repeat, the first.
 */
export function localMoment(day: IsoDay, zone: string, time: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  const minutes = minutesOf(time);
  const local = DateTime.fromObject({ year, month, day: date, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: zoneOf(zone) });
  const hourBefore = local.minus({ hours: 1 });
  return (hourBefore.hour === local.hour && hourBefore.minute === local.minute ? hourBefore : local).toJSDate();
}

/** The local HH:MM of the nudge, for a day ending at `end`. */
export function nudgeClock(end: string): string {
  const at = Math.max(0, minutesOf(end) - NUDGE_BEFORE_END_MINUTES);
  return `${String(Math.floor(at / 60)).padStart(2, '0')}:${String(at % 60).padStart(2, '0')}`;
}

export interface ReminderTimes {
  start: Date;
  nudge: Date;
  end: Date;
}

export function reminderTimes(day: IsoDay, zone: string, settings: Pick<ReminderDay, 'start' | 'end'>): ReminderTimes {
  const end = localMoment(day, zone, settings.end);
  return { start: localMoment(day, zone, settings.start), nudge: new Date(end.getTime() - NUDGE_BEFORE_END_MINUTES * 60_000), end };
}

export interface DueReminder {
  kind: ReminderKind;
  /** The agents' local day. */
  day: IsoDay;
  /** When it came due, and when it stops being worth sending. */
  at: Date;
  until: Date;
}

/** The reminders due at `now` for agents in `zone`: come due on a work day, and not stale yet. */
export function dueReminders(now: Date, zone: string, settings: ReminderDay): DueReminder[] {
  const local = DateTime.fromJSDate(now, { zone: zoneOf(zone) });
  if (!settings.workDays.includes(local.weekday)) return [];
  const day = local.toISODate()!;
  const times = reminderTimes(day, zone, settings);
  const startUntil = Math.min(times.start.getTime() + START_LATE_MINUTES * 60_000, times.nudge.getTime());
  const all: DueReminder[] = [
    { kind: 'start', day, at: times.start, until: new Date(startUntil) },
    { kind: 'end', day, at: times.nudge, until: times.end },
  ];
  return all.filter((r) => r.at <= now && now < r.until);
}

/**
 * Whether an agent gets a reminder: never on a day off or a holiday, and only while tasks are open:
 * the nudge, today's; the start of the day, today's or those still open from before the day's week
 * (`earlier`), which no surface but App Home and /tasks would show an agent with nothing planned today.
 */
export function wantsReminder(kind: ReminderKind, day: { off: boolean; tasks: ReadonlyArray<{ status: string }>; earlier: number }): boolean {
  if (day.off) return false;
  return day.tasks.some((t) => t.status === 'open') || (kind === 'start' && day.earlier > 0);
}

/** Whole minutes from `now` to the day's end (0 once it has ended). */
export function minutesLeft(now: Date, end: Date): number {
  return Math.max(0, Math.ceil((end.getTime() - now.getTime()) / 60_000));
}
