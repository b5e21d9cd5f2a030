// Cell parsers for CSV imports. Each throws a FieldError whose message is the
// reason shown next to the line number and column.
import { DateTime } from 'luxon';
import { isValidZone } from '../engine/calendar.ts';
import { PRIORITIES, type Priority } from '../engine/types.ts';

export class FieldError extends Error {
  constructor(
    readonly column: string,
    reason: string,
  ) {
    super(reason);
  }
}

export type Cells = Record<string, string>;

export function text(cells: Cells, column: string, max = 500): string | null {
  const v = (cells[column] ?? '').trim();
  if (!v) return null;
  if (v.length > max) throw new FieldError(column, `is longer than ${max} characters`);
  return v;
}

export function required(cells: Cells, column: string, max = 500): string {
  const v = text(cells, column, max);
  if (v === null) throw new FieldError(column, 'is required');
  return v;
}

export function int(cells: Cells, column: string, min: number, max: number): number | null {
  const v = text(cells, column);
  if (v === null) return null;
  if (!/^-?\d+$/.test(v)) throw new FieldError(column, `"${v}" is not a whole number`);
  const n = Number(v);
  if (n < min) throw new FieldError(column, n < 0 ? `${n} is negative` : `${n} is below ${min}`);
  if (n > max) throw new FieldError(column, `${n} is above ${max}`);
  return n;
}

export function num(cells: Cells, column: string, min: number, max: number): number | null {
  const v = text(cells, column);
  if (v === null) return null;
  const n = Number(v);
  if (!/^-?\d*\.?\d+$/.test(v) || !Number.isFinite(n)) throw new FieldError(column, `"${v}" is not a number`);
  if (n < min || n > max) throw new FieldError(column, `${v} is not between ${min} and ${max}`);
  return n;
}

export function day(cells: Cells, column: string): string | null {
  const v = text(cells, column);
  if (v === null) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !DateTime.fromISO(v).isValid) {
    throw new FieldError(column, `"${v}" is not a date (YYYY-MM-DD)`);
  }
  return v;
}

export function zone(cells: Cells, column: string): string | null {
  const v = text(cells, column);
  if (v === null) return null;
  if (!isValidZone(v)) throw new FieldError(column, `"${v}" is not a known time zone (IANA, e.g. Asia/Shanghai)`);
  return v;
}

export function priority(cells: Cells, column: string): Priority | null {
  const v = text(cells, column)?.toLowerCase() ?? null;
  if (v === null) return null;
  if (!PRIORITIES.includes(v as Priority)) throw new FieldError(column, `"${v}" is not one of ${PRIORITIES.join(', ')}`);
  return v as Priority;
}

export function bool(cells: Cells, column: string): boolean | null {
  const v = text(cells, column)?.toLowerCase() ?? null;
  if (v === null) return null;
  if (['true', 'yes', '1'].includes(v)) return true;
  if (['false', 'no', '0'].includes(v)) return false;
  throw new FieldError(column, `"${v}" is not true or false`);
}

export function list(cells: Cells, column: string): string[] {
  const v = text(cells, column, 2000);
  return v ? [...new Set(v.split(';').map((s) => s.trim()).filter(Boolean))] : [];
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `Mon-Fri`, `Mon;Wed;Fri`, or a mix: `Mon-Wed;Sat`. ISO weekdays, sorted. */
export function workDays(cells: Cells, column: string): number[] | null {
  const v = text(cells, column);
  if (v === null) return null;
  const days = new Set<number>();
  for (const part of v.split(';').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const [a, b] = part.split('-').map((s) => WEEKDAYS.indexOf(s.trim().slice(0, 3)) + 1);
    if (!a || (part.includes('-') && !b)) throw new FieldError(column, `"${v}" is not a list of weekdays like Mon-Fri or Mon;Wed;Fri`);
    const end = b ?? a;
    for (let d = a; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === end) break;
    }
  }
  if (!days.size) throw new FieldError(column, 'names no weekday');
  return [...days].sort((x, y) => x - y);
}

export const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
