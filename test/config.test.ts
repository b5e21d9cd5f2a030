import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { CONNECTIONS_PER_WORKER, workersWithRoom } from '../src/cluster.ts';
import { LOCK_CONNECTIONS, POOL_MAX, QUEUE_CONNECTIONS } from '../db/client.ts';

const good = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'e0b7c1d2a3f4e5d6c7b8a9f0e1d2c3b4' };

describe('configuration', () => {
  it('WORKERS: one a core on PostgreSQL in HTTP mode; 1 on the embedded database and in Socket Mode; as set otherwise', () => {
    const pg = { ...good, DATABASE_URL: 'postgres://h/db' };
    expect(loadConfig(pg).WORKERS).toBe(availableParallelism());
    expect(loadConfig({ ...pg, WORKERS: '3' }).WORKERS).toBe(3);
    expect(loadConfig({ ...pg, SLACK_APP_TOKEN: 'xapp-1-A-1-x' }).WORKERS).toBe(1);
    expect(loadConfig({ ...good, WORKERS: '1' }).WORKERS).toBe(1);
    // Unset, the primary may start fewer (workersWithRoom); set, never.
    expect(loadConfig(pg).workersByDefault).toBe(true);
    expect(loadConfig({ ...pg, WORKERS: '3' }).workersByDefault).toBe(false);
    // Said with the other mistakes, all at once.
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: good.SLACK_SIGNING_SECRET, WORKERS: '2' })).toThrowError(/SLACK_BOT_TOKEN is missing.*\nWORKERS must be 1 on the embedded database/s);
  });

  it('WORKERS against PostgreSQL’s room: one a core where they fit; fewer, said once, where they do not; as set, with a warning', () => {
    // Each worker's pool, job queue and fan-outs' locks.
    expect(CONNECTIONS_PER_WORKER).toBe(POOL_MAX + QUEUE_CONNECTIONS + LOCK_CONNECTIONS);
    expect(CONNECTIONS_PER_WORKER).toBe(7);
    const server = { max: 100, free: 97 };
    expect(workersWithRoom(2, true, server)).toEqual({ workers: 2, warning: null });
    expect(workersWithRoom(13, false, server)).toEqual({ workers: 13, warning: null });
    // A 16-core host on a default PostgreSQL: 112 connections could be asked of 97.
    const big = workersWithRoom(16, true, server);
    expect(big.workers).toBe(13);
    expect(big.warning).toBe('WORKERS is unset, so one a core: 16 workers may hold 112 PostgreSQL connections (7 each) and the server takes 97 more now (max_connections 100); starting 13. Raise max_connections, or set WORKERS.');
    const asked = workersWithRoom(16, false, server);
    expect(asked.workers).toBe(16);
    expect(asked.warning).toMatch(/^WORKERS=16: .* so clicks could fail when all are busy\. Set WORKERS to 13 or fewer, or raise max_connections\.$/);
    // No room even for one: one all the same, and said.
    expect(workersWithRoom(4, true, { max: 100, free: 5 })).toMatchObject({ workers: 1, warning: expect.stringContaining('starting 1') });
  });

  it('takes defaults for everything optional', () => {
    expect(loadConfig(good)).toEqual({ ...good, PORT: 3000, DATA_DIR: './data', LOG_LEVEL: 'info', MIGRATE_ON_START: true, WORKERS: 1, workersByDefault: true });
  });

  it('reads every variable and ends SLACK_API_URL with a slash', () => {
    const c = loadConfig({
      ...good,
      SLACK_APP_TOKEN: 'xapp-1-A-1-x',
      PORT: '8080',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      DATA_DIR: '/var/lib/taskcart',
      SLACK_API_URL: 'http://127.0.0.1:4000/api',
      LOG_LEVEL: 'debug',
      MIGRATE_ON_START: 'false',
    });
    expect(c).toMatchObject({ PORT: 8080, SLACK_API_URL: 'http://127.0.0.1:4000/api/', LOG_LEVEL: 'debug', MIGRATE_ON_START: false });
  });

  it.each([
    [{ SLACK_SIGNING_SECRET: good.SLACK_SIGNING_SECRET }, /^SLACK_BOT_TOKEN is missing: the Bot User OAuth Token .* README/],
    [{ ...good, SLACK_BOT_TOKEN: 'xoxp-user-token' }, /^SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"/],
    [{ SLACK_BOT_TOKEN: good.SLACK_BOT_TOKEN }, /^SLACK_SIGNING_SECRET is missing: the Signing Secret from Basic Information/],
    [{ ...good, SLACK_SIGNING_SECRET: 'not hex!' }, /^SLACK_SIGNING_SECRET must be the hex Signing Secret/],
    [{ ...good, SLACK_APP_TOKEN: 'xoxb-wrong' }, /^SLACK_APP_TOKEN must be an app-level token starting with "xapp-"/],
    [{ ...good, PORT: 'eighty' }, /^PORT must be a port number/],
    [{ ...good, PORT: '70000' }, /^PORT must be between 1 and 65535/],
    [{ ...good, DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a PostgreSQL URL/],
    [{ ...good, SLACK_API_URL: 'not a url' }, /^SLACK_API_URL must be a URL/],
    [{ ...good, LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be debug, info, warn or error$/],
    [{ ...good, MIGRATE_ON_START: 'no' }, /^MIGRATE_ON_START must be true or false$/],
    [{ ...good, DATABASE_URL: 'postgres://h/db', WORKERS: 'two' }, /^WORKERS must be a whole number of processes/],
    [{ ...good, DATABASE_URL: 'postgres://h/db', WORKERS: '0' }, /^WORKERS must be 1 or more$/],
    [{ ...good, WORKERS: '2' }, /^WORKERS must be 1 on the embedded database, which one process uses at a time: .*set DATABASE_URL/],
    [{ ...good, DATABASE_URL: 'postgres://h/db', SLACK_APP_TOKEN: 'xapp-1-A-1-x', WORKERS: '3' }, /^WORKERS must be 1 in Socket Mode/],
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrowError(message);
  });

  it('lists every mistake at once, one line per variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user', PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split(' ')[0])).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'PORT', 'DATABASE_URL', 'LOG_LEVEL']);
    expect(error!.problems[1]).toMatch(/^SLACK_SIGNING_SECRET is missing: /);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...good, DATABASE_URL: '', SLACK_APP_TOKEN: '' }).DATABASE_URL).toBeUndefined();
  });
});
