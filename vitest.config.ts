import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { WaitersFirst } from './test/support/sequencer.ts';

// Much of a test file's time is spent waiting (for a child process, a job queue's poll, a socket,
// the guard's waits in the outage tests), not computing: workers beyond the cores keep the cores
// busy while a file waits. Measured on 2 × AMD EPYC on 2026-11-27, embedded, the
// same tree: 2 workers 88–107 s of wall for about 137 s of CPU; 3 workers 70–85 s in nine of
// ten runs (106 s once, while other work ran); 4 workers 76 s. On PostgreSQL: 107 s with 2, 84 s
// with 3. Tests that time a process's start or stop (startup.test.ts: each under 15 s) keep their
// margin with 3; with 4 on a loaded machine (2026-11-26, when the suite took 330 s of CPU) one
// took 16 s. More files at once also meant more ports drawn at once: a port a test meant to have
// nothing listening must come from test/support/spawn.ts closedPort, never freePort.
// Two more than there are cores since 2026-11-28, on a slower 2 × Intel Xeon @ 2.50GHz: on PostgreSQL
// the suite waited on the server and the processes it starts with 3 workers (103.7–110.2 s, 34 s of
// the cores idle in one run) and took 83.5–91.0 s with 4, the same CPU; embedded 89.9–90.8 s with 4
// against 91.5–101 with 3. The start-up tests now allow 30 s a process (startup.test.ts), not 15.
const workers = Math.min(availableParallelism() + 2, 8);

export default defineConfig({
  test: {
    // Named by its database: vitest keeps each file's duration under the project's name, so a run on
    // PostgreSQL orders its files by the last PostgreSQL run, not by the embedded run before it, where
    // the longest PostgreSQL files (several bots, three migrating at once) are skipped and take no time.
    // Ordered by those, a fresh clone's PostgreSQL run in CI started them last: 100 s against 86.
    name: process.env.DATABASE_URL ? 'postgres' : 'embedded',
    include: ['test/**/*.test.ts'],
    // Prepares the database image and compiles the program once for the whole run (see the file).
    globalSetup: ['test/support/global-setup.ts'],
    // A process a file started and left running is killed when the file ends (see the file).
    setupFiles: ['test/support/per-file.ts'],
    // Where no run before says how long each file takes (a fresh clone), the files that wait start first.
    sequence: { sequencer: WaitersFirst },
    // A test's own limit (the slow ones set theirs). On a 2-core machine doing the suite's work at half
    // the speed of another (2 × AMD EPYC, 2026-11-27: 188 s for the embedded suite against 70–79 s),
    // tests that copy the worker's embedded database for the command line and start it twice took
    // 16–26 s in a full run (3–5 s alone, even beside three busy loops), and one went over 30 s.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: workers,
    // Each worker runs its files one after another in one module graph instead of a fresh one per
    // file: the program, Bolt, drizzle, PGlite and HiGHS are imported and compiled once per worker
    // (measured 2026-11-26 on a quiet 2-core machine, embedded: 159 s of wall and 268 s of CPU with a
    // fresh graph per file, 134 s and 216 s without). The tests share no state through modules: none
    // changes process.env, mocks a module or fakes timers, and each file gets a database of its own
    // (on the embedded one, the worker's, put back as the snapshot left it: test/support/embedded.ts).
    isolate: false,
    // V8 compiles WebAssembly — the embedded database's 9 MB Postgres, HiGHS — with its baseline
    // compiler only, in the workers as in the processes the tests start (test/support/spawn.ts
    // `program`): optimising the functions Postgres runs as each database starts cost more CPU than
    // it saved in runs this short (2 × AMD EPYC, 2026-11-27: 216 s of CPU for the suite with it in
    // the workers, 238 s without). What the program does does not depend on V8's compiler; the bot
    // keeps the default, and `npm run bench` measures it as deployed.
    execArgv: ['--liftoff-only'],
    // A developer's filled .env must never reach a test, nor a bot or command line a test starts.
    env: { TASKCART_ENV_FILE: 'none' },
  },
});
