// `npm start`: validate the configuration, open and migrate the database, start the bot.
import 'dotenv/config';
import { openDatabase } from '../db/client.ts';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startScheduler, type Scheduler } from './jobs/scheduler.ts';
import { createLogger } from './logger.ts';
import { loadSolver, warmUp } from './services/solver.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Task Cart cannot start: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    secrets: [config.SLACK_BOT_TOKEN, config.SLACK_SIGNING_SECRET, config.SLACK_APP_TOKEN ?? '', config.DATABASE_URL ?? ''],
  });
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  logger.info(config.DATABASE_URL ? 'database: PostgreSQL, migrations applied' : `database: embedded in ${config.DATA_DIR}, migrations applied`);
  // Loaded and warmed up now, so the first agents' clicks are as quick as the rest.
  const solver = await loadSolver();
  if (solver) await warmUp(solver);
  logger.info(solver ? 'auto-balance: HiGHS loaded' : 'auto-balance: HiGHS did not load; local search alone');
  const bot = createApp(config, database, logger);
  let scheduler: Scheduler | undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    try {
      await scheduler?.stop();
      await bot.stop();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    await bot.start();
    scheduler = await startScheduler({ database, databaseUrl: config.DATABASE_URL, client: bot.app.client, logger });
    logger.info('scheduler started: weekly proposals and digests at each team’s local times');
  } catch (e) {
    const code = (e as { data?: { error?: string } }).data?.error;
    logger.error(code ? `Slack refused the bot token (${code}): check SLACK_BOT_TOKEN; see README.md` : 'start-up failed', code ? '' : e);
    await database.close();
    process.exit(1);
  }
}

void main();
