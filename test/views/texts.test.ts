// What a text says, whatever values it is given, in whatever order, one left out or one more:
// views/i18n renders each key once per set of value names with stand-ins, then fills the values
// in. Checked here against the catalogs read directly: the text of the key's plural form for the count (the
// language's, else English), every {{value}} replaced by the value — escaped in mrkdwn unless the
// bot built it (Markup), as it is in plain_text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGS, textsFor, type Key, type Language } from '../../views/i18n/index.ts';
import { Markup, escape } from '../../views/text.ts';
import { anyText } from '../support/arbitraries.ts';

const PLURAL = /_(zero|one|two|few|many|other)$/;
const LANGUAGES = Object.keys(CATALOGS) as Language[];
const catalog = (language: Language) => CATALOGS[language] as Record<string, string>;
const KEYS = [...new Set(Object.keys(catalog('en')).map((k) => k.replace(PLURAL, '')))].sort();
const plural = (key: string) => `${key}_other` in catalog('en');
const names = (key: string) => [...new Set(Object.entries(catalog('en')).filter(([k]) => k.replace(PLURAL, '') === key).flatMap(([, text]) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!)))];

/** The catalog's text for this key and count, its values put in by hand. */
function expected(language: Language, key: string, params: Record<string, unknown>, show: (v: unknown) => string): string {
  const form = typeof params.count === 'number' && plural(key) ? `${key}_${new Intl.PluralRules(language).select(params.count)}` : key;
  const text = catalog(language)[form] ?? catalog(language)[`${key}_other`] ?? catalog('en')[form]!;
  // A value not given is left as its placeholder (as i18next leaves it).
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in params ? show(params[name]) : whole));
}

// People's text at its worst: markup, mentions, the braces of a placeholder, the characters the
// stand-ins are made of, any code point.
const people = fc.oneof(
  fc.string({ maxLength: 12 }),
  anyText(12),
  fc.constantFrom('<!here>', '&lt;', '{{title}}', '\u0001', '\u00010\u0002', '\u0001 1 \u0002', '$t(cart.header)', '王芳 <@U0AGENT1>'),
);
const value = fc.oneof(people, fc.integer({ min: -5, max: 10_000 }), people.map((s) => new Markup(s)));

describe('texts filled with any values', () => {
  it.each(LANGUAGES)('%s: every key, mrkdwn and plain_text, the same as the catalog says, call after call', (language) => {
    const t = textsFor(language);
    fc.assert(
      fc.property(
        fc.constantFrom(...KEYS),
        fc.array(fc.tuple(value, value), { minLength: 8, maxLength: 8 }),
        fc.nat({ max: 3 }),
        fc.boolean(),
        fc.option(fc.nat({ max: 7 }), { freq: 3 }),
        fc.boolean(),
        (key, values, count, reversed, left, extra) => {
          const params: Record<string, unknown> = {};
          // A value the text does not use changes nothing.
          if (extra) params.unused = values[7]![0];
          // Value names in either order, one of them sometimes not given: each set of names has its own template.
          const ordered = (reversed ? [...names(key)].reverse() : names(key)).filter((name, i) => i !== left || name === 'count');
          ordered.forEach((name, i) => (params[name] = name === 'count' ? count : values[i]![0]));
          if (plural(key)) params.count = count;
          const mrkdwn = (v: unknown) => (v instanceof Markup ? v.text : typeof v === 'number' ? String(v) : escape(String(v)));
          expect(t(key as Key, params as never)).toBe(expected(language, key, params, mrkdwn));
          // plain_text takes strings and numbers as they are.
          const plainParams: Record<string, unknown> = extra ? { unused: String(values[7]![1]) } : {};
          ordered.forEach((name, i) => (plainParams[name] = name === 'count' ? count : String(values[i]![1])));
          if (plural(key)) plainParams.count = count;
          expect(t.plain(key as Key, plainParams as never)).toBe(expected(language, key, plainParams, String));
        },
      ),
      { numRuns: 600 },
    );
  });
});
