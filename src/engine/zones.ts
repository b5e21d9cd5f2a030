// A time zone as luxon reads it, with its offsets remembered. luxon asks an IANA zone for its
// offset from UTC through Intl (`formatToParts`) every time a DateTime in it is made, moved or
// rounded — a few times per call of dueSlots, localMoment or weeksAt, each some microseconds.
// The scheduler asks the same few instants every minute for every team, the reminders for every
// agent, a click for the two weeks: the answers repeat. Measured 2026-11-27 on 2 × Intel Xeon:
// `formatToParts` under luxon was about 4 % of the test suite's CPU before this.
//
// An offset is remembered per UTC hour, and only when it is the same at the hour's first and last
// second: the clocks never change twice within an hour, so the hour has that offset throughout.
// An hour holding a change (a daylight-saving night) is asked of Intl every time, as before.
// Pure from outside: the same question gets the same answer; the memory is bounded.
import { IANAZone, Info, type Zone } from 'luxon';

const HOUR_MS = 3_600_000;
/**
 * Hours remembered per zone: twelve weeks of distinct hours (the scheduler asks about this week's and
 * the next's), some 140 kB; past that, it starts again.
 */
const MAX_HOURS = 2_048;

class RememberedZone extends IANAZone {
  private readonly hours = new Map<number, number>();

  override offset(ts: number): number {
    const hour = Math.floor(ts / HOUR_MS);
    const known = this.hours.get(hour);
    if (known !== undefined) return known;
    const first = super.offset(hour * HOUR_MS);
    if (Number.isNaN(first) || super.offset(hour * HOUR_MS + HOUR_MS - 1) !== first) return super.offset(ts);
    if (this.hours.size >= MAX_HOURS) this.hours.clear();
    this.hours.set(hour, first);
    return first;
  }
}

const zones = new Map<string, Zone>();

/**
 * The zone named `name` for luxon (`{ zone: zoneOf(name) }`, `setZone(zoneOf(name))`): an IANA name
 * gives a zone that remembers its offsets; anything else is what luxon makes of it (UTC, a fixed
 * offset, or an invalid zone, whose DateTimes are invalid as with the name itself).
 */
export function zoneOf(name: string): Zone {
  let zone = zones.get(name);
  if (zone === undefined) {
    const plain = Info.normalizeZone(name);
    zone = plain instanceof IANAZone && plain.isValid ? new RememberedZone(plain.name) : plain;
    // Names come from teams and people (a few dozen zones): at most 256 kept, some 35 MB at the very worst.
    if (zones.size >= 256) zones.clear();
    zones.set(name, zone);
  }
  return zone;
}
