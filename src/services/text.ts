// Text as the bot accepts it from people, whatever their client sent: one cleaner for every
// field (titles, notes, reasons, search text), run on the server.
//
// Decided: invisible and direction-changing characters are stripped, not refused, so a title
// pasted from a document with a stray mark still saves:
// - bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) reorder how text displays,
//   so a title could read as something it is not;
// - every other format character (zero-width space, word joiner, BOM, soft hyphen, tag
//   characters…) is invisible, except ZWJ and ZWNJ: they join emoji and shape Persian and Indic
//   scripts, so they stay (but count as nothing visible);
// - control characters go (NUL included, which PostgreSQL cannot store); in a multi-line field
//   a line break stays, as \n; a tab becomes a space; lone surrogates go;
// - characters that render as blank although Unicode calls them letters (Hangul fillers) go.
// The result is NFC-normalised and trimmed; a single-line field has its runs of spaces collapsed.
// A title with no visible character left is refused by the caller (`hasVisible`).

// Format characters (\p{Cf}) include every bidi control listed above.
const FORMAT_BUT_JOINERS = /(?![\u200C\u200D])\p{Cf}/gu;
const BLANK_LETTERS = /[\u115F\u1160\u3164\uFFA0]/gu;
const LONE_SURROGATE = /\p{Cs}/gu;
const CONTROL_BUT_NEWLINE = /[^\P{Cc}\n]/gu;

export function cleanText(raw: string, options: { multiline?: boolean } = {}): string {
  let s = raw
    .replace(LONE_SURROGATE, '')
    .normalize('NFC')
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(/\t/g, ' ')
    .replace(FORMAT_BUT_JOINERS, '')
    .replace(BLANK_LETTERS, '')
    .replace(CONTROL_BUT_NEWLINE, '');
  if (!options.multiline) s = s.replace(/\s+/g, ' ');
  return s.trim();
}

/** Whether any character would show: a letter, a digit, punctuation or a symbol (not a mark or a space alone). */
export function hasVisible(text: string): boolean {
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(text.replace(BLANK_LETTERS, '').replace(/\u2800/g, ''));
}

/** Length as people count it: characters, not UTF-16 units (a Chinese character or an emoji is one). */
export function charCount(text: string): number {
  return [...text].length;
}
