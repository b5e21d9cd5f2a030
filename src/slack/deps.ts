import type { Database } from '../../db/client.ts';
import type { JsonLogger } from '../logger.ts';
import type { GuardTiming } from './guard.ts';
import type { Languages } from './language.ts';
import type { SlackWebClient } from './web-client.ts';

/** What listeners are given: the database, a logger, the clock (so tests can set the time), each person's language, the Web API client, and how long guard.ts waits. */
export interface Deps {
  /** Every listener's client (guard.ts hands it to them in place of Bolt's): see web-client.ts. */
  slack: SlackWebClient;
  database: Database;
  logger: JsonLogger;
  now: () => Date;
  languages: Languages;
  timing: Readonly<GuardTiming>;
}
