// A request's body is read as Bolt reads it: the receiver decodes a click's `payload=` with the
// runtime's decoder (src/slack/receiver.ts parseRequestBody), and must give what Bolt's own parse
// gives for any body Slack — or anyone else — could send, or fail where it fails; except that a
// click's message or modal blocks, which the bot never reads, are cut unread (src/slack/click-body.ts).
import fc from 'fast-check';
import { HTTPModuleFunctions } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { parseRequestBody, verifiedRequest } from '../../src/slack/receiver.ts';
import { anyText } from '../support/arbitraries.ts';
import { SIGNING_SECRET, sign } from '../support/signed.ts';

type Req = Parameters<typeof parseRequestBody>[0];
const request = (body: string, contentType: string, headers: Record<string, string> = {}) => ({ rawBody: Buffer.from(body, 'utf8'), headers: { 'content-type': contentType, ...headers } }) as unknown as Req;

/** What a check gives: the body it lets through, or that it refused. */
async function checked(check: () => Promise<Req>): Promise<{ body: string } | { refused: true }> {
  try {
    return { body: (await check()).rawBody.toString() };
  } catch {
    return { refused: true };
  }
}

/** What a parse gives: its value, or that it threw. */
function outcome(parse: () => unknown): { value: unknown } | { threw: true } {
  try {
    return { value: parse() };
  } catch {
    return { threw: true };
  }
}

// A click's JSON, as Slack or a client library encodes it: spaces as + or %20, some characters
// left as they are, and sometimes broken: a stray %, a bad escape, half of a UTF-8 character, a
// second field, no payload at all (a command).
const json = fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), anyText(40).map((s) => JSON.stringify({ type: 'block_actions', text: s })));
const encoded = fc
  .tuple(json, fc.boolean(), fc.boolean())
  .map(([text, plus, loose]) => {
    let e = encodeURIComponent(text);
    if (plus) e = e.replace(/%20/g, '+');
    if (loose) e = e.replace(/%7B/g, '{').replace(/%22/g, '"').replace(/%3A/g, ':');
    return e;
  });
const damage = fc.constantFrom('', '%', '%ZZ', '%E4%B8', '%FF', '+', '&x=1', '&payload=%7B%7D', '%26', '%00');
const body = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(encoded, damage, fc.nat({ max: 100 })).map(([e, d, at]) => `payload=${e.slice(0, at)}${d}${e.slice(at)}`) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 30 }), encoded).map(([name, e]) => `${encodeURIComponent(name)}=${e}`) },
  { weight: 1, arbitrary: anyText(60) },
);

/** What the receiver gives for a body Bolt parses to `value`: the same, a click's message and modal blocks emptied. */
function unreadBlocks(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { type?: unknown }).type !== 'block_actions') return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of ['view', 'message']) {
    const carrier = out[key];
    if (typeof carrier === 'object' && carrier !== null && !Array.isArray(carrier) && Array.isArray((carrier as { blocks?: unknown }).blocks)) out[key] = { ...carrier, blocks: [] };
  }
  return out;
}

// Text made to trip a walk of the JSON: quotes, backslashes, brackets, escapes, keys inside strings.
const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', ':', ',', '%', '+', ' ', 'a', '中', '😀', '%22', '%5C', '\\"', 'blocks', '"blocks":[', '"view":{'), maxLength: 12 });
const words = fc.oneof(anyText(20), tricky);
const block = fc.oneof(
  fc.record({ type: fc.constant('section'), block_id: words, text: fc.record({ type: fc.constant('mrkdwn'), text: words }) }),
  fc.record({ type: fc.constant('actions'), elements: fc.array(fc.record({ type: fc.constant('static_select'), options: fc.array(fc.record({ value: words, text: fc.record({ text: words }) }), { maxLength: 3 }) }), { maxLength: 2 }) }),
  fc.jsonValue({ maxDepth: 3 }),
);
const blocks = fc.array(block, { maxLength: 6 });
/** An object with these entries in any order. */
const anyOrder = (entries: Array<[string, fc.Arbitrary<unknown>]>) =>
  fc.tuple(fc.shuffledSubarray(entries, { minLength: entries.length }), ...entries.map(([, a]) => a)).map(([order, ...values]) => {
    const at = new Map(entries.map(([k], i) => [k, values[i]]));
    return Object.fromEntries(order.map(([k]) => [k, at.get(k)]));
  });
/** A click as Slack sends it: from a modal, a message or both, with nested blocks the bot must keep (an attachment's, a value's). */
const click = fc.oneof(fc.constant('block_actions'), fc.constant('view_submission'), fc.constant('block_actions')).chain((type) =>
  anyOrder([
    ['type', fc.constant(type)],
    ['user', fc.record({ id: words })],
    ['view', fc.option(anyOrder([['id', words], ['blocks', blocks], ['private_metadata', words], ['state', fc.record({ values: fc.dictionary(words, fc.jsonValue({ maxDepth: 2 })) })], ['hash', words]]), { nil: undefined })],
    ['message', fc.option(anyOrder([['ts', words], ['text', words], ['blocks', blocks], ['attachments', fc.array(fc.record({ blocks }), { maxLength: 2 })]]), { nil: undefined })],
    ['actions', fc.array(fc.record({ action_id: words, value: words, blocks: fc.option(blocks, { nil: undefined }), inner: fc.record({ type: fc.constant('block_actions'), view: fc.record({ blocks }) }) }), { maxLength: 2 })],
  ]),
);
/** The form body: encoded as Slack encodes it, or with + for spaces, punctuation left bare, hex in lower case. */
const clickBody = fc.tuple(click, fc.boolean(), fc.boolean(), fc.boolean()).map(([value, plus, loose, lower]) => {
  let e = encodeURIComponent(JSON.stringify(value));
  if (plus) e = e.replace(/%20/g, '+');
  if (loose) e = e.replace(/%7B/g, '{').replace(/%22/g, '"').replace(/%5B/g, '[');
  if (lower) e = e.replace(/%[0-9A-F]{2}/g, (x) => x.toLowerCase());
  return { value, text: `payload=${e}` };
});

