// `npm start` (node dist/src/main.js): read the configuration, open (and migrate) the database,
// check the token with Slack, listen, start the scheduler. A start-up failure is one line on
// stderr saying what is wrong and what to do, and exit code 1.
// SIGTERM and SIGINT take one path: stop accepting, let requests in flight and running jobs end,
// close the database, exit 0 — within 10 s (past 9.5 s it says so and exits 1).
import { openDatabase, type Database } from '../db/client.ts';
import { causeOf } from '../db/errors.ts';
import type { TaskCartApp } from './app.ts';
import { identityFromPrimary, isWorker, runPrimary, sayReady, workerPeers } from './cluster.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { EnvFileError, loadEnvFile } from './env.ts';
import type { Scheduler } from './jobs/scheduler.ts';
import { checkSlack, type SlackIdentity } from './slack/connect.ts';
import { createLogger, redact, secretsOf } from './logger.ts';
import { explainStartupError, sayCannotStart } from './startup.ts';

/**
 * Budget of a shutdown: requests in flight and running jobs side by side, then the database; the
 * steps' budgets add up to 8 s, well inside the deadline even on a busy machine.
 */
const DRAIN_MS = 5_000;
const JOBS_MS = 5_000;
/** A PostgreSQL server's connections get this long to close, then the bot exits anyway (the server keeps the data). */
const CLOSE_MS = 3_000;
const DEADLINE_MS = 9_500;
/** The solver's warm-up pauses this long after each of its carts, for a request that came in meanwhile to start. */
const WARM_UP_PAUSE_MS = 10;

