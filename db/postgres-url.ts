// DATABASE_URL as libpq reads it, for postgres.js, which reads less of it. Used to connect
// (db/client.ts) and to say where a connection failed (db/errors.ts).

/**
 * Where a DATABASE_URL points postgres.js. A server on the bot's own host is best reached through its
 * Unix socket, which libpq's URLs name in two ways postgres.js does not read: a `host` parameter,
 * `postgresql://taskcart@localhost/taskcart?host=/var/run/postgresql` (postgres.js would send it to
 * the server as a setting, which refuses it, as it would `port`), and a percent-encoded host,
 * `postgresql://taskcart@%2Fvar%2Frun%2Fpostgresql/taskcart`. A folder becomes the socket's path
 * (`<folder>/.s.PGSQL.<port>`, as libpq names it) and a `host` or `port` parameter the URL's own, as
 * libpq reads them; any other URL is as given. pg-boss's driver (pg) reads all of these itself.
 */
export interface PostgresTarget {
  url: string;
  /** The Unix socket, when the URL names one: its folder, its port, and the path postgres.js opens. */
  socket?: { folder: string; port: string; path: string };
}

export function postgresTarget(url: string): PostgresTarget {
  let parsed: URL;
  try {
    // libpq allows an empty host beside a user (`postgresql://me@/db?host=…`); WHATWG URLs do not.
    parsed = new URL(url.replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)(?=[/?#]|$)/, '$1localhost'));
  } catch {
    return { url };
  }
  const query = parsed.searchParams;
  const host = query.get('host') || decodeURIComponent(parsed.hostname);
  const port = query.get('port') || parsed.port;
  if (!query.has('host') && !query.has('port') && !host.startsWith('/')) return { url };
  query.delete('host');
  query.delete('port');
  if (!host.startsWith('/')) {
    parsed.hostname = host;
    parsed.port = port;
    return { url: parsed.toString() };
  }
  parsed.hostname = 'localhost';
  parsed.port = '';
  const folder = host.replace(/\/+$/, '');
  const socketPort = port || '5432';
  return { url: parsed.toString(), socket: { folder, port: socketPort, path: `${folder}/.s.PGSQL.${socketPort}` } };
}
