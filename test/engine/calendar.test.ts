import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDays, buildWeek, daysBetween, localDay, nextWeekStart, thresholds, weekStartOf } from '../../src/engine/index.ts';

const rules = {
  workDays: [1, 2, 3, 4, 5],
  dayCapacity: 390,
  upperPercent: 100,
  lowerPercent: 60,
  holidays: [],
  timeOff: [],
};

describe('week of an instant', () => {
  it.each([
    // instant (UTC)            zone                 Monday of its week
    ['2026-11-22T20:00:00Z', 'Asia/Shanghai', '2026-11-23'], // already Monday 04:00 in Shanghai
    ['2026-11-22T20:00:00Z', 'America/New_York', '2026-11-16'], // still Sunday afternoon in New York
    ['2026-11-23T00:30:00Z', 'Pacific/Kiritimati', '2026-11-23'], // UTC+14
    ['2026-11-23T10:30:00Z', 'Pacific/Pago_Pago', '2026-11-16'], // UTC-11: still Sunday 23:30
    ['2026-03-08T06:59:00Z', 'America/New_York', '2026-03-02'], // 01:59 EST, the Sunday clocks spring forward
  ])('%s in %s is in the week of %s', (iso, zone, monday) => {
    expect(weekStartOf(new Date(iso), zone)).toBe(monday);
  });

  it('reads the day of any instant as luxon does, one instant after another, across midnights and the nights the clocks change', () => {
    // Santiago's clocks change at midnight (the day starts at 01:00), Lord Howe's by half an hour, Apia skipped a whole day.
    const zones = ['Asia/Shanghai', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe', 'Pacific/Apia', 'Asia/Kathmandu', 'UTC', 'Europe/London'];
    const nights = ['2026-03-08T07:00:00Z', '2026-04-05T03:00:00Z', '2026-09-06T04:00:00Z', '2026-10-04T15:00:00Z', '2011-12-30T10:00:00Z', '2026-11-29T16:00:00Z'].map((iso) => Date.parse(iso));
    const instant = fc.oneof(fc.integer({ min: Date.parse('1990-01-01'), max: Date.parse('2040-01-01') }), fc.tuple(fc.constantFrom(...nights), fc.integer({ min: -36 * 3_600_000, max: 36 * 3_600_000 })).map(([n, d]) => n + d));
    fc.assert(
      fc.property(fc.array(fc.tuple(instant, fc.constantFrom(...zones)), { minLength: 1, maxLength: 40 }), (asks) => {
        for (const [at, zone] of asks) expect(localDay(new Date(at), zone)).toBe(DateTime.fromMillis(at).setZone(zone).toISODate());
      }),
      { numRuns: 300 },
    );
    // Ten minutes at a time from the day before each change of the clocks to the day after: the
    // short and the long day, and the midnights that end them.
    const changes: Array<[string, string]> = [['America/Santiago', '2026-04-05T03:00:00Z'], ['America/Santiago', '2026-09-06T04:00:00Z'], ['America/New_York', '2026-03-08T07:00:00Z'], ['America/New_York', '2026-11-01T06:00:00Z'], ['Australia/Lord_Howe', '2026-10-04T15:30:00Z']];
    for (const [zone, iso] of changes) {
      const night = Date.parse(iso);
      for (let at = night - 30 * 3_600_000; at <= night + 30 * 3_600_000; at += 600_000) expect(localDay(new Date(at), zone)).toBe(DateTime.fromMillis(at).setZone(zone).toISODate());
    }
  });

  it('proposes the week after the current one', () => {
    expect(nextWeekStart(new Date('2026-11-27T07:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-30');
  });
});

describe('buildWeek', () => {
  it('gives a Shanghai week five work days of 390 minutes, 234–390 without a flag', () => {
    const week = buildWeek('2026-11-30', { ...rules, zone: 'Asia/Shanghai' });
    expect(week.days.map((d) => d.day)).toEqual([
      '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06',
    ]);
    expect(week.days.map((d) => d.capacity)).toEqual([390, 390, 390, 390, 390, 0, 0]);
    expect(week.days[0]).toMatchObject({ upper: 390, lower: 234, work: true, off: null });
    expect(week.days[5]!.off).toEqual({ kind: 'non_work_day', reason: '' });
  });

  it('keeps seven calendar days across a daylight-saving change in New York', () => {
    // Clocks fall back on Sunday 2026-11-01; spring forward on Sunday 2026-03-08.
    for (const start of ['2026-10-26', '2026-03-02', '2026-03-09']) {
      const week = buildWeek(start, { ...rules, zone: 'America/New_York' });
      expect(week.start).toBe(start);
      expect(week.days).toHaveLength(7);
      expect(new Set(week.days.map((d) => d.day)).size).toBe(7);
      expect(week.days.filter((d) => d.work)).toHaveLength(5);
    }
  });

  it('zeroes team holidays and the agent’s days off, with the reason', () => {
    const week = buildWeek('2026-11-30', {
      ...rules,
      zone: 'Asia/Shanghai',
      holidays: [{ from: '2026-12-01', to: '2026-12-01', reason: 'Company day' }],
      timeOff: [{ from: '2026-12-03', to: '2026-12-04', reason: 'Leave' }],
    });
    expect(week.days.map((d) => d.capacity)).toEqual([390, 0, 390, 0, 0, 0, 0]);
    expect(week.days[1]!.off).toEqual({ kind: 'holiday', reason: 'Company day' });
    expect(week.days[3]!.off).toEqual({ kind: 'day_off', reason: 'Leave' });
  });

  it('uses a part-time capacity and custom work days', () => {
    const week = buildWeek('2026-11-30', { ...rules, zone: 'Europe/Paris', dayCapacity: 240, workDays: [1, 3, 5] });
    expect(week.days.map((d) => d.capacity)).toEqual([240, 0, 240, 0, 240, 0, 0]);
    expect(week.days[0]).toMatchObject({ upper: 240, lower: 144 });
  });

  it.each([
    [390, 100, 60, 390, 234],
    [390, 110, 50, 429, 195],
    [100, 95, 33, 95, 33],
    [0, 100, 60, 0, 0],
  ])('thresholds of %i min at %i%%/%i%% are %i/%i', (cap, up, low, upper, lower) => {
    expect(thresholds(cap, up, low)).toEqual({ upper, lower });
  });
});

describe('day arithmetic and names', () => {
  it.each([
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-12-28', 7, '2027-01-04'], // over the year's end
    ['2028-02-28', 1, '2028-02-29'], // a leap day
    ['2026-03-08', 1, '2026-03-09'], // the day clocks spring forward in New York: still one calendar day
    ['2026-12-01', -1, '2026-11-30'],
  ])('%s plus %i day(s) is %s', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
    expect(addDays(day, n)).toBe(expected); // asked again, the remembered answer is the same
    expect(daysBetween(day, expected)).toBe(n);
  });
});
