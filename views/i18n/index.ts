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

/**
 * A catalog text cut once into its literal parts and the names of its values (`{{name}}`), so that
 * rendering is a join: i18next's own path (resolution, options, plural suffix, interpolation by
 * regular expression, nesting) was 9 % of a click's CPU in the profile, for a cart message of about a
 * hundred texts. The rules are i18next's, as configured above, and test/views/catalogs.test.ts
 * checks every text in both languages against i18next itself: the plural by Intl.PluralRules
 * (`_one`, `_other`), a text missing in Chinese taken from English, a value not given left as
 * `{{name}}`, one pass over the text (a value's own braces stay text).
 */
type Compiled = ReadonlyArray<string | { name: string; whole: string }>;
const compiled = new Map<string, Compiled>();
function compile(text: string): Compiled {
  let parts = compiled.get(text);
  if (!parts) {
    const out: Array<string | { name: string; whole: string }> = [];
    let last = 0;
    for (const m of text.matchAll(/\{\{(.+?)\}\}/g)) {
      out.push(text.slice(last, m.index));
      out.push({ name: m[1]!.trim(), whole: m[0] });
      last = m.index + m[0].length;
    }
    out.push(text.slice(last));
    parts = out.filter((p) => p !== '');
    compiled.set(text, parts);
  }
  return parts;
}

const pluralRules = new Map<Language, Intl.PluralRules>();
/** The catalog text of a key in a language (its plural form for `count`), else English's, else the key. */
function lookup(language: Language, key: string, count: number | undefined): string {
  for (const lng of language === 'en' ? (['en'] as const) : ([language, 'en'] as const)) {
    const catalog = CATALOGS[lng] as Readonly<Record<string, string>>;
    if (count !== undefined) {
      let rules = pluralRules.get(lng);
      if (!rules) pluralRules.set(lng, (rules = new Intl.PluralRules(lng)));
      const plural = catalog[`${key}_${rules.select(count)}`];
      if (plural !== undefined) return plural;
    }
    const text = catalog[key];
    if (text !== undefined) return text;
  }
  return key;
}

function render(language: Language, key: string, params: Params | PlainParams | undefined, value: (v: unknown) => string): string {
  const count = params?.count;
  // As i18next: any count but a string picks a plural form.
  const parts = compile(lookup(language, key, count !== undefined && typeof count !== 'string' ? (count as number) : undefined));
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else {
      const v = params?.[part.name];
      out += v === undefined ? part.whole : value(v);
    }
  }
  return out;
}

const plainValue = (v: unknown) => String(v);

/** The texts of a language (made once, kept). */
export function textsFor(language: Language): T {
  const known = made.get(language);
  if (known) return known;
  const t = ((key: Key, params?: Params) => render(language, key, params, escapeValue)) as T;
  const plainT = (key: Key, params?: PlainParams) => render(language, key, params, plainValue);
  Object.assign(t, { plain: plainT, language, fmt: new Format(language, plainT) });
  made.set(language, t);
  return t;
}

/** The same texts through i18next itself: the reference the compiled texts are tested against. */
export function i18nextTexts(language: Language): { t: (key: string, params?: Params) => string; plain: (key: string, params?: PlainParams) => string } {
  engines ??= { mrkdwn: instance(true), plain: instance(false) };
  const { mrkdwn, plain } = engines;
  return {
    t: (key, params) => mrkdwn.t(key, options(language, params) as never) as unknown as string,
    plain: (key, params) => plain.t(key, options(language, params) as never) as unknown as string,
  };
}
