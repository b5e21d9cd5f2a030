// `npm run cli -- <command>`: the admin's command line (run.ts), in a process of its own: the .env
// read first, each line to stdout or stderr, the exit code the process's.
import '../load-env.ts';
import type { Io } from './command.ts';
import { failure, runCli } from './run.ts';

const io: Io = { out: (line) => console.log(line), err: (line) => console.error(line), env: process.env };
runCli(process.argv.slice(2), io).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(failure(e));
    process.exit(1);
  },
);
