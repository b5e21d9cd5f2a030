// Configuration from the environment, validated once at start-up. Bad values stop the bot with
// one line per variable, all of them at once, each naming the variable and where to get it.
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const SETUP = 'see "Create the Slack app" in README.md';

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: `is missing: the Bot User OAuth Token (xoxb-…) from OAuth & Permissions; ${SETUP}` })
    .regex(/^xoxb-/, `must be a bot token starting with "xoxb-" (OAuth & Permissions); ${SETUP}`),
  SLACK_SIGNING_SECRET: z
    .string({ error: `is missing: the Signing Secret from Basic Information → App Credentials; ${SETUP}` })
    .regex(/^[0-9a-f]{16,}$/i, `must be the hex Signing Secret from Basic Information → App Credentials; ${SETUP}`),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, `must be an app-level token starting with "xapp-" with connections:write; ${SETUP}`)
    .optional(),
  PORT: z.coerce
    .number({ error: 'must be a port number, e.g. 3000' })
    .int('must be a whole port number, e.g. 3000')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL like postgres://user@host:5432/db (or unset for the embedded database)')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SLACK_API_URL: z
    .url({ error: 'must be a URL such as http://127.0.0.1:4000/api/ (or unset to reach Slack)' })
    .optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { error: 'must be debug, info, warn or error' }).default('info'),
  // HTTP mode on PostgreSQL: how many processes share the port (default: one a core). See workersOf().
  WORKERS: z.coerce
    .number({ error: 'must be a whole number of processes, e.g. 2' })
    .int('must be a whole number of processes, e.g. 2')
    .min(1, 'must be 1 or more')
    .max(64, 'must be 64 or fewer')
    .optional(),
  // Off when migrations run as their own step (npm run db:migrate) before the bot starts.
  MIGRATE_ON_START: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
});

export type Config = Omit<z.infer<typeof schema>, 'WORKERS'> & {
  /** Bot processes sharing the port: 1 on the embedded database and in Socket Mode. */
  WORKERS: number;
  /** True when WORKERS was not set (one a core): src/cluster.ts starts fewer where PostgreSQL has no room for them. */
  workersByDefault?: boolean;
};

const dbSchema = schema.pick({ DATABASE_URL: true, DATA_DIR: true, LOG_LEVEL: true });
export type DbConfig = z.infer<typeof dbSchema>;
const jobSchema = schema.pick({ DATABASE_URL: true, DATA_DIR: true, LOG_LEVEL: true, SLACK_BOT_TOKEN: true, SLACK_API_URL: true });
export type JobConfig = z.infer<typeof jobSchema>;

/** What the command line's Slack jobs need: the database and the bot token. */
export function loadJobConfig(env: NodeJS.ProcessEnv): JobConfig {
  const config = validate(jobSchema, env);
  if (config.SLACK_API_URL && !config.SLACK_API_URL.endsWith('/')) config.SLACK_API_URL += '/';
  return config;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** One line per variable that is wrong, e.g. `PORT must be a port number, e.g. 3000`. */
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** Empty strings count as unset, as they do in most `.env` files. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  let parsed;
  const conflict = workersConflict(env);
  try {
    parsed = validate(schema, env);
  } catch (e) {
    if (e instanceof ConfigError && conflict) throw new ConfigError([...e.problems, conflict]);
    throw e;
  }
  if (conflict) throw new ConfigError([conflict]);
  const config: Config = { ...parsed, WORKERS: workersOf(parsed), workersByDefault: parsed.WORKERS === undefined };
  // The Web API client joins method names onto this URL, so it must end in a slash.
  if (config.SLACK_API_URL && !config.SLACK_API_URL.endsWith('/')) config.SLACK_API_URL += '/';
  return config;
}

/**
 * Several processes share one port in HTTP mode on PostgreSQL; unset, one a core. The embedded
 * database is one process's (its data folder is locked), and Socket Mode runs one connection: 1.
 */
function workersOf(c: z.infer<typeof schema>): number {
  if (!c.DATABASE_URL || c.SLACK_APP_TOKEN) return 1;
  return c.WORKERS ?? availableParallelism();
}

/** WORKERS above 1 where one process is all there can be: said as a mistake, not silently ignored. */
function workersConflict(env: NodeJS.ProcessEnv): string | null {
  const n = Number(env.WORKERS);
  if (!env.WORKERS || !Number.isInteger(n) || n <= 1) return null;
  if (env.SLACK_APP_TOKEN) return 'WORKERS must be 1 in Socket Mode (SLACK_APP_TOKEN is set): several processes serve HTTP mode; unset WORKERS, or SLACK_APP_TOKEN to use HTTP mode';
  if (!env.DATABASE_URL) return 'WORKERS must be 1 on the embedded database, which one process uses at a time: unset WORKERS, or set DATABASE_URL to a PostgreSQL to run several processes';
  return null;
}

/** What the command line needs: the database only. */
export function loadDbConfig(env: NodeJS.ProcessEnv): DbConfig {
  return validate(dbSchema, env);
}

function validate<T extends z.ZodType>(s: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = s.safeParse(cleaned);
  if (!parsed.success) {
    // One line per variable: zod can report several issues for one value.
    const byVariable = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      if (!byVariable.has(name)) byVariable.set(name, `${name} ${issue.message}`);
    }
    throw new ConfigError([...byVariable.values()]);
  }
  return parsed.data;
}
