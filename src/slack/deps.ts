import type { Database } from '../../db/client.ts';
import type { JsonLogger } from '../logger.ts';
import type { Languages } from './language.ts';

/** What listeners are given: the database, a logger, the clock (so tests can set the time), and each person's language. */
export interface Deps {
  database: Database;
  logger: JsonLogger;
  now: () => Date;
  languages: Languages;
}
