// Which encoding a CSV file is in, and proof that it is valid in it. Excel on Chinese Windows
// saves "CSV" as GB18030 (GBK); "CSV UTF-8" adds a byte order mark; "Unicode Text" is UTF-16 with
// one. How the importer chooses: docs/import.md, "Encodings".
import { isUtf8 } from 'node:buffer';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';

export interface Encoding {
  /** iconv-lite's name for it. */
  codec: string;
  /** How it is shown: "UTF-8", "GB18030". */
  label: string;
  /** Why it was chosen: a byte order mark, the content, or --encoding. */
  how: 'byte order mark' | 'detected' | '--encoding';
}

/** A file's bytes, readable as often as needed (the check reads them once before the import does). */
export type ByteSource = () => Readable;

/** Refusal of the file as a whole: it is not text in the encoding it is read as. */
export class EncodingError extends Error {
  constructor(
    readonly line: number,
    readonly encoding: Encoding,
    reason: string,
  ) {
    super(reason);
  }
}

const LABELS: Record<string, string> = { utf8: 'UTF-8', utf16le: 'UTF-16LE', utf16be: 'UTF-16BE', utf16: 'UTF-16', gb18030: 'GB18030', gbk: 'GBK', gb2312: 'GB2312', big5: 'Big5' };

/** The encoding `--encoding <name>` names, or null when iconv-lite does not know it. */
export function namedEncoding(name: string): Encoding | null {
  if (!iconv.encodingExists(name)) return null;
  const canonical = iconv._canonicalizeEncoding(name);
  return { codec: canonical === 'utf8' ? 'utf8' : name, label: LABELS[canonical] ?? name.toUpperCase(), how: '--encoding' };
}

export const isUtf8Encoding = (e: Encoding) => e.codec === 'utf8';

const BOMS: Array<[bytes: number[], codec: string]> = [
  [[0xef, 0xbb, 0xbf], 'utf8'],
  [[0xff, 0xfe], 'utf16le'],
  [[0xfe, 0xff], 'utf16be'],
];

const invalid = (line: number, encoding: Encoding, hint = '') =>
  new EncodingError(line, encoding, `bytes that are not valid ${encoding.label}${hint}: save the file again as "CSV UTF-8", or name its encoding with --encoding`);

/**
 * Chooses the encoding: `--encoding` if given, else a byte order mark, else UTF-8 when the whole
 * file is valid UTF-8, else GB18030 (a superset of GBK and GB2312). Reads the file once, a chunk
 * at a time. A file read as UTF-8 is checked here, and refused with the line of its first bad
 * byte; other encodings are checked while they are decoded (decoder()).
 */
export async function chooseEncoding(open: ByteSource, forced?: Encoding): Promise<Encoding> {
  let chosen = forced;
  let line = 1;
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  for await (const chunk of open()) {
    let bytes = chunk as Buffer;
    if (first) {
      first = false;
      const bom = BOMS.find(([b]) => b.every((x, i) => bytes[i] === x));
      if (!chosen && bom) chosen = { codec: bom[1], label: LABELS[bom[1]]!, how: 'byte order mark' };
      if (chosen && !isUtf8Encoding(chosen)) return chosen;
      if (bom?.[1] === 'utf8') bytes = bytes.subarray(3);
    }
    const all = carry.length ? Buffer.concat([carry, bytes]) : bytes;
    // A character cut at the chunk's end is checked with the next chunk.
    const end = completeUpTo(all);
    const whole = all.subarray(0, end);
    if (!isUtf8(whole)) {
      if (!chosen) return { codec: 'gb18030', label: 'GB18030', how: 'detected' };
      const at = firstInvalidUtf8(whole);
      throw invalid(line + countNewlines(whole.subarray(0, at)), chosen);
    }
    line += countNewlines(whole);
    carry = Buffer.from(all.subarray(end));
  }
  if (carry.length) {
    if (!chosen) return { codec: 'gb18030', label: 'GB18030', how: 'detected' };
    throw invalid(line, chosen, ' (the file ends in the middle of a character)');
  }
  return chosen ?? { codec: 'utf8', label: 'UTF-8', how: 'detected' };
}

/** The length of the buffer up to the start of a character it cuts at its end (0–3 bytes short). */
function completeUpTo(b: Buffer): number {
  for (let i = b.length - 1; i >= 0 && i >= b.length - 4; i--) {
    const c = b[i]!;
    if ((c & 0xc0) === 0x80) continue;
    const size = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return i + size > b.length ? i : b.length;
  }
  return b.length;
}

/** Where the first byte sequence that is not UTF-8 starts (the buffer is known to have one). */
function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i += 1;
      continue;
    }
    const size = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (!size || i + size > b.length || !isUtf8(b.subarray(i, i + size))) return i;
    i += size;
  }
  return b.length;
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n += 1;
  return n;
}

const LONE_SURROGATE = /\p{Cs}/u;
const HALF_PAIR = 'half of a UTF-16 surrogate pair, which is no character: the file is damaged';

/** Text given as a string: refused at the line of a lone surrogate, which no encoding can store. */
export function checkText(text: string): EncodingError | null {
  const half = LONE_SURROGATE.exec(text)?.index;
  if (half === undefined) return null;
  const line = 1 + (text.slice(0, half).match(/\n/g)?.length ?? 0);
  return new EncodingError(line, { codec: 'utf8', label: 'UTF-16', how: 'detected' }, HALF_PAIR);
}

/**
 * Decodes a file that is not UTF-8 to text, dropping a byte order mark. A byte sequence that is
 * not valid in the encoding comes out of iconv-lite as U+FFFD; the first one stops the stream
 * with its line number (a U+FFFD already in such a file is refused too: it is what an earlier bad
 * conversion leaves behind).
 */
export function decoder(encoding: Encoding): Transform {
  const decode = iconv.getDecoder(encoding.codec);
  let line = 1;
  const check = (text: string, done: TransformCallback, stream: Transform) => {
    const replaced = text.indexOf('\uFFFD');
    // UTF-16 can hold half a surrogate pair, which is no character (and would reach the parser as U+FFFD).
    const half = LONE_SURROGATE.exec(text)?.index ?? -1;
    const bad = replaced >= 0 && (half < 0 || replaced < half) ? replaced : half;
    if (bad >= 0) {
      for (let i = text.indexOf('\n'); i >= 0 && i < bad; i = text.indexOf('\n', i + 1)) line += 1;
      if (bad === half) done(new EncodingError(line, encoding, HALF_PAIR));
      else done(invalid(line, encoding, encoding.how === 'detected' ? ' (nor UTF-8), or a � left by an earlier bad conversion' : ', or a � left by an earlier bad conversion'));
      return;
    }
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line += 1;
    if (text) stream.push(text);
    done();
  };
  return new Transform({
    readableObjectMode: true,
    readableHighWaterMark: 4,
    transform(chunk: Buffer, _enc, done) {
      check(decode.write(chunk), done, this);
    },
    flush(done) {
      check(decode.end() ?? '', done, this);
    },
  });
}

/** What the command line says about it: "read as GB18030 (not valid UTF-8: …)". */
export function describeEncodingChoice(encoding: Encoding): string {
  if (encoding.how === 'byte order mark') return `read as ${encoding.label} (byte order mark)`;
  if (encoding.how === '--encoding') return `read as ${encoding.label} (--encoding)`;
  if (encoding.codec === 'gb18030') return 'read as GB18030 (not valid UTF-8, so read as Excel saves CSV on Chinese Windows; --encoding names another)';
  return `read as ${encoding.label}`;
}
