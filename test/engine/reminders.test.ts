// When reminders are due, in each agent's zone, across daylight-saving changes; how late a missed
// one may still go; who gets one.
import { describe, expect, it } from 'vitest';
import { dueReminders, isReminderDay, minutesLeft, nudgeClock, reminderTimes, wantsReminder, type ReminderDay } from '../../src/engine/index.ts';

const WEEKDAYS: ReminderDay = { workDays: [1, 2, 3, 4, 5], start: '09:00', end: '17:30' };

/** Every minute from `from` to `to`: each reminder with the first instant it was due and the last. */
function ticks(zone: string, settings: ReminderDay, from: string, to: string): string[] {
  const seen = new Map<string, [string, string]>();
  for (let ms = Date.parse(from); ms <= Date.parse(to); ms += 60_000) {
    for (const r of dueReminders(new Date(ms), zone, settings)) {
      const key = `${r.kind} ${r.day}`;
      const at = new Date(ms).toISOString().slice(0, 16);
      seen.set(key, [seen.get(key)?.[0] ?? at, at]);
    }
  }
  return [...seen].map(([key, [first, last]]) => `${key} ${first}…${last}`);
}

describe('when reminders are due', () => {
  it('comes at 09:00 and 17:00 in Shanghai and in New York, each in its own zone, on work days only', () => {
    // Friday 27 Nov to Monday 30 Nov 2026.
    expect(ticks('Asia/Shanghai', WEEKDAYS, '2026-11-26T16:00:00Z', '2026-11-30T16:00:00Z')).toEqual([
      'start 2026-11-27 2026-11-27T01:00…2026-11-27T01:59',
      'end 2026-11-27 2026-11-27T09:00…2026-11-27T09:29',
      'start 2026-11-30 2026-11-30T01:00…2026-11-30T01:59',
      'end 2026-11-30 2026-11-30T09:00…2026-11-30T09:29',
    ]);
    expect(ticks('America/New_York', WEEKDAYS, '2026-11-27T05:00:00Z', '2026-12-01T05:00:00Z')).toEqual([
      'start 2026-11-27 2026-11-27T14:00…2026-11-27T14:59',
      'end 2026-11-27 2026-11-27T22:00…2026-11-27T22:29',
      'start 2026-11-30 2026-11-30T14:00…2026-11-30T14:59',
      'end 2026-11-30 2026-11-30T22:00…2026-11-30T22:29',
    ]);
  });

  it('keeps 09:00 local in New York across both daylight-saving changes', () => {
    // Clocks fall back on Sunday 1 Nov 2026 and spring forward on Sunday 14 Mar 2027.
    expect(ticks('America/New_York', WEEKDAYS, '2026-10-30T12:00:00Z', '2026-11-02T16:00:00Z').filter((r) => r.startsWith('start'))).toEqual([
      'start 2026-10-30 2026-10-30T13:00…2026-10-30T13:59',
      'start 2026-11-02 2026-11-02T14:00…2026-11-02T14:59',
    ]);
    expect(ticks('America/New_York', WEEKDAYS, '2027-03-12T12:00:00Z', '2027-03-15T16:00:00Z').filter((r) => r.startsWith('start'))).toEqual([
      'start 2027-03-12 2027-03-12T14:00…2027-03-12T14:59',
      'start 2027-03-15 2027-03-15T13:00…2027-03-15T13:59',
    ]);
  });

  it('makes a start the clocks skip an hour later, and one they repeat the first time, once that day', () => {
    const everyDay = { workDays: [1, 2, 3, 4, 5, 6, 7], end: '17:30' };
    // 02:30 does not exist on 14 Mar 2027 in New York: 03:30 EDT.
    expect(ticks('America/New_York', { ...everyDay, start: '02:30' }, '2027-03-14T05:00:00Z', '2027-03-14T12:00:00Z')).toEqual(['start 2027-03-14 2027-03-14T07:30…2027-03-14T08:29']);
    // 01:30 happens twice on 1 Nov 2026: the first (EDT, 05:30 UTC); an hour on it is no longer due.
    expect(ticks('America/New_York', { ...everyDay, start: '01:30' }, '2026-11-01T04:00:00Z', '2026-11-01T12:00:00Z')).toEqual(['start 2026-11-01 2026-11-01T05:30…2026-11-01T06:29']);
  });

  it('sends a missed start of day up to an hour late, never after the nudge, and the nudge until the day ends', () => {
    const at = (iso: string, settings = WEEKDAYS) => dueReminders(new Date(iso), 'Asia/Shanghai', settings).map((r) => r.kind);
    expect(at('2026-12-01T01:59:00Z')).toEqual(['start']);
    expect(at('2026-12-01T02:00:00Z')).toEqual([]); // 10:00 in Shanghai: an hour late is too late
    expect(at('2026-12-01T09:29:00Z')).toEqual(['end']);
    expect(at('2026-12-01T09:30:00Z')).toEqual([]); // 17:30: the day is over
    // A day of an hour: the nudge at 09:30 ends the start's window.
    const short = { ...WEEKDAYS, end: '10:00' };
    expect(at('2026-12-01T01:29:00Z', short)).toEqual(['start']);
    expect(at('2026-12-01T01:30:00Z', short)).toEqual(['end']);
  });

  it('names the agent’s local day, not the UTC one', () => {
    // 00:30 UTC on Tuesday is already Tuesday 08:30 in Shanghai; 14:30 UTC on Monday is Monday 09:30 in New York.
    const [shanghai] = dueReminders(new Date('2026-12-01T01:30:00Z'), 'Asia/Shanghai', WEEKDAYS);
    expect(shanghai).toMatchObject({ kind: 'start', day: '2026-12-01', at: new Date('2026-12-01T01:00:00Z'), until: new Date('2026-12-01T02:00:00Z') });
    const [newYork] = dueReminders(new Date('2026-11-30T14:30:00Z'), 'America/New_York', WEEKDAYS);
    expect(newYork).toMatchObject({ kind: 'start', day: '2026-11-30' });
  });
});

