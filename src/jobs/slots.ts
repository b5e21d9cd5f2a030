// When a team's scheduled work is due, in the team's zone (luxon: daylight-saving changes keep
// local times). Pure: the time comes in. A slot is named by its period's day, so a slot is made
// once per period even when its time of day changes: the proposal by the week it proposes, a digest
// by its date. A slot missed while no bot ran is still due until its period is over.
import { DateTime } from 'luxon';
import { zoneOf } from '../engine/zones.ts';

export type SlotKind = 'proposal' | 'daily-digest' | 'weekly-digest' | 'reminder-start' | 'reminder-end';

export interface Slot {
  kind: SlotKind;
  /** The period's day, YYYY-MM-DD: the proposed week's Monday, the digest's date, the reminded agents' day. */
  key: string;
  /** When it was due. */
  at: Date;
  /** When it stops being worth making: the proposed week has begun, the digest's day is over. */
  until: Date;
}

export interface TeamSchedule {
  timezone: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  workDays: number[];
  proposalWeekday: number;
  /** HH:MM, local. */
  proposalTime: string;
  digestTime: string;
  weeklyDigestWeekday: number;
}

const at = (day: DateTime, time: string): DateTime => {
  const [hour, minute] = time.split(':').map(Number);
  // A time the clocks skip (02:30 on a spring-forward night) comes an hour on (03:30).
  const local = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: hour ?? 0, minute: minute ?? 0 }, { zone: day.zone });
  // A time the clocks repeat (01:30 on a fall-back night): the first of the two.
  const hourBefore = local.minus({ hours: 1 });
  return hourBefore.hour === local.hour && hourBefore.minute === local.minute ? hourBefore : local;
};

/** The latest instant ≤ now of a weekly slot on ISO weekday `weekday` at `time`. */
function lastWeekly(now: DateTime, weekday: number, time: string): DateTime {
  let day = now.startOf('week').plus({ days: weekday - 1 });
  if (at(day, time) > now) day = day.minus({ weeks: 1 });
  return at(day, time);
}

/** Slots of the team that are due at `now`: come due, and their period not yet over. */
export function dueSlots(team: TeamSchedule, now: Date): Slot[] {
  const local = DateTime.fromJSDate(now, { zone: zoneOf(team.timezone) });
  const out: Slot[] = [];

  const proposal = lastWeekly(local, team.proposalWeekday, team.proposalTime);
  const proposed = proposal.startOf('week').plus({ weeks: 1 });
  out.push({ kind: 'proposal', key: proposed.toISODate()!, at: proposal.toJSDate(), until: proposed.toJSDate() });

  for (let back = 0; back < 7; back++) {
    const day = local.startOf('day').minus({ days: back });
    if (!team.workDays.includes(day.weekday)) continue;
    const due = at(day, team.digestTime);
    if (due > local) continue;
    out.push({ kind: 'daily-digest', key: day.toISODate()!, at: due.toJSDate(), until: day.plus({ days: 1 }).startOf('day').toJSDate() });
    break;
  }

  const weekly = lastWeekly(local, team.weeklyDigestWeekday, team.digestTime);
  out.push({ kind: 'weekly-digest', key: weekly.toISODate()!, at: weekly.toJSDate(), until: weekly.startOf('day').plus({ days: 1 }).toJSDate() });

  return out.filter((s) => s.at <= now && now < s.until);
}
