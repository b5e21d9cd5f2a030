// `npm run db:migrate`: applies pending migrations and exits, for those who migrate as a step of
// their deployment (then the bot runs with MIGRATE_ON_START=false). Safe beside running bots and
// other migrators: migrations take PostgreSQL's advisory lock.
import { openDatabase } from '../db/client.ts';
import { causeOf, explainDatabaseError } from '../db/errors.ts';
import { ConfigError, loadDbConfig } from './config.ts';
import { EnvFileError, loadEnvFile } from './env.ts';

async function main(): Promise<number> {
  let config;
  try {
    loadEnvFile();
    config = loadDbConfig(process.env);
  } catch (e) {
    if (!(e instanceof ConfigError || e instanceof EnvFileError)) throw e;
    for (const line of e instanceof ConfigError ? e.problems : [e.message]) console.error(`cannot migrate: ${line}`);
    return 1;
  }
  const started = Date.now();
  try {
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, migrate: true });
    await database.close();
  } catch (e) {
    console.error(`cannot migrate: ${explainDatabaseError(e, { url: config.DATABASE_URL, dataDir: config.DATA_DIR }) ?? `unexpected error (${causeOf(e)})`}`);
    return 1;
  }
  console.log(`${config.DATABASE_URL ? 'PostgreSQL' : `embedded database in ${config.DATA_DIR}`}: migrations applied (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}

main().then((code) => process.exit(code));