describe('who gets one', () => {
  it('an agent with a task still open today; at the start of the day also one with tasks still open from before the week; never on a day off or a holiday', () => {
    for (const kind of ['start', 'end'] as const) {
      expect(wantsReminder(kind, { off: false, tasks: [{ status: 'done' }, { status: 'open' }], earlier: 0 })).toBe(true);
      expect(wantsReminder(kind, { off: false, tasks: [{ status: 'done' }, { status: 'skipped' }], earlier: 0 })).toBe(false);
      expect(wantsReminder(kind, { off: false, tasks: [], earlier: 0 })).toBe(false);
      expect(wantsReminder(kind, { off: true, tasks: [{ status: 'open' }], earlier: 2 })).toBe(false);
      expect(wantsReminder(kind, { off: true, tasks: [], earlier: 2 })).toBe(false);
    }
    // Nothing open today, but last week's: the morning says so; the nudge is about today's tasks only.
    expect(wantsReminder('start', { off: false, tasks: [], earlier: 1 })).toBe(true);
    expect(wantsReminder('start', { off: false, tasks: [{ status: 'done' }], earlier: 3 })).toBe(true);
    expect(wantsReminder('end', { off: false, tasks: [], earlier: 1 })).toBe(false);
    expect(wantsReminder('end', { off: false, tasks: [{ status: 'done' }], earlier: 3 })).toBe(false);
  });
});

describe('times', () => {
  it('says the minutes left until the day ends, the nudge’s time, and which days are long enough', () => {
    const { end, nudge } = reminderTimes('2026-12-01', 'Asia/Shanghai', WEEKDAYS);
    expect(end.toISOString()).toBe('2026-12-01T09:30:00.000Z');
    expect(nudge.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(minutesLeft(new Date('2026-12-01T09:00:00Z'), end)).toBe(30);
    expect(minutesLeft(new Date('2026-12-01T09:29:30Z'), end)).toBe(1);
    expect(minutesLeft(new Date('2026-12-01T10:00:00Z'), end)).toBe(0);
    expect(nudgeClock('17:30')).toBe('17:00');
    expect(nudgeClock('09:15')).toBe('08:45');
    expect(isReminderDay('09:00', '10:00')).toBe(true);
    expect(isReminderDay('09:00', '09:59')).toBe(false);
    expect(isReminderDay('17:30', '09:00')).toBe(false);
  });
});
