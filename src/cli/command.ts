// What a command of `npm run cli` is, and what every command gets: its parsed arguments, a way to
// print, and the database. A command is one file in src/cli/commands/ listed in src/cli/run.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LEAST_BUFFERS_MB, openDatabase, type Database } from '../../db/client.ts';
import { loadDbConfig } from '../config.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  /** The words that call it: `import`, `team set`. */
  name: string;
  /** One line for the list of commands. */
  summary: string;
  /** The whole `--help` text: synopsis, arguments, options, an example. */
  usage: string;
  /** Its options, as node:util parseArgs takes them (`--help` is added to every command). */
  options: Options;
  /** Resolves to the exit code: 0 done, 1 failed (the reason printed), 2 called wrongly. */
  run(args: Args, io: Io): Promise<number>;
}

export interface Args {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /**
   * The database of `env`, already open, to use instead of opening it (the command leaves it open):
   * a caller that runs many commands, as the tests do in their own process. A command's process opens its own.
   */
  database?: Database;
}

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** A failure whose message is written for the admin and safe to print as it is. */
export class CommandError extends Error {}

/** Parses a command's arguments strictly: an unknown option is a UsageError. */
export function parseCommandArgs(command: Command, argv: string[]): Args & { help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    const { help, ...rest } = values as Record<string, unknown>;
    return { values: rest as Args['values'], positionals, help: help === true };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw e;
    const option = /'([^' ]+)/.exec((e as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${option ?? ''}`.trim());
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const type = option ? command.options[option.replace(/^--?/, '')]?.type : undefined;
      throw new UsageError(type === 'boolean' ? `${option} takes no value` : `${option ?? 'an option'} needs a value`);
    }
    throw new UsageError((e as Error).message.split('.')[0] ?? 'bad arguments');
  }
}

/** The database of DATABASE_URL, or the embedded one in DATA_DIR; migrated. */
export async function withDatabase<T>(io: Io, work: (database: Database) => Promise<T>): Promise<T> {
  const config = loadDbConfig(io.env);
  if (io.database) return work(io.database);
  // The least buffer cache (db/client.ts sizes the bot's to its data): setting up PostgreSQL's default
  // 128 MB as the database starts took about 0.4 s of CPU of every command (2 × AMD EPYC, 2026-11-27),
  // and an import's memory about 120 MiB more, while a command reads or writes each page about once.
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, sharedBuffersMb: LEAST_BUFFERS_MB });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
