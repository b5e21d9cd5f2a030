import type { Database } from '../../db/client.ts';
import type { JsonLogger } from '../logger.ts';
import type { Languages } from './language.ts';
import type { SlackWebClient } from './web-client.ts';

/**
 * guard.ts's two waits: the ack's budget (ACK_BUDGET_MS) and the wait before "not done yet"
 * (SLOW_MS). The bot always runs with GUARD_TIMING; the outage tests give their app shorter ones,
 * so that they do not spend most of their time waiting for the clock.
 */
export interface GuardTiming {
  ackBudgetMs: number;
  slowMs: number;
}

/** What listeners are given: the database, a logger, the clock (so tests can set the time), each person's language, the Web API client, how long guard.ts waits and whether the database answers. */
export interface Deps {
  /** Every listener's client (guard.ts hands it to them in place of Bolt's): see web-client.ts. */
  slack: SlackWebClient;
  database: Database;
  logger: JsonLogger;
  now: () => Date;
  languages: Languages;
  timing: Readonly<GuardTiming>;
  /**
   * Whether the database answers a ping now (within a second, whatever it does: health.ts). guard.ts
   * asks before telling a person their work waits on the database: it may be waiting on Slack instead.
   */
  databaseAnswers: () => Promise<boolean>;
}
