// Log lines are data: fields, errors as a field with their stack, and never a secret.
import { describe, expect, it } from 'vitest';
import { LogLevel } from '@slack/bolt';
import { createLogger, inLogScope, secretsOf, type LogScope } from '../../src/logger.ts';

const TOKEN = 'xoxb-1111111111-2222222222-abcdefABCDEF123456';
const APP_TOKEN = 'xapp-1-A0000000-0000000000-feedfacefeedface';
const SIGNING = '8f742231b10e8888abcd99yyyzzz85a5';
const DB_URL = 'postgres://taskcart:s3cr%40t-pw@db.internal:5432/taskcart';

function capture(level = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, secrets: secretsOf({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SIGNING, SLACK_APP_TOKEN: APP_TOKEN, DATABASE_URL: DB_URL }), write: (l) => lines.push(l) });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

describe('the logger', () => {
  it('writes one JSON line per call, with the message and the fields apart', () => {
    const { logger, parsed } = capture();
    logger.info('proposal sent', { team: 'Shanghai Care', sent: 12 });
    logger.warn('plain text');
    const [a, b] = parsed();
    expect(a).toMatchObject({ level: 'info', msg: 'proposal sent', team: 'Shanghai Care', sent: 12, pid: process.pid });
    expect(typeof a!.time).toBe('string');
    expect(b).toMatchObject({ level: 'warn', msg: 'plain text' });
  });

  it('puts an error in the err field with its type, stack and cause; the message stays the caller’s', () => {
    const { logger, parsed } = capture();
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    logger.error('digest failed', new Error('could not post', { cause }), { team: 'T' });
    const [line] = parsed();
    expect(line).toMatchObject({ level: 'error', msg: 'digest failed', team: 'T' });
    expect(line!.err).toMatchObject({ type: 'Error', message: 'could not post', cause: { message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED' } });
    expect(line!.err.stack).toMatch(/^Error: could not post\n\s+at /);
  });

  it('drops the SQL text and parameters drizzle puts in a failed query’s message', () => {
    const { logger, lines, parsed } = capture();
    const e = new Error('Failed query: insert into customers (name, phone) values ($1, $2)\nparams: Wang Wei,+86 138 0013 8000');
    e.name = 'DrizzleQueryError';
    Object.assign(e, { cause: Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021', detail: 'row (Wang Wei, +86 138 0013 8000)' }) });
    logger.error('import failed', e);
    expect(lines.join('\n')).not.toMatch(/insert into|138 0013|Wang Wei/);
    expect(parsed()[0]!.err).toMatchObject({ type: 'DrizzleQueryError', message: 'database query failed', cause: { code: '22021' } });
  });

  it('masks tokens, the signing secret and database passwords in messages, fields and errors', () => {
    const { logger, lines } = capture();
    logger.info(`token ${TOKEN} and ${APP_TOKEN}`, { url: DB_URL, nested: { secret: SIGNING, list: [`Bearer ${TOKEN}`] }, token: 'anything' });
    logger.error('boom', new Error(`connect to ${DB_URL} with ${SIGNING} failed; another user token xoxp-9-9-9-abc`));
    logger.warn('other URL', { url: 'postgresql://admin:hunter22@10.0.0.1/db' });
    const all = lines.join('\n');
    for (const secret of [TOKEN, APP_TOKEN, SIGNING, 's3cr%40t-pw', 's3cr@t-pw', 'hunter22', 'xoxp-9-9-9-abc', 'anything']) expect(all).not.toContain(secret);
    // What is left still says what it was.
    expect(all).toContain('xoxb-…redacted');
    expect(all).toContain('postgres://taskcart:…redacted@db.internal:5432/taskcart');
  });

  it("masks the password of a URL naming a Unix socket as libpq does, where the password shows alone", () => {
    const url = 'postgresql://taskcart:pl41n-s0cket@/taskcart?host=/var/run/postgresql';
    const lines: string[] = [];
    const logger = createLogger({ secrets: secretsOf({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SIGNING, DATABASE_URL: url }), write: (l) => lines.push(l) });
    logger.warn('the server said', { detail: 'password pl41n-s0cket refused' });
    expect(lines.join('\n')).not.toContain('pl41n-s0cket');
  });

  it('is Bolt’s Logger: levels can be read and set, and a name set by Bolt changes nothing', () => {
    const { logger, lines } = capture('info');
    expect(logger.getLevel()).toBe(LogLevel.INFO);
    logger.debug('hidden');
    logger.setLevel(LogLevel.DEBUG);
    logger.setName('web-api:WebClient:0');
    logger.debug('shown', 'and', 42);
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: 'debug', msg: 'shown and 42' })]);
    expect(lines[0]).not.toContain('web-api');
  });

  it('children carry their fields; lines inside a scope carry the scope’s, and errors are counted', () => {
    const { logger, parsed } = capture();
    const scope: LogScope = { fields: { user: 'U0AGENT1' }, errors: 0 };
    inLogScope(scope, () => {
      logger.child({ job: 'digest' }).info('started');
      logger.error('failed', new Error('x'));
    });
    logger.info('outside');
    expect(parsed().map((l) => [l.msg, l.user, l.job])).toEqual([
      ['started', 'U0AGENT1', 'digest'],
      ['failed', 'U0AGENT1', undefined],
      ['outside', undefined, undefined],
    ]);
    expect(scope.errors).toBe(1);
  });
});
