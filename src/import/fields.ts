// Cell parsers for the CSV files and for `team set`: each takes a value (trimmed, not empty) and
// returns what it means, or throws a Problem whose message is the reason shown after
// `file:line: column:`. The formats they accept are those of docs/import.md.
import { DateTime } from 'luxon';
import { isValidZone } from '../engine/calendar.ts';
import { PRIORITIES, type Priority } from '../engine/types.ts';

export class Problem extends Error {}

export interface CellProblem {
  column: string;
  reason: string;
}

/**
 * A value inside a reason: at most 40 characters, in quotes, with anything invisible written as
 * an escape, so that a reason never carries a whole cell, a control character or a terminal code.
 */
export function quote(value: string): string {
  const short = [...value].length > 40 ? `${[...value].slice(0, 40).join('')}…` : value;
  return `"${short.replace(/[^\p{L}\p{M}\p{N}\p{P}\p{S} ]|\p{Cs}/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`)}"`;
}

// C0 controls but tab, LF and CR (a quoted cell may span lines), DEL and the C1 controls: the
// control characters are what this pattern is for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
// Embeddings, overrides and isolates: they make text display in another order than it is stored.
const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;
const hex = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why a cell cannot be stored whatever its column, or null. Bidi controls are refused, not
 * stripped: the admin fixes the source once and the CRM and Task Cart keep the same text.
 */
export function unsafeCell(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL byte, which is not text: remove it (a file saved as UTF-16 without a byte order mark reads like this)';
  const control = CONTROL.exec(value);
  if (control) return `contains the control character ${hex(control[0])}, which is not text: remove it`;
  const bidi = BIDI.exec(value);
  if (bidi) return `contains the bidirectional control ${hex(bidi[0])}, which makes text display in another order than it is stored: remove it`;
  return null;
}

/**
 * A cell's length as people count it, as the Add task modal counts a title (services/text.ts
 * charCount, which this layer, below the services, does not import): an emoji or a Chinese character
 * is one, not the two UTF-16 units JavaScript counts for an emoji. Counted one by one only when the
 * units are over `max`: a shorter cell cannot be longer.
 */
const characters = (v: string, max: number) => (v.length > max ? [...v].length : v.length);

// Letters, digits, punctuation or symbols: what "visible" means for a title or a name.
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

export const text =
  (max = 500) =>
  (v: string): string => {
    const n = characters(v, max);
    if (n > max) throw new Problem(`is longer than ${max} characters (${n})`);
    if (!VISIBLE.test(v)) throw new Problem('has no visible character');
    return v;
  };

export const int =
  (min: number, max: number) =>
  (v: string): number => {
    if (!/^[-+]?\d+$/.test(v)) throw new Problem(`${quote(v)} is not a whole number`);
    const n = Number(v);
    if (n < min) throw new Problem(n < 0 ? `${n} is negative` : `${n} is below ${min}`);
    if (n > max) throw new Problem(`${n} is above ${max}`);
    return n;
  };

export const num =
  (min: number, max: number) =>
  (v: string): number => {
    const n = Number(v);
    if (!/^-?\d*\.?\d+$/.test(v) || !Number.isFinite(n)) throw new Problem(`${quote(v)} is not a number`);
    if (n < min || n > max) throw new Problem(`${v} is not between ${min} and ${max}`);
    return n;
  };

/** YYYY-MM-DD, a real day, from 1900 to 2999 (the database has no year 0, and a CRM's 0001-01-01 is no date). */
export function isoDay(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !DateTime.fromISO(v).isValid) throw new Problem(`${quote(v)} is not a date (YYYY-MM-DD)`);
  if (v < '1900' || v >= '3000') throw new Problem(`${v} is not a date between 1900 and 2999`);
  return v;
}

export function timeZone(v: string): string {
  if (!isValidZone(v)) throw new Problem(`${quote(v)} is not a known time zone (IANA, e.g. Asia/Shanghai)`);
  return v;
}

export function priority(v: string): Priority {
  const p = v.toLowerCase();
  if (!PRIORITIES.includes(p as Priority)) throw new Problem(`${quote(v)} is not one of ${PRIORITIES.join(', ')}`);
  return p as Priority;
}

export function yesNo(v: string): boolean {
  const b = v.toLowerCase();
  if (['true', 'yes', '1'].includes(b)) return true;
  if (['false', 'no', '0'].includes(b)) return false;
  throw new Problem(`${quote(v)} is not yes or no (true or false)`);
}

