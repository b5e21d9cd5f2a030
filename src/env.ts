// The `.env` file of the commands a person runs (the bot, the command line, db:migrate): `.env` in
// the working directory when there is one, or the file TASKCART_ENV_FILE names. TASKCART_ENV_FILE=none
// reads no file: the tests run with it, so that a developer's filled `.env` never reaches a test.
// Values already in the environment win over the file's.
import { existsSync } from 'node:fs';

export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): void {
  const chosen = env.TASKCART_ENV_FILE;
  if (chosen === 'none') return;
  const path = chosen || '.env';
  if (!chosen && !existsSync(path)) return;
  try {
    process.loadEnvFile(path);
  } catch (e) {
    throw new EnvFileError(`TASKCART_ENV_FILE names ${path}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): fix the path, or set TASKCART_ENV_FILE=none`);
  }
}

export class EnvFileError extends Error {
  override name = 'EnvFileError';
}
