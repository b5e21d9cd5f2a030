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
import { Markup, escape } from '../text.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type { Language } from '../../src/language.ts';

/** A key of the catalogs, without its plural suffix: `cart.tasks` for `cart.tasks_one` / `cart.tasks_other`. */
export type Key = Base<keyof typeof en>;
type Base<K> = K extends `${infer B}_one` ? B : K extends `${infer B}_other` ? B : K;

/** Values interpolated into a mrkdwn text: people's text (escaped), numbers, or the bot's own Markup. */
export type Params = Readonly<Record<string, string | number | Markup>> & { count?: number };
/** Values interpolated into a plain_text text: taken as they are. */
export type PlainParams = Readonly<Record<string, string | number>> & { count?: number };

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
  // A text is the same every time for the same key and values: i18next renders it once and it is
  // kept (i18next's interpolation was the largest part of rendering a cart message in the profile
  // of an Add task, issue 13). Most texts of a cart have no values or the same few (weekdays,
  // minutes, counts); the store is emptied when it grows past STORE_MAX, so it stays small.
  const rendered = remembered((key: Key, params?: Params) => mrkdwn.t(key, options(language, params) as never) as unknown as string);
  const renderedPlain = remembered((key: Key, params?: PlainParams) => plain.t(key, options(language, params) as never) as unknown as string);
  const t = ((key: Key, params?: Params) => rendered(key, params)) as T;
  const plainT = (key: Key, params?: PlainParams) => renderedPlain(key, params);
  Object.assign(t, { plain: plainT, language, fmt: new Format(language, plainT) });
  made.set(language, t);
  return t;
}

/** Texts kept per language and kind before the store is emptied: a few thousand short strings. */
const STORE_MAX = 5000;

/** `render`, remembering each text by its key and values (a Markup value by its text: it goes in as it is). */
function remembered<P extends Params | PlainParams>(render: (key: Key, params?: P) => string): (key: Key, params?: P) => string {
  const store = new Map<string, string>();
  return (key, params) => {
    let id: string = key;
    if (params) for (const name in params) {
      const value = params[name];
      const text = value instanceof Markup ? value.text : String(value);
      // Each value by its kind (1 and '1' differ, so do Markup and people's text) and its length, so
      // that no value, whatever it holds, reads as the end of one value and the start of another.
      id += ` ${name}:${typeof value === 'number' ? 'n' : value instanceof Markup ? 'm' : 's'}${text.length}:${text}`;
    }
    let text = store.get(id);
    if (text === undefined) {
      if (store.size >= STORE_MAX) store.clear();
      store.set(id, (text = render(key, params)));
    }
    return text;
  };
}
