// What "only their language" means for a test: a Chinese reader's texts hold no word of the
// English catalog (their own data — names, titles — is Chinese in these tests; Task Cart, Slack,
// CRM, ID, commands and code spans are the same in both), and an English reader's no Chinese.
import { en } from '../../views/i18n/en.ts';

/** Words of three or more letters the English catalog says (not its values, code or commands). */
const ENGLISH = new Set(
  Object.values(en)
    .flatMap((text) => strip(text).match(/[A-Za-z]{3,}/g) ?? [])
    .map((w) => w.toLowerCase()),
);
const SAME_IN_BOTH = new Set(['slack', 'crm', 'vip']);

/** What is the same in both languages: code spans, mentions, commands, values, the product's name. */
function strip(text: string): string {
  return text
    .replace(/`[^`]*`/g, ' ')
    .replace(/\{\{[^}]*\}\}/g, ' ')
    .replace(/<@[UW][A-Z0-9]+>/g, ' ')
    .replace(/\/(cart|tasks|team-carts)\b/g, ' ')
    .replace(/Task Cart/g, ' ');
}

/** English catalog words in a text a Chinese reader sees. */
export function englishIn(text: string): string[] {
  return [...new Set((strip(text).match(/[A-Za-z]{3,}/g) ?? []).map((w) => w.toLowerCase()).filter((w) => ENGLISH.has(w) && !SAME_IN_BOTH.has(w)))];
}

/** Chinese characters in a text an English reader sees. */
export function chineseIn(text: string): string[] {
  return [...new Set(text.match(/[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/g) ?? [])];
}

/** Every text a person reads in a Slack payload (message, view, response): all "text" strings, deep. */
export function textsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) textsOf(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === 'text' && typeof v === 'string') out.push(v);
      else textsOf(v, out);
    }
  }
  return out;
}
