// Arbitraries the property tests share.
import fc from 'fast-check';

const SURROGATES = 0xe000 - 0xd800;

/**
 * Any Unicode scalar value (every code point but the surrogates), as fast-check's `unit: 'binary'`
 * draws them and with the same odds, without the table of 1.1 million entries fast-check builds on
 * first use to map a character back to where it came from: a second of CPU in each test worker.
 * What this draws shrinks as well.
 */
export const anyCharacter = fc.nat({ max: 0x10ffff - SURROGATES }).map((i) => String.fromCodePoint(i < 0xd800 ? i : i + SURROGATES));

/** Any text of up to `maxLength` characters (`anyCharacter`). */
export const anyText = (maxLength: number) => fc.string({ unit: anyCharacter, maxLength });
