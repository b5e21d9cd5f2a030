// The two catalogs stay whole and in use: a key missing from either language, a plural form
// missing or extra, a value one language fills and the other forgets, or a key nothing in the
// code asks for, fails here. Keys are static strings in the code (the `Key` type checks them),
// so the code can be searched for each.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../views/i18n/en.ts';
import { zhCN } from '../../views/i18n/zh-CN.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const PLURAL = /_(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(PLURAL, '');
const catalogs = { en: en as Record<string, string>, 'zh-CN': zhCN as Record<string, string> };

/** Every key of a catalog without its plural suffix, with the plural forms it has. */
function byBase(catalog: Record<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of Object.keys(catalog)) {
    const forms = out.get(base(key)) ?? [];
    const form = key.match(PLURAL)?.[1];
    if (form) forms.push(form);
    out.set(base(key), forms);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]!).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.includes(`${join('views', 'i18n')}/`) ? [path] : [];
  });
}

describe('the catalogs', () => {
  const enKeys = byBase(catalogs.en);
  const zhKeys = byBase(catalogs['zh-CN']);

  it('have the same keys in both languages', () => {
    expect([...zhKeys.keys()].sort()).toEqual([...enKeys.keys()].sort());
  });

  it.each(Object.entries(catalogs))('%s has exactly the plural forms its language uses, for every plural key', (language, catalog) => {
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories.sort();
    for (const [key, forms] of byBase(catalog)) {
      const plural = (enKeys.get(key) ?? []).length > 0;
      expect(forms.sort(), key).toEqual(plural ? categories : []);
    }
  });

  it('fill in the same values in both languages', () => {
    for (const key of enKeys.keys()) {
      const values = (catalog: Record<string, string>) => [...new Set(Object.keys(catalog).filter((k) => base(k) === key).flatMap((k) => placeholders(catalog[k]!)))].sort();
      expect(values(catalogs['zh-CN']), key).toEqual(values(catalogs.en));
    }
  });

  it('use none of i18next’s unescaped values or nesting, so every value goes through escape()', () => {
    for (const catalog of Object.values(catalogs)) {
      for (const [key, text] of Object.entries(catalog)) {
        expect(text, key).not.toMatch(/\{\{-/);
        expect(text, key).not.toMatch(/\$t\(/);
      }
    }
  });

  it('speak Chinese in Chinese: no English word but names, commands and the CSV columns shown as code', () => {
    const ALLOWED = /\b(Task Cart|Slack|CRM|ID|vip)\b/g;
    for (const [key, text] of Object.entries(catalogs['zh-CN'])) {
      const rest = text
        .replace(/`[^`]*`/g, '')
        .replace(/\{\{[^}]*\}\}/g, '')
        .replace(/\/(cart|tasks|team-carts)\b/g, '')
        .replace(ALLOWED, '');
      expect(rest, key).not.toMatch(/[A-Za-z]{2,}/);
    }
  });

  it('are all used: every key is asked for somewhere in the code', () => {
    const code = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'views')), ...sourceFiles(join(ROOT, 'commands'))].map((f) => readFileSync(f, 'utf8')).join('\n');
    const unused = [...enKeys.keys()].filter((key) => !code.includes(`'${key}'`));
    expect(unused).toEqual([]);
  });
});
