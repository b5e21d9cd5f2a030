// DATABASE_URLs written as libpq reads them, for postgres.js: a Unix socket's folder (as a `host`
// parameter or a percent-encoded host) and `host` / `port` parameters. The bot started on such a URL
// is in test/process/migrations.test.ts.
import { describe, expect, it } from 'vitest';
import { explainDatabaseError, isConnectionError } from '../../db/errors.ts';
import { postgresTarget } from '../../db/postgres-url.ts';

describe('postgresTarget', () => {
  it('leaves a plain URL as it is, its settings too', () => {
    for (const url of ['postgres://postgres@127.0.0.1:5432/test', 'postgresql://me:s%40cret@db.example.com/taskcart?sslmode=require', 'postgres://a:5432,b:5433/db'])
      expect(postgresTarget(url)).toEqual({ url });
  });

  it('a socket folder in a host parameter: the socket path, the other settings kept', () => {
    expect(postgresTarget('postgresql://taskcart@localhost/taskcart?host=/var/run/postgresql')).toEqual({ url: 'postgresql://taskcart@localhost/taskcart', socket: { folder: '/var/run/postgresql', port: '5432', path: '/var/run/postgresql/.s.PGSQL.5432' } });
    expect(postgresTarget('postgres://me:p%40ss@/db?host=/run/pg/&sslmode=disable&port=5433')).toEqual({ url: 'postgres://me:p%40ss@localhost/db?sslmode=disable', socket: { folder: '/run/pg', port: '5433', path: '/run/pg/.s.PGSQL.5433' } });
    expect(postgresTarget('postgresql:///taskcart?host=/tmp')).toEqual({ url: 'postgresql://localhost/taskcart', socket: { folder: '/tmp', port: '5432', path: '/tmp/.s.PGSQL.5432' } });
  });

  it('a socket folder as a percent-encoded host, with its port', () => {
    expect(postgresTarget('postgresql://taskcart@%2Fvar%2Frun%2Fpostgresql:5433/taskcart')).toEqual({ url: 'postgresql://taskcart@localhost/taskcart', socket: { folder: '/var/run/postgresql', port: '5433', path: '/var/run/postgresql/.s.PGSQL.5433' } });
  });

  it('host and port parameters naming a server become the URL’s own', () => {
    expect(postgresTarget('postgres://me@localhost/db?host=db.example.com&port=6543&application_name=cart')).toEqual({ url: 'postgres://me@db.example.com:6543/db?application_name=cart' });
  });

  it('what is not a URL is left for the driver to refuse', () => {
    expect(postgresTarget('postgres://[bad')).toEqual({ url: 'postgres://[bad' });
  });
});

describe('a connection through a Unix socket that fails, said for a person', () => {
  const url = 'postgresql://taskcart@localhost/taskcart?host=/var/run/postgresql';
  const missingSocket = Object.assign(new Error('connect ENOENT /var/run/postgresql/.s.PGSQL.5432'), { code: 'ENOENT', syscall: 'connect' });

  it('no socket there: which path, and what to fix', () => {
    expect(explainDatabaseError(missingSocket, { url })).toBe(
      'there is no PostgreSQL socket at /var/run/postgresql/.s.PGSQL.5432: start PostgreSQL, or fix the socket folder (host) and port in DATABASE_URL',
    );
    expect(isConnectionError(missingSocket)).toBe(true);
  });

  it('a missing file elsewhere is not a lost database', () => {
    const missingFile = Object.assign(new Error('ENOENT: no such file or directory, open'), { code: 'ENOENT', syscall: 'open' });
    expect(isConnectionError(missingFile)).toBe(false);
    expect(explainDatabaseError(missingFile, { url })).toBeNull();
  });

  it('a missing database: createdb with the socket folder as its host', () => {
    expect(explainDatabaseError(Object.assign(new Error('database "taskcart" does not exist'), { code: '3D000' }), { url: 'postgres://taskcart@%2Frun%2Fpg:5433/taskcart' })).toBe(
      'the database "taskcart" does not exist on the socket /run/pg/.s.PGSQL.5433: create it (createdb -h /run/pg -p 5433 -U taskcart taskcart) or fix the database name in DATABASE_URL',
    );
  });
});
