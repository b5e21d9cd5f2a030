// Text as the server accepts it, whatever the client sent: one cleaner for every field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkReason } from '../../src/services/forms.ts';
import { charCount, cleanText, hasVisible } from '../../src/services/text.ts';
import { anyText } from '../support/arbitraries.ts';

describe('cleanText', () => {
  it.each([
    ['bidi overrides are stripped', 'Call \u202Egnp.exe\u202C back', 'Call gnp.exe back'],
    ['isolates and marks too', '\u2066abc\u2069\u200E\u200F\u061C', 'abc'],
    ['zero-width spaces, word joiners, BOMs and soft hyphens', 'a\u200Bb\u2060c\uFEFFd\u00ADe', 'abcde'],
    ['tag characters (invisible text)', 'hi\u{E0041}\u{E0042}', 'hi'],
    ['NUL and other control characters', 'a\u0000b\u0007c\u001Bd\u007Fe', 'abcde'],
    ['a line break on one line is a space', 'a\u0085b\nc', 'a b c'],
    ['Hangul fillers that render blank', '\u3164\u115F\u1160x\uFFA0', 'x'],
    ['runs of space collapse on one line', '  a \t\n b\u00A0\u3000c  ', 'a b c'],
    ['emoji sequences keep their joiners', '👩‍👩‍👧 family', '👩‍👩‍👧 family'],
    ['Persian keeps its non-joiner', 'می‌خواهم', 'می‌خواهم'],
    ['Chinese as it is', '回访王芳 续约', '回访王芳 续约'],
    ['lone surrogates go', 'a\uD800b', 'ab'],
    ['NFC: a composed é', 'e\u0301', 'é'],
  ])('%s', (_, raw, clean) => {
    expect(cleanText(raw)).toBe(clean);
  });

  it('keeps line breaks in a multi-line field, as \\n', () => {
    expect(cleanText('one\r\ntwo\rthree\u2028four\n\tfive\u0000', { multiline: true })).toBe('one\ntwo\nthree\nfour\n five');
  });

  it('leaves nothing invisible or direction-changing, whatever it is given', () => {
    fc.assert(
      fc.property(anyText(60), fc.boolean(), (raw, multiline) => {
        const out = cleanText(raw, { multiline });
        expect(out).not.toMatch(/(?![\u200C\u200D])[\p{Cf}\p{Cs}]/u);
        expect(out).not.toMatch(multiline ? /[^\P{Cc}\n]/u : /\p{Cc}/u);
        expect(cleanText(out, { multiline })).toBe(out);
      }),
      { numRuns: 500 },
    );
  });
});

describe('hasVisible', () => {
  it.each([
    ['', false],
    ['   ', false],
    ['\u200D\u200C', false],
    ['\u0301\u0302', false],
    ['\u2800', false],
    ['a', true],
    ['长', true],
    ['!', true],
    ['🎉', true],
    ['7', true],
  ])('%j → %s', (text, visible) => {
    expect(hasVisible(cleanText(text))).toBe(visible);
  });
});

describe('the commit reason', () => {
  it('is checked for length and visible characters, and cleaned', () => {
    expect(checkReason('ok')).toEqual({ ok: false, error: { code: 'reason_short' } });
    expect(checkReason('\u200B\u200B\u200B\u200B\u200B\u200B')).toEqual({ ok: false, error: { code: 'reason_short' } });
    expect(checkReason('x'.repeat(501))).toEqual({ ok: false, error: { code: 'reason_long', max: 500, has: 501 } });
    expect(checkReason('Customer visit\u202E on Thursday')).toEqual({ ok: true, reason: 'Customer visit on Thursday' });
    expect(charCount('长'.repeat(500))).toBe(500);
    expect(checkReason('长'.repeat(500)).ok).toBe(true);
  });
});
