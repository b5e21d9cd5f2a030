// The two weeks in flight, on every weekday, before and after the proposal time, in two zones:
// the working week holds today; the planning week is the week after; the proposal time (in the
// team's zone) says whether the planning week's carts have gone out.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { weeksAt } from '../../src/engine/index.ts';

const FRIDAY_3PM = { weekday: 5, time: '15:00' };
const MONDAY_9AM = { weekday: 1, time: '09:00' };
const ZONES = ['Asia/Shanghai', 'America/New_York'];

/** A local wall-clock time in a zone, as the instant it is. */
const at = (zone: string, day: string, time: string) => DateTime.fromISO(`${day}T${time}`, { zone }).toJSDate();

// The week of Monday 30 Nov 2026, day by day; the next week starts 7 Dec.
const DAYS = [
  ['Mon', '2026-11-30'],
  ['Tue', '2026-12-01'],
  ['Wed', '2026-12-02'],
  ['Thu', '2026-12-03'],
  ['Fri', '2026-12-04'],
  ['Sat', '2026-12-05'],
  ['Sun', '2026-12-06'],
] as const;

/** Every weekday × before/after 15:00 × two zones, with what a person sees. */
const TABLE = ZONES.flatMap((zone) =>
  DAYS.flatMap(([name, day], i) =>
    (['14:59', '15:00'] as const).map((time) => ({
      zone,
      name,
      day,
      time,
      working: '2026-11-30',
      planning: '2026-12-07',
      // Friday 15:00 is the proposal: from then on, and on the weekend, the carts are out.
      proposed: i > 4 || (i === 4 && time === '15:00'),
    })),
  ),
);

describe('the working week and the planning week', () => {
  it.each(TABLE)('$zone, $name $day $time: working $working, planning $planning, proposed $proposed', ({ zone, day, time, working, planning, proposed }) => {
    const weeks = weeksAt(at(zone, day, time), zone, FRIDAY_3PM);
    expect(weeks).toMatchObject({ today: day, working, planning, proposed });
    expect(DateTime.fromJSDate(weeks.proposedAt).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm")).toBe('2026-12-04T15:00');
  });

  it.each(ZONES)('turns at local midnight between Sunday and Monday in %s, not at UTC midnight', (zone) => {
    expect(weeksAt(at(zone, '2026-12-06', '23:59'), zone, FRIDAY_3PM)).toMatchObject({ working: '2026-11-30', planning: '2026-12-07', proposed: true });
    expect(weeksAt(at(zone, '2026-12-07', '00:00'), zone, FRIDAY_3PM)).toMatchObject({ working: '2026-12-07', planning: '2026-12-14', proposed: false });
  });

  it('reads the same instant as different weeks in Shanghai and New York', () => {
    // Monday 7 Dec 08:00 in Shanghai is still Sunday 6 Dec 19:00 in New York.
    const instant = at('Asia/Shanghai', '2026-12-07', '08:00');
    expect(weeksAt(instant, 'Asia/Shanghai', FRIDAY_3PM)).toMatchObject({ today: '2026-12-07', working: '2026-12-07', planning: '2026-12-14' });
    expect(weeksAt(instant, 'America/New_York', FRIDAY_3PM)).toMatchObject({ today: '2026-12-06', working: '2026-11-30', planning: '2026-12-07' });
  });

  it('keeps local times across New York’s daylight-saving change', () => {
    // Clocks go back on Sunday 1 Nov 2026; Friday 6 Nov 15:00 is 20:00 UTC, not 19:00.
    const weeks = weeksAt(at('America/New_York', '2026-11-02', '00:30'), 'America/New_York', FRIDAY_3PM);
    expect(weeks).toMatchObject({ working: '2026-11-02', planning: '2026-11-09', proposed: false });
    expect(weeks.proposedAt.toISOString()).toBe('2026-11-06T20:00:00.000Z');
    expect(weeksAt(at('America/New_York', '2026-11-01', '23:30'), 'America/New_York', FRIDAY_3PM)).toMatchObject({ working: '2026-10-26', planning: '2026-11-02' });
  });

  it.each(ZONES)('follows the team’s own proposal time (Monday 09:00) in %s', (zone) => {
    expect(weeksAt(at(zone, '2026-11-30', '08:59'), zone, MONDAY_9AM)).toMatchObject({ working: '2026-11-30', planning: '2026-12-07', proposed: false });
    expect(weeksAt(at(zone, '2026-11-30', '09:00'), zone, MONDAY_9AM)).toMatchObject({ working: '2026-11-30', planning: '2026-12-07', proposed: true });
    expect(weeksAt(at(zone, '2026-12-03', '09:00'), zone, MONDAY_9AM)).toMatchObject({ proposed: true });
  });
});