class Stopping extends Error {}
class StartFailed extends Error {
  constructor(readonly errors: unknown[]) {
    super('start-up failed');
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    loadEnvFile();
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) sayCannotStart(e.problems);
    else if (e instanceof EnvFileError) sayCannotStart([e.message]);
    else throw e;
    process.exit(1);
  }
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: secretsOf(config) });
  // Several processes on one port (src/cluster.ts): this one checks, migrates and forks them.
  if (config.WORKERS > 1 && !isWorker()) return runPrimary(config, logger);
  // What serves requests and runs jobs, loaded here and not by the primary above (Bolt, the job
  // queue, the views: 0.4 s of CPU and some 30 MB it never used).
  const [{ createApp }, { startScheduler }, { followPeers }, { loadSolver, warmUp, WARM_UP_AFTER_MS }] = await Promise.all([
    import('./app.ts'),
    import('./jobs/scheduler.ts'),
    import('./services/cart-peers.ts'),
    import('./services/solver.ts'),
  ]);
  // A worker: the primary migrated the database and asked Slack who the bot is.
  const fromPrimary = identityFromPrimary();

  let database: Database | undefined;
  let bot: TaskCartApp | undefined;
  let listening = false;
  let scheduler: Scheduler | undefined;

  // The one way down, for a signal and for a failed start alike.
  const close = async () => {
    const requests = async () => {
      if (!bot || !listening) return;
      const left = await bot.stop(DRAIN_MS);
      if (left) logger.warn(`${left} request(s) still running after ${DRAIN_MS / 1000} s: stopping anyway`);
    };
    await Promise.all([requests(), scheduler?.stop(JOBS_MS)]);
    bot?.health.stop();
    if (database?.kind === 'postgres') {
      const closing = database.close().then(() => true);
      const closed = await Promise.race([closing, new Promise<false>((r) => setTimeout(() => r(false), CLOSE_MS).unref())]);
      if (!closed) logger.warn(`the database connections did not close within ${CLOSE_MS / 1000} s: exiting anyway`);
    } else {
      // The embedded database writes its folder as it closes: never cut short but by the deadline.
      await database?.close();
    }
  };

  // A signal during start-up is acted on when the step under way ends (a half-opened embedded
  // database must not be left as it is).
  let starting = true;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    if (!starting) void stop();
  };
  const stop = () => {
    setTimeout(() => {
      logger.error(`shutdown took longer than ${DEADLINE_MS / 1000} s: exiting anyway`);
      process.exit(1);
    }, DEADLINE_MS).unref();
    return close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (e: unknown) => {
        logger.error('shutdown failed', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A worker whose primary is gone (killed) gets no more requests: it stops.
  if (isWorker()) process.on('disconnect', () => shutdown('primary gone'));
  const goOn = () => {
    if (stopping) throw new Stopping();
  };

  try {
    // The database and Slack are checked side by side: a failed start says everything wrong at once.
    const [opened, slack] = await Promise.allSettled([
      openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, migrate: fromPrimary ? false : config.MIGRATE_ON_START ? true : 'check' }),
      fromPrimary ?? checkSlack(config, logger),
    ]);
    if (opened.status === 'fulfilled') database = opened.value;
    const failed = [opened, slack].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length) throw new StartFailed(failed);
    goOn();
    const migrations = config.MIGRATE_ON_START ? 'migrations applied' : 'migrations checked';
    if (!fromPrimary) logger.info(config.DATABASE_URL ? `database: PostgreSQL, ${migrations}` : `database: embedded in ${config.DATA_DIR}, ${migrations}`);
    // Loaded before listening; warmed up once the bot is up (below).
    const solver = await loadSolver();
    logger.info(solver ? 'auto-balance: HiGHS loaded' : 'auto-balance: HiGHS did not load; local search alone');
    goOn();
    bot = createApp(config, database!, logger);
    // Workers of one primary follow each other's cart changes in the carts they keep.
    if (isWorker()) {
      const peers = workerPeers((problem) => logger.warn(problem));
      if (peers) followPeers(database!.db, peers, (change, outcome) => logger.debug(`cart ${change.cartId} version ${change.cart.version}, saved by another worker: ${outcome}`));
    }
    bot.health.start();
    await bot.start((slack as PromiseFulfilledResult<SlackIdentity>).value);
    listening = true;
    goOn();
    scheduler = await startScheduler({ database: database!, client: bot.deps.slack, logger, health: bot.health });
    goOn();
    logger.info('scheduler started: weekly proposals and digests at each team’s local times');
    starting = false;
    if (isWorker()) sayReady();
    // The solver's warm-up (about 2 s of CPU) runs once the bot has served for a while rather than
    // before it listens: a restart answers sooner, and an auto-balance in its first seconds is
    // slower, never different.
    if (solver) {
      const serving = bot;
      // After each of its carts, the warm-up lets a click that came in meanwhile start, then waits
      // until no request is in flight: a click waits for one cart's solve at most (a few hundred ms
      // before V8 has optimised the solver), where it waited behind the warm-up's every turn, for
      // 2.5–3.7 s, when it came in as the warm-up began (2 × Intel Xeon, 2026-11-28).
      const between = async () => {
        await new Promise((resolve) => setTimeout(resolve, WARM_UP_PAUSE_MS));
        await serving.quiet();
      };
      const warm = () => {
        if (stopping) return;
        const began = performance.now();
        warmUp(solver, { between }).then(
          () => logger.info('auto-balance: HiGHS warmed up', { ms: Math.round(performance.now() - began) }),
          (e: unknown) => logger.warn('auto-balance: the warm-up failed', e),
        );
      };
      setTimeout(warm, WARM_UP_AFTER_MS).unref();
    }
  } catch (e) {
    starting = false;
    if (e instanceof Stopping || stopping) {
      await stop();
      return;
    }
    const lines = (e instanceof StartFailed ? e.errors : [e]).map((error) => {
      const line = explainStartupError(error, config);
      if (!line) logger.error('start-up failed', error);
      return line ?? `unexpected error (${redact(causeOf(error), secretsOf(config))}): the log has the details`;
    });
    sayCannotStart(lines);
    stopping = true;
    await Promise.race([close().catch(() => {}), new Promise((r) => setTimeout(r, 3_000))]);
    process.exit(1);
  }
}

void main();
