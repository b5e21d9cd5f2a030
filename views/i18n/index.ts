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
  // A text without values is the same every time: i18next renders it once per key and language.
  // (i18next's path was 9 % of an Add task's CPU in the profile; most of a cart's texts have no values.)
  const bare = new Map<string, string>();
  const bareT = (key: Key) => {
    let text = bare.get(key);
    if (text === undefined) bare.set(key, (text = mrkdwn.t(key, options(language) as never) as unknown as string));
    return text;
  };
  const t = ((key: Key, params?: Params) => (params === undefined ? bareT(key) : (mrkdwn.t(key, options(language, params) as never) as unknown as string))) as T;
  const plainT = (key: Key, params?: PlainParams) => plain.t(key, options(language, params) as never) as unknown as string;
  Object.assign(t, { plain: plainT, language, fmt: new Format(language, plainT) });
  made.set(language, t);
  return t;
}
