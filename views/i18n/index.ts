// The bot's words in each language: two catalogs (en.ts, zh-CN.ts) read through i18next, and
// the one formatter of days, times, minutes and people (../format.ts). A view is handed a `T`
// for the person it speaks to (or the team, for a channel) and takes every text from it.
//
// Escaping stays in one place: a catalog text rendered as mrkdwn (`t(key, params)`) has every
// interpolated value passed through escape() (../text.ts) by i18next, once; a Markup value is
// mrkdwn the bot built (a mention from an id, another rendered text) and goes in as it is.
// Rendered as plain_text (`t.plain(key, params)`: headers, buttons, options, titles, labels)
// nothing is escaped, as Slack does not parse plain_text.
import i18next, { type i18n } from 'i18next';
import type { Language } from '../../src/language.ts';
import { Format } from '../format.ts';
import { Markup, escape, md } from '../text.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';
import type { Key, Params, PlainParams } from './keys.ts';

export type { Language } from '../../src/language.ts';

export type { Key, Params, PlainParams } from './keys.ts';

export const CATALOGS = { en, 'zh-CN': zhCN } as const;

/** The texts of one language: call it for mrkdwn, `.plain` for plain_text, `.fmt` to format. */
export interface T {
  (key: Key, params?: Params): string;
  plain(key: Key, params?: PlainParams): string;
  readonly language: Language;
  readonly fmt: Format;
}

/** What i18next gets for a value in mrkdwn: people's text escaped, the bot's Markup as it is. */
function escapeValue(value: unknown): string {
  if (value instanceof Markup) return value.text;
  return typeof value === 'number' ? String(value) : escape(String(value));
}

function instance(escaped: boolean): i18n {
  const i = i18next.createInstance();
  void i.init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: 'en',
    // A key missing from Chinese would show English rather than the key (a test keeps both whole).
    fallbackLng: 'en',
    supportedLngs: ['en', 'zh-CN'],
    // Keys are flat ("cart.header"); texts may hold ":" and ".".
    keySeparator: false,
    nsSeparator: false,
    initAsync: false,
    returnNull: false,
    interpolation: escaped
      ? // Raw values reach escapeValue, so a Markup is told from people's text.
        { escapeValue: true, escape: escapeValue as (s: string) => string, useRawValueToEscape: true, skipOnVariables: true }
      : { escapeValue: false, skipOnVariables: true },
  });
  return i;
}

let engines: { mrkdwn: i18n; plain: i18n } | undefined;
const made = new Map<Language, T>();

/** Values go in i18next's `replace`, so that no name of a value can be taken for one of its options (lng, ns, context…). */
const options = (language: Language, params: Params | PlainParams = {}) => ({
  lng: language,
  replace: params,
  ...(params.count !== undefined && { count: params.count }),
});

/** The texts of a language (made once, kept). */
export function textsFor(language: Language): T {
  const known = made.get(language);
  if (known) return known;
  engines ??= { mrkdwn: instance(true), plain: instance(false) };
  const { mrkdwn, plain } = engines;
  // i18next renders each key once per language, set of value names and count, with stand-ins for
  // the values; each call then puts its values in the stand-ins' places (templated, below).
  // i18next's interpolation was the largest part of rendering a cart message in the profile of an
  // Add task (issue 13), and a store of whole texts missed on every new title or name.
  const rendered = templated((key: Key, params?: Params) => mrkdwn.t(key, options(language, params) as never) as unknown as string, escapeValue, md);
  const renderedPlain = templated((key: Key, params?: PlainParams) => plain.t(key, options(language, params) as never) as unknown as string, String, (s) => s);
  const t = ((key: Key, params?: Params) => rendered(key, params)) as T;
  const plainT = (key: Key, params?: PlainParams) => renderedPlain(key, params);
  Object.assign(t, { plain: plainT, language, fmt: new Format(language, plainT) });
  made.set(language, t);
  return t;
}

/** Templates kept per key (value names and counts seen with it) before the key's are dropped: far more than any view asks for. */
const PER_KEY_MAX = 64;

/** Stand-ins for values: characters no catalog text holds (a control character on each side of the value's number). */
// eslint-disable-next-line no-control-regex -- the stand-ins are made of control characters on purpose
const STAND_IN = /\u0001(\d+)\u0002/;

/** In a template's `fixed`: the value at this place is a stand-in, not part of what the template is for. */
const FILLED = Symbol('filled');

interface Template {
  /** The rendered text's pieces between its stand-ins. */
  texts: string[];
  /** Between each two pieces: the name of the value that goes there. */
  slots: string[];
  /** The names of the values, in the order of the call's params, stand-ins and fixed ones alike. */
  order: string[];
  /** Per name in `order`: the value the template was rendered with when it is part of the text (a count, a value not there), else FILLED. */
  fixed: unknown[];
}

/** Whether a template was made for these values: the same names in the same order, the same counts and missing values. */
function fits(template: Template, params: Params | PlainParams | undefined): boolean {
  const { order, fixed } = template;
  let n = 0;
  if (params) {
    for (const name in params) {
      if (order[n] !== name) return false;
      const value = params[name];
      if (name === 'count' || value === undefined || value === null ? !Object.is(fixed[n], value) : fixed[n] !== FILLED) return false;
      n++;
    }
  }
  return n === order.length;
}

/**
 * `render`, kept as a template per key, value names and count: i18next renders the text once with
 * a stand-in for each value (passed as `standIn` makes it, so i18next inserts it untouched), and
 * each call joins the template's parts with its values, each passed through `valueText` — what
 * i18next would have done with it (escapeValue for mrkdwn, as it is for plain_text). The count
 * is rendered by i18next itself, in the template: it picks the plural form.
 *
 * A call finds its template among its key's by comparing its values' names and counts in place,
 * without building a string to look it up by: a day window asks for some four hundred texts, and
 * this function, building and hashing such a string each time, was the largest part of rendering
 * one in a profile (2 × AMD EPYC, 2026-11-27; a day window of 36 tasks about 170 → 75 µs with
 * the other changes of that day to views/).
 */
function templated<P extends Params | PlainParams>(render: (key: Key, params?: P) => string, valueText: (value: never) => string, standIn: (s: string) => unknown): (key: Key, params?: P) => string {
  const store = new Map<Key, Template[]>();
  return (key, params) => {
    let kept = store.get(key);
    let template = kept?.find((x) => fits(x, params));
    if (template === undefined) {
      const order: string[] = [];
      const fixed: unknown[] = [];
      const names: string[] = [];
      let stand: P | undefined = params;
      if (params) {
        const copy: Record<string, unknown> = { ...params };
        for (const name in params) {
          const value = params[name];
          order.push(name);
          // A count picks the plural form; a value that is not there is left to i18next.
          if (name === 'count' || value === undefined || value === null) fixed.push(value);
          else {
            fixed.push(FILLED);
            copy[name] = standIn(`\u0001${names.length}\u0002`);
            names.push(name);
          }
        }
        if (names.length) stand = copy as P;
      }
      const parts = render(key, stand).split(STAND_IN);
      template = { texts: parts.filter((_, i) => i % 2 === 0), slots: parts.filter((_, i) => i % 2 === 1).map((n) => names[Number(n)]!), order, fixed };
      if (!kept || kept.length >= PER_KEY_MAX) store.set(key, (kept = []));
      kept.push(template);
    }
    const { texts, slots } = template;
    let text = texts[0]!;
    for (let i = 0; i < slots.length; i++) text += valueText(params![slots[i]!] as never) + texts[i + 1]!;
    return text;
  };
}
