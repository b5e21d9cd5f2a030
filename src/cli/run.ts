// The admin's command line, apart from the process it runs in (index.ts): the arguments in, the
// exit code out, every line through `io`. Each command is one file in ./commands exporting a
// Command (name, summary, usage, options, run); to add one, write the file and list it in COMMANDS
// below: `--help`, strict options and safe error messages come with it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseError, describeDatabaseError, explainDatabaseError, isDatabaseError } from '../../db/errors.ts';
import { ConfigError } from '../config.ts';
import { CommandError, UsageError, parseCommandArgs, type Command, type Io } from './command.ts';
import { demoCommand } from './commands/demo.ts';
import { digestCommand } from './commands/digest.ts';
import { exportTasksCommand } from './commands/export.ts';
import { importCommand } from './commands/import.ts';
import { proposeCommand } from './commands/propose.ts';
import { remindCommand } from './commands/remind.ts';
import { teamSetCommand, teamShowCommand } from './commands/team.ts';

const COMMANDS: Command[] = [importCommand, demoCommand, proposeCommand, digestCommand, remindCommand, teamSetCommand, teamShowCommand, exportTasksCommand];

/** The project's version, from the first package.json up from this module (the repository's, from src/cli or dist/). */
function version(): string {
  for (let dir = fileURLToPath(new URL('.', import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return 'unknown';
  }
}

function overview(commands = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.usage.split('\n')[0]!.replace(/^npm run cli -- /, '').length)) + 3;
  return [
    'Task Cart command line: npm run cli -- <command> [options]',
    '',
    ...commands.map((c) => `  ${c.usage.split('\n')[0]!.replace(/^npm run cli -- /, '').padEnd(width)}${c.summary}`),
    '',
    'npm run cli -- <command> --help shows a command\'s options; npm run cli -- --version the version.',
    'Uses DATABASE_URL, or the embedded database in DATA_DIR (default ./data). See docs/import.md and docs/settings.md.',
  ].join('\n');
}

/** The command whose words start argv: `team set …` before `team …`. */
function find(argv: string[]): Command | undefined {
  return [...COMMANDS]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((word, i) => argv[i] === word));
}

/** What a failure may say: configuration and our own messages as they are; a database error by its kind only. */
export function failure(e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (e instanceof ConfigError) return `Configuration: ${e.message}`;
  if (e instanceof CommandError) return e.message;
  if (e instanceof DatabaseError) return `Failed: ${e.message}`;
  // What a person can fix (no such database, refused connection, wrong password) with what to do; otherwise the kind of failure.
  if (isDatabaseError(e)) return `Failed: ${explainDatabaseError(e, { url: env.DATABASE_URL }) ?? describeDatabaseError(e)}`;
  const error = e instanceof Error ? e : new Error(String(e));
  return `Failed: ${error.name}: ${error.message.split('\n')[0]!.slice(0, 300)}`;
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  const [first = ''] = argv;
  if (first === '--version' || first === '-v') {
    io.out(`task-cart ${version()}`);
    return 0;
  }
  const command = find(argv);
  if (!command) {
    if (!first || ['--help', '-h', 'help'].includes(first)) {
      (first ? io.out : io.err)(overview());
      return first ? 0 : 2;
    }
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length) {
      const help = argv.includes('--help') || argv.includes('-h');
      const said = argv[1] && !argv[1].startsWith('-') ? `unknown command "${first} ${argv[1]}"; ` : '';
      (help ? io.out : io.err)(`${help ? '' : `${said}${first} takes one of:\n\n`}${overview(group)}`);
      return help ? 0 : 2;
    }
    io.err(`unknown command "${first}"\n\n${overview()}`);
    return 2;
  }
  try {
    const args = parseCommandArgs(command, argv.slice(command.name.split(' ').length));
    if (args.help) {
      io.out(command.usage);
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n\n${command.usage}`);
      return 2;
    }
    io.err(failure(e, io.env));
    return 1;
  }
}
