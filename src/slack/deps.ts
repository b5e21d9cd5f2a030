import type { Database } from '../../db/client.ts';
import type { JsonLogger } from '../logger.ts';

/** What listeners are given: the database, a logger and the clock (so tests can set the time). */
export interface Deps {
  database: Database;
  logger: JsonLogger;
  now: () => Date;
}
