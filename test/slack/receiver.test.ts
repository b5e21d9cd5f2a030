// A request's body is read as Bolt reads it: the receiver decodes a click's `payload=` with the
// runtime's decoder (src/slack/receiver.ts parseRequestBody), and must give what Bolt's own parse
// gives for any body Slack — or anyone else — could send, or fail where it fails.
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

  it('reads a click carrying a whole cart message, in Chinese and with markup, as Bolt does', () => {
    const click = { type: 'block_actions', message: { blocks: Array.from({ length: 40 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `*任务 ${i}* 客户 <@U0X> & 100% done + more` } })) } };
    const req = request(`payload=${encodeURIComponent(JSON.stringify(click)).replace(/%20/g, '+')}`, 'application/x-www-form-urlencoded');
    expect(parseRequestBody(req)).toEqual(click);
    expect(parseRequestBody(req)).toEqual(HTTPModuleFunctions.parseHTTPRequestBody(req));
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