describe('a request body, read once', () => {
  it('gives what Bolt gives for any form body, or fails where Bolt fails', () => {
    fc.assert(
      fc.property(body, (text) => {
        const req = request(text, 'application/x-www-form-urlencoded');
        expect(outcome(() => parseRequestBody(req))).toEqual(outcome(() => HTTPModuleFunctions.parseHTTPRequestBody(req)));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a click as Bolt does, less the blocks of its message or modal; a submission keeps its modal’s blocks', () => {
    fc.assert(
      fc.property(clickBody, ({ value, text }) => {
        const req = request(text, 'application/x-www-form-urlencoded');
        const read = parseRequestBody(req);
        expect(HTTPModuleFunctions.parseHTTPRequestBody(req)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(read).toEqual(unreadBlocks(JSON.parse(JSON.stringify(value))));
      }),
      { numRuns: 1000 },
    );
  });

  // Slack signs only what it sends, and sends only JSON; a damaged body is checked here so that
  // none makes the receiver throw, or read a click Bolt reads otherwise. A body Bolt cannot read
  // may still be read when the damage lies in what is cut, or throws the walk out of step: then it
  // is a click with its blocks cut, missing what the walk took for blocks, never anything else.
  it('reads a damaged click as Bolt does, or fails where Bolt fails, unless the damage lies in the blocks it cuts unread', () => {
    fc.assert(
      fc.property(clickBody, damage, fc.nat(), ({ text }, d, at) => {
        const where = 'payload='.length + (at % (text.length - 'payload='.length + 1));
        const req = request(`${text.slice(0, where)}${d}${text.slice(where)}`, 'application/x-www-form-urlencoded');
        const bolts = outcome(() => HTTPModuleFunctions.parseHTTPRequestBody(req));
        const ours = outcome(() => parseRequestBody(req));
        // A damage its own decoding refuses sends the body to Bolt's parse whole, blocks and all.
        if ('value' in bolts) expect([{ value: unreadBlocks(bolts.value) }, bolts]).toContainEqual(ours);
        else if ('value' in ours) {
          expect((ours.value as { type?: unknown }).type).toBe('block_actions');
          expect(unreadBlocks(ours.value)).toEqual(ours.value);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a click carrying a whole cart message, in Chinese and with markup, as Bolt does, less its blocks', () => {
    const click = { type: 'block_actions', actions: [{ action_id: 'add_task', value: '7:3' }], message: { ts: '1.2', blocks: Array.from({ length: 40 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `*任务 ${i}* 客户 <@U0X> & 100% done + "more" [x] {y} \\` } })) } };
    const req = request(`payload=${encodeURIComponent(JSON.stringify(click)).replace(/%20/g, '+')}`, 'application/x-www-form-urlencoded');
    expect(HTTPModuleFunctions.parseHTTPRequestBody(req)).toEqual(click);
    expect(parseRequestBody(req)).toEqual({ ...click, message: { ts: '1.2', blocks: [] } });
  });

  it('leaves JSON bodies (events) to Bolt', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ maxLength: 30 })), (text) => {
        const req = request(text, 'application/json');
        expect(outcome(() => parseRequestBody(req))).toEqual(outcome(() => HTTPModuleFunctions.parseHTTPRequestBody(req)));
      }),
    );
  });

  it('lets through and refuses what Bolt does: good, bad, missing and stale signatures, ssl_check, on any body', async () => {
    const now = Math.floor(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(body, fc.constantFrom('ssl_check=1&token=x', 'ssl_check=1&payload=%7B%7D', 'payload=%7B%7D&ssl_check=1')),
        fc.constantFrom('good', 'bad', 'none', 'stale', 'array'),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json'),
        async (text, signature, contentType) => {
          const ts = signature === 'stale' ? now - 600 : now;
          const headers: Record<string, unknown> = { 'x-slack-request-timestamp': String(ts) };
          if (signature === 'good' || signature === 'stale') headers['x-slack-signature'] = sign(text, ts);
          if (signature === 'bad') headers['x-slack-signature'] = sign(`${text} `, ts);
          if (signature === 'array') headers['x-slack-signature'] = [sign(text, ts)];
          const ours = await checked(() => verifiedRequest(request(text, contentType, headers as never) as never, SIGNING_SECRET));
          const bolts = await checked(() => HTTPModuleFunctions.parseAndVerifyHTTPRequest({ signingSecret: SIGNING_SECRET }, request(text, contentType, headers as never) as never));
          expect(ours).toEqual(bolts);
          if (signature === 'good' && !/ssl_check/.test(text)) expect(ours).toEqual({ body: text });
        },
      ),
      { numRuns: 1500 },
    );
  });
});
