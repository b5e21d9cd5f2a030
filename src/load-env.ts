// Imported first by the command line, for its side effect: reads `.env` as src/env.ts says
// (a TASKCART_ENV_FILE that cannot be read stops it with one line).
import { EnvFileError, loadEnvFile } from './env.ts';

try {
  loadEnvFile();
} catch (e) {
  if (!(e instanceof EnvFileError)) throw e;
  console.error(e.message);
  process.exit(1);
}