/** Items separated by `;`, trimmed, without repeats. */
export function list(v: string): string[] {
  const n = characters(v, 2000);
  if (n > 2000) throw new Problem(`is longer than 2000 characters (${n})`);
  return [...new Set(v.split(';').map((s) => s.trim()).filter(Boolean))];
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function weekdayNumber(name: string): number {
  const s = name.trim().toLowerCase();
  const full = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
  const i = WEEKDAYS.includes(s) ? WEEKDAYS.indexOf(s) : full.indexOf(s);
  return i + 1;
}

/** One weekday: `Mon` or `Monday` (any case); ISO number 1 = Monday … 7 = Sunday. */
export function weekday(v: string): number {
  const d = weekdayNumber(v);
  if (!d) throw new Problem(`${quote(v)} is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat or Sun)`);
  return d;
}

export const weekdayName = (d: number): string => WEEKDAY_NAMES[d - 1] ?? String(d);

/** `Mon-Fri`, `Mon;Wed;Fri`, or a mix: `Mon-Wed;Sat`. ISO weekdays, sorted. */
export function workDays(v: string): number[] {
  const days = new Set<number>();
  for (const part of v.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [a, b] = part.split('-').map(weekdayNumber);
    if (!a || (part.includes('-') && !b)) throw new Problem(`${quote(v)} is not a list of weekdays like Mon-Fri or Mon;Wed;Fri`);
    const end = b ?? a;
    for (let d = a; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === end) break;
    }
  }
  if (!days.size) throw new Problem('names no weekday');
  return [...days].sort((x, y) => x - y);
}

/** The shortest way to write work days back: `Mon-Fri`, `Mon;Wed;Fri`. */
export function workDaysText(days: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j += 1;
    runs.push(j - i >= 2 ? `${weekdayName(days[i]!)}-${weekdayName(days[j]!)}` : days.slice(i, j + 1).map(weekdayName).join(';'));
    i = j + 1;
  }
  return runs.join(';');
}

/** A local time of day, 24-hour `HH:MM` (`9:00` is read as `09:00`). */
export function clock(v: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(v);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new Problem(`${quote(v)} is not a time of day as HH:MM (24-hour, e.g. 15:00)`);
  return `${m[1]!.padStart(2, '0')}:${m[2]}`;
}

/** A channel id (not a name): channel details → About → Channel ID. */
export function channel(v: string): string {
  if (!/^[CG][A-Z0-9]{2,}$/.test(v)) throw new Problem(`${quote(v)} is not a channel id like C0123ABCD (channel details → About)`);
  return v;
}

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export function language(v: string): Language {
  const found = LANGUAGES.find((l) => l.toLowerCase() === v.toLowerCase().replace('_', '-'));
  if (!found) throw new Problem(`${quote(v)} is not a language Task Cart speaks (${LANGUAGES.join(' or ')})`);
  return found;
}

export const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

export function slackUser(v: string): string {
  if (!SLACK_USER.test(v)) throw new Problem(`${quote(v)} is not a Slack member id like U0123ABCD (profile → ⋮ → Copy member ID)`);
  return v;
}

/**
 * One CSV row being read: every problem of every column is noted, so that a row is reported
 * whole. A field that has a problem reads as undefined; an empty cell reads as null.
 */
export class Row {
  readonly problems: CellProblem[] = [];
  private readonly bad = new Set<string>();

  constructor(private readonly cells: ReadonlyMap<string, string>) {
    for (const [column, value] of cells) {
      const why = unsafeCell(value);
      if (why) this.fail(column, why);
    }
  }

  /** Whether the file has this column at all. */
  has(column: string): boolean {
    return this.cells.has(column);
  }

  get<T>(column: string, parse: (v: string) => T): T | null | undefined {
    if (this.bad.has(column)) return undefined;
    const v = (this.cells.get(column) ?? '').trim();
    if (!v) return null;
    try {
      return parse(v);
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      this.fail(column, e.message);
      return undefined;
    }
  }

  need<T>(column: string, parse: (v: string) => T): T | undefined {
    const v = this.get(column, parse);
    if (v === null) this.fail(column, 'is required');
    return v ?? undefined;
  }

  fail(column: string, reason: string): void {
    this.bad.add(column);
    this.problems.push({ column, reason });
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }
}
