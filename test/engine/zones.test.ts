// The zone that remembers its offsets (src/engine/zones.ts) must read every instant as luxon does
// with the zone's name: the same offset, the same local time, the same instant for a local time —
// on nights the clocks change above all, and in zones whose changes are odd (half an hour, two hours).
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { zoneOf } from '../../src/engine/zones.ts';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Antarctica/Troll', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham'];

// What differs from luxon at one instant, as lines to show; none when the two agree. Checked with
// one assertion for each test, not three for each instant: vitest's bookkeeping for an assertion
// cost more than luxon's reading (some 40,000 assertions in the first test).
const differences = (ts: number, name: string): string[] => {
  const plain = DateTime.fromMillis(ts, { zone: name });
  const remembered = DateTime.fromMillis(ts, { zone: zoneOf(name) });
  const out: string[] = [];
  if (remembered.offset !== plain.offset) out.push(`${name} ${new Date(ts).toISOString()}: offset ${remembered.offset}, luxon ${plain.offset}`);
  if (remembered.toISO() !== plain.toISO()) out.push(`${name}: ${remembered.toISO()}, luxon ${plain.toISO()}`);
  const local = { year: plain.year, month: plain.month, day: plain.day, hour: plain.hour, minute: plain.minute };
  const instant = DateTime.fromObject(local, { zone: zoneOf(name) }).toMillis();
  const expected = DateTime.fromObject(local, { zone: name }).toMillis();
  if (instant !== expected) out.push(`${name} ${plain.toISO()} as a local time: ${instant}, luxon ${expected}`);
  return out;
};

describe('a zone that remembers its offsets', () => {
  it('reads every quarter hour of the nights the clocks change as luxon does, in order and again', () => {
    // Each hour is asked first at its start, so a remembered hour is then asked within it. The clocks
    // change between 00:00 and 03:00 local time, which is 16 hours before to 10 hours after midnight UTC
    // in zones from UTC−5 to UTC+13:45.
    const nights = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01', '2027-03-14', '2027-03-19'];
    const found: string[] = [];
    let asked = 0;
    for (const name of ZONES)
      for (const night of nights)
        for (let pass = 0; pass < 2; pass++)
          for (let ts = Date.parse(`${night}T00:00:00Z`) - 16 * 3_600_000; ts < Date.parse(`${night}T00:00:00Z`) + 10 * 3_600_000; ts += 15 * 60_000) {
            found.push(...differences(ts, name));
            asked++;
          }
    expect(found).toEqual([]);
    expect(asked).toBe(ZONES.length * nights.length * 2 * 104);
  });

  it('reads any instant from 1900 to 2040 as luxon does', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1900-01-01'), max: Date.parse('2040-01-01') }), fc.constantFrom(...ZONES), (ts, name) => {
        expect(differences(ts, name)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the IANA name for Intl, and leaves UTC, fixed offsets and unknown names as luxon reads them', () => {
    expect(zoneOf('Asia/Shanghai')).toMatchObject({ type: 'iana', name: 'Asia/Shanghai', isValid: true });
    expect(DateTime.fromISO('2026-11-27T10:00:00Z').setZone(zoneOf('Asia/Shanghai')).setLocale('zh-CN').toFormat('ZZZZ')).toBe(DateTime.fromISO('2026-11-27T10:00:00Z').setZone('Asia/Shanghai').setLocale('zh-CN').toFormat('ZZZZ'));
    expect(zoneOf('UTC').type).toBe('fixed');
    expect(zoneOf('UTC+8').offset(0)).toBe(480);
    expect(DateTime.now().setZone(zoneOf('Nowhere/Land')).isValid).toBe(false);
  });
});
