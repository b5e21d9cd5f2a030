// A click's form body without the blocks it carries. Slack sends each click with the whole message
// or modal it was made in (`message.blocks`, `view.blocks`): a moved task's day window is 28.5 kB
// of the 47 kB a move's form body holds, and the bot reads none of it (what it needs is in the click's
// `actions`, the modal's `private_metadata` and `state`, and in the database). Decoding and parsing
// those blocks was the largest part of a move's CPU, and the objects they made, alive while the
// click waited for the database, were most of what the collector copied in a burst (issue 13).
//
// So the blocks are cut from the form body before it is decoded: `cutBlocks` walks the JSON's
// structure in the encoded text, reading each `%XX` as the character it stands for (as the decoder
// will), and gives the body with those arrays emptied, as `[]`. What is cut is neither decoded nor
// parsed, so nothing in it is checked either: Slack signed it, and the bot does not read it.
// Form encoding: https://url.spec.whatwg.org/#application/x-www-form-urlencoded; the bench: docs/performance.md.

/** Each byte's value as a hex digit, or -1. */
const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d;
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const PERCENT = 0x25;
const SPACE = 0x20;
/** A space, in form encoding. */
const PLUS = 0x2b;

/** A click's type, as any encoding writes it; a body that says so elsewhere than in its type is parsed whole after all (receiver.ts). */
const BLOCK_ACTIONS = 'block_actions';

/** The top-level keys whose `blocks` are cut; keys are matched as written, unencoded. */
const CARRIERS = ['view', 'message'];

/** Whether `body` holds exactly `word` (plain ASCII) between from and to. */
function holds(body: Uint8Array, from: number, to: number, word: string): boolean {
  if (to - from !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (body[from + k] !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * A click's form body (`payload=` and its encoded JSON) with `view.blocks` and `message.blocks`
 * emptied; any other body, or one whose JSON does not close where it should, as it is.
 */
export function cutBlocks(text: string, body: Uint8Array): string {
  // Walked as bytes, cut as text: a body with bytes beyond ASCII (not form-encoded) would not line up, and is left whole.
  if (!text.startsWith('payload=') || !text.includes(BLOCK_ACTIONS) || body.length !== text.length) return text;
  const cuts: number[] = [];
  let depth = 0;
  // The key just read: where its encoded text starts and ends, until anything but a colon follows it.
  let keyFrom = -1;
  let keyTo = -1;
  // Inside a carrier's object (depth 2), and where the blocks' insides start (depth 3).
  let carrier = false;
  let cutFrom = -1;
  const n = body.length;
  let i = 'payload='.length;
  /** The character at i, decoded; i moves past it. */
  const read = (): number => {
    const c = body[i++]!;
    if (c !== PERCENT || i + 1 >= n) return c;
    const hi = HEX[body[i]!]!;
    const lo = HEX[body[i + 1]!]!;
    if (hi < 0 || lo < 0) return c;
    i += 2;
    return hi * 16 + lo;
  };
  while (i < n) {
    const at = i;
    const c = read();
    if (c === QUOTE) {
      // A string, read to its closing quote (one not escaped by a backslash).
      const from = i;
      let escaped = false;
      for (;;) {
        if (i >= n) return text;
        const end = i;
        const d = read();
        if (escaped) escaped = false;
        else if (d === BACKSLASH) escaped = true;
        else if (d === QUOTE) {
          keyFrom = from;
          keyTo = end;
          break;
        }
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
      const keyed = keyTo >= 0;
      if (depth === 2) carrier = keyed && c === OPEN_OBJECT && CARRIERS.some((k) => holds(body, keyFrom, keyTo, k));
      else if (depth === 3 && carrier && keyed && c === OPEN_ARRAY && holds(body, keyFrom, keyTo, 'blocks')) cutFrom = i;
      keyTo = -1;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth === 3 && cutFrom >= 0) {
        if (c !== CLOSE_ARRAY) return text;
        cuts.push(cutFrom, at);
        cutFrom = -1;
      }
      depth -= 1;
      if (depth < 2) carrier = false;
      if (depth < 0) return text;
      keyTo = -1;
    } else if (c !== COLON && c !== SPACE && c !== PLUS) {
      // Anything else (a comma, a number, true, false, null) ends a key's hold; its colon, spaces and + do not.
      keyTo = -1;
    }
  }
  if (depth !== 0 || cuts.length === 0) return text;
  let out = '';
  let from = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    out += text.slice(from, cuts[k]);
    from = cuts[k + 1]!;
  }
  return out + text.slice(from);
}
