// The one place that formats days, weeks, times, minutes, hours and people, for both languages,
// with luxon in the language's locale ("Tue 1 Dec" / "12月1日 周二"). Units come from the
// catalogs ("1 h 30 m" / "1 小时 30 分"). Everything here answers plain text: in mrkdwn it goes
// into a catalog text as a value, and is escaped there like any other.
import { DateTime } from 'luxon';
import type { Priority, TaskSource } from '../src/engine/types.ts';
import type { Language } from '../src/language.ts';
import type { Key, PlainParams } from './i18n/keys.ts';
import { mention } from './text.ts';

type Plain = (key: Key, params?: PlainParams) => string;

/** luxon formats of an ISO day, per language; quoted text is literal. */
const DAY_FORMATS: Record<Language, Record<'day' | 'dayLong' | 'weekday' | 'weekdayLong' | 'date' | 'dateYear', string>> = {
  en: { day: 'ccc d LLL', dayLong: 'cccc d LLL', weekday: 'ccc', weekdayLong: 'cccc', date: 'd LLL', dateYear: 'd LLL yyyy' },
  'zh-CN': { day: "M'月'd'日' ccc", dayLong: "M'月'd'日' cccc", weekday: 'ccc', weekdayLong: 'cccc', date: "M'月'd'日'", dateYear: "yyyy'年'M'月'd'日'" },
};
const LOCALE: Record<Language, string> = { en: 'en-GB', 'zh-CN': 'zh-CN' };

/** The task types Task Cart ships (db/migrations/0001): shown in the reader's language while an admin has not renamed them. */
const SHIPPED_TYPES: Record<string, { en: string; key: Key }> = {
  renewal_call: { en: 'Renewal call', key: 'type.renewal_call' },
  follow_up: { en: 'Follow-up', key: 'type.follow_up' },
  satisfaction_survey: { en: 'Satisfaction survey', key: 'type.satisfaction_survey' },
  cross_sell: { en: 'Cross-sell', key: 'type.cross_sell' },
  complaint_callback: { en: 'Complaint callback', key: 'type.complaint_callback' },
  welcome_call: { en: 'Welcome call', key: 'type.welcome_call' },
  custom: { en: 'Custom', key: 'type.custom' },
};

const PRIORITY: Record<Priority, Key> = { low: 'priority.low', normal: 'priority.normal', high: 'priority.high', urgent: 'priority.urgent' };
const SOURCE: Record<TaskSource, Key> = { system: 'source.system', carried_over: 'source.carried_over', recommended: 'source.recommended', custom: 'source.custom' };

type DayFormat = keyof (typeof DAY_FORMATS)['en'];

export class Format {
  private readonly numbers: Intl.NumberFormat;

  constructor(
    readonly language: Language,
    private readonly plain: Plain,
  ) {
    this.numbers = new Intl.NumberFormat(LOCALE[language], { maximumFractionDigits: 1 });
  }

  /**
   * Answers about the same few days are asked many times a render (a day window names four days
   * per task): remembered per kind of answer and day, bounded. Looked up by the day as it is, not
   * by a key built from it, which cost more than the answer's lookup itself.
   */
  private readonly days = new Map<DayFormat, Map<string, string>>();

  private as(kind: DayFormat, day: string): string {
    let known = this.days.get(kind);
    if (known === undefined) this.days.set(kind, (known = new Map()));
    let out = known.get(day);
    if (out === undefined) {
      const d = DateTime.fromISO(day, { zone: 'UTC', locale: LOCALE[this.language] });
      out = d.isValid ? d.toFormat(DAY_FORMATS[this.language][kind]) : day;
      if (known.size >= 2_000) known.clear();
      known.set(day, out);
    }
    return out;
  }

  /** "Tue 1 Dec" / "12月1日 周二" */
  day(day: string): string {
    return this.as('day', day);
  }
  /** "Tuesday 1 Dec" / "12月1日 星期二" */
  dayLong(day: string): string {
    return this.as('dayLong', day);
  }
  /** "Tue" / "周二" */
  weekday(day: string): string {
    return this.as('weekday', day);
  }
  /** "Tuesday" / "星期二" */
  weekdayLong(day: string): string {
    return this.as('weekdayLong', day);
  }
  /** "30 Nov" / "11月30日" */
  date(day: string): string {
    return this.as('date', day);
  }
  /** "30 Nov 2026" / "2026年11月30日" */
  dateYear(day: string): string {
    return this.as('dateYear', day);
  }
  /** The week starting on a Monday: "week of 30 Nov" / "11月30日这一周". */
  week(monday: string): string {
    return this.plain('week.of', { date: this.date(monday) });
  }
  /** A moment as a day and a time: "Fri 4 Dec 15:00" / "12月4日 周五 15:00". */
  dayTime(instant: Date, zone: string): string {
    const local = DateTime.fromJSDate(instant).setZone(zone);
    return `${this.day(local.toISODate()!)} ${local.toFormat('HH:mm')}`;
  }
  /** A duration: "1 h 30 m", "45 m", "2 h" / "1 小时 30 分", "45 分", "2 小时". */
  minutes(total: number): string {
    const sign = total < 0 ? '−' : '';
    const m = Math.abs(Math.round(total));
    const h = Math.floor(m / 60);
    const rest = m % 60;
    if (!h) return sign + this.plain('unit.m', { m: rest });
    return sign + (rest ? this.plain('unit.hm', { h, m: rest }) : this.plain('unit.h', { h }));
  }
  /** Minutes as hours to a tenth: "32.5 h" / "32.5 小时". */
  hours(minutes: number): string {
    return this.plain('unit.hours', { n: this.numbers.format(Math.round(minutes / 6) / 10) });
  }
  /** A whole percentage of a total, or a dash without one: "75 %" / "75%". */
  percent(n: number, of: number): string {
    return of ? this.plain('unit.percent', { n: Math.round((100 * n) / of) }) : '–';
  }
  /** Items in a row: "a, b, c" / "a、b、c". */
  list(items: readonly string[]): string {
    return items.join(this.plain('list.separator'));
  }
  /** A person the bot means, as a mention built from their Slack id (mrkdwn). */
  person(slackUserId: string): string {
    return mention(slackUserId);
  }
  /** A task type's label: a shipped type in the reader's language, one an admin named as named. */
  typeLabel(typeKey: string, label: string): string {
    const shipped = SHIPPED_TYPES[typeKey];
    return shipped && shipped.en === label ? this.plain(shipped.key) : label;
  }
  priority(p: Priority): string {
    return this.plain(PRIORITY[p]);
  }
  source(s: TaskSource): string {
    return this.plain(SOURCE[s]);
  }
}
