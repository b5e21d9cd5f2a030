// What the PostgreSQL server allows: how many more connections it takes now, for this role on this
// database (src/cluster.ts sizes WORKERS by it).
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../client.ts';

export interface ConnectionRoom {
  /** The server's max_connections. */
  max: number;
  /** How many more connections this role may make to this database now, the asker's own counted as free. */
  free: number;
}

/**
 * The least of three rooms, each counting the connections open now but the asker's: the server's
 * max_connections less those kept for superusers (and, from PostgreSQL 16, reserved_connections);
 * the database's CONNECTION LIMIT and the role's, where set and where they bind (not on a superuser).
 */
export async function connectionRoom(db: Db): Promise<ConnectionRoom> {
  const [row] = await rowsOf<ConnectionRoom>(
    db,
    sql`with clients as (select datname, usename from pg_stat_activity where backend_type = 'client backend'),
      me as (select d.datconnlimit, r.rolconnlimit, r.rolsuper from pg_database d, pg_roles r where d.datname = current_database() and r.rolname = current_user)
    select current_setting('max_connections')::int as max,
      least(
        current_setting('max_connections')::int
          - current_setting('superuser_reserved_connections')::int
          - coalesce(nullif(current_setting('reserved_connections', true), '')::int, 0)
          - (select count(*)::int from clients),
        case when me.datconnlimit >= 0 and not me.rolsuper then me.datconnlimit - (select count(*)::int from clients where datname = current_database()) end,
        case when me.rolconnlimit >= 0 and not me.rolsuper then me.rolconnlimit - (select count(*)::int from clients where usename = current_user) end
      ) + 1 as free
    from me`,
  );
  return row!;
}
