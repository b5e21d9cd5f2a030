// Migrations when several processes start at once on a new PostgreSQL database, as their own step
// (npm run db:migrate), and the embedded database: refusing a second process on its folder, its
// settings file left alone, its buffer cache sized to the data.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferCacheMb, migrationsFolder, openDatabase, postgresClient } from '../../db/client.ts';
import { LOCK_FILE } from '../../db/data-dir-lock.ts';
import { withDb } from '../support/db.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';
import { freePort, migratedDataDir, runEntry, until, type Running } from '../support/spawn.ts';
import { tempDir } from '../support/temp.ts';

const pg = process.env.DATABASE_URL;
const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
let slack: SlackStandIn;
beforeAll(async () => {
  slack = await new SlackStandIn().start();
});
afterAll(async () => {
  await slack.stop();
});

// One process each (WORKERS=1): three bots are three processes migrating at once (workers.test.ts runs WORKERS=2).
const botEnv = async (database: Record<string, string>) => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, PORT: String(await freePort()), WORKERS: '1', ...database });
const started = (run: Running) => until(() => run.out.some((l) => l.includes('scheduler started')) || run.err.length > 0, 60_000, 'start-up');
async function stop(run: Running) {
  run.child.kill('SIGTERM');
  // On failure, what the bot said while it stopped.
  expect((await run.exited).code, run.out.slice(-8).concat(run.err).join('\n')).toBe(0);
}

/** A new, empty PostgreSQL database, dropped after the test. */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void>; query: (sql: string) => Promise<Record<string, unknown>[]> }> {
  const name = `taskcart_fresh_${randomBytes(4).toString('hex')}`;
  const admin = await postgresClient(withDb(pg!, 'postgres'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = withDb(pg!, name);
  const client = await postgresClient(url, { max: 1, onnotice: () => {} });
  return {
    url,
    query: async (sql) => (await client.unsafe(sql)) as unknown as Record<string, unknown>[],
    drop: async () => {
      await client.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

describe.skipIf(!pg)('migrations on a PostgreSQL server (DATABASE_URL runs only)', () => {
  it('three bots starting together on a new database all come up; the migrations are applied once', async () => {
    const db = await freshDatabase();
    try {
      const runs = await Promise.all([1, 2, 3].map(async () => runEntry('src/main.ts', [], await botEnv({ DATABASE_URL: db.url }))));
      try {
        await Promise.all(runs.map(started));
        for (const run of runs) {
          expect(run.err).toEqual([]);
          expect(run.logs().filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
        }
        const applied = await db.query('select count(*)::int as n from drizzle.__drizzle_migrations');
        expect(applied[0]!.n).toBe(journal.entries.length);
      } finally {
        await Promise.all(runs.map(stop));
      }
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('npm run db:migrate as its own step, then bots with MIGRATE_ON_START=false', async () => {
    const db = await freshDatabase();
    try {
      const migrate = runEntry('src/migrate.ts', [], { DATABASE_URL: db.url });
      expect((await migrate.exited).code).toBe(0);
      expect(migrate.out.join('\n')).toMatch(/^PostgreSQL: migrations applied \(\d+\.\d s\)$/);
      const again = runEntry('src/migrate.ts', [], { DATABASE_URL: db.url });
      expect((await again.exited).code).toBe(0);
      const bot = runEntry('src/main.ts', [], { ...(await botEnv({ DATABASE_URL: db.url })), MIGRATE_ON_START: 'false' });
      try {
        await started(bot);
        expect(bot.logs().map((l) => l.msg)).toContain('database: PostgreSQL, migrations checked');
      } finally {
        await stop(bot);
      }
    } finally {
      await db.drop();
    }
  }, 120_000);

  it("a server on the bot's host, through its Unix socket as libpq's URLs name it: migrated, then served, no connection over TCP", async (ctx) => {
    const db = await freshDatabase();
    try {
      const [row] = await db.query(`select split_part(current_setting('unix_socket_directories'), ',', 1) as folder`);
      const folder = String(row!.folder).trim();
      if (!folder.startsWith('/')) return ctx.skip(`the server at DATABASE_URL listens on no socket folder ('${folder}')`);
      const at = new URL(db.url);
      // The scheme and user of the test's URL, before its host.
      const userAt = `${at.protocol}//${at.username ? `${at.username}@` : ''}`;
      const port = at.port || '5432';
      // The two forms: a host parameter, and a percent-encoded host.
      const asParameter = `${userAt}localhost${at.pathname}?host=${folder}&port=${port}`;
      const asHost = `${userAt}${encodeURIComponent(folder)}:${port}${at.pathname}`;
      const migrate = runEntry('src/migrate.ts', [], { DATABASE_URL: asParameter });
      expect((await migrate.exited).code, migrate.err.join('\n')).toBe(0);
      const bot = runEntry('src/main.ts', [], { ...(await botEnv({ DATABASE_URL: asHost })), MIGRATE_ON_START: 'false' });
      try {
        await started(bot);
        expect(bot.err).toEqual([]);
        expect(bot.logs().map((l) => l.msg)).toContain('database: PostgreSQL, migrations checked');
        // The bot's pool and its job queue (pg-boss's own driver) both came through the socket.
        const [seen] = await db.query(
          `select count(*) filter (where client_addr is null)::int as socket, count(*) filter (where client_addr is not null)::int as tcp
             from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
        );
        expect(seen).toEqual({ socket: expect.any(Number), tcp: 0 });
        expect(seen!.socket).toBeGreaterThanOrEqual(2);
      } finally {
        await stop(bot);
      }
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('the command line says a missing database in one line, not the SQL that failed', async () => {
    const run = runEntry('src/cli/index.ts', ['demo'], { DATABASE_URL: withDb(pg!, 'taskcart_no_such_db') });
    expect((await run.exited).code).toBe(1);
    expect(run.err).toEqual([expect.stringMatching(/^Failed: the database "taskcart_no_such_db" does not exist on .*: create it \(createdb /)]);
  });

  it('db:migrate says what is wrong in one line', async () => {
    const run = runEntry('src/migrate.ts', [], { DATABASE_URL: withDb(pg!, 'taskcart_no_such_db') });
    expect((await run.exited).code).toBe(1);
    expect(run.err).toEqual([expect.stringMatching(/^cannot migrate: the database "taskcart_no_such_db" does not exist on /)]);
  });
});

describe('the embedded database, one process at a time', () => {
  const teams = () => {
    const file = join(tempDir('taskcart-csv-'), 'teams.csv');
    writeFileSync(file, 'team,timezone\nShanghai Care,Asia/Shanghai\n');
    return file;
  };

  // One bot on a folder, refusing a second bot and then the command line; once it stopped, the command line works.
  describe('beside a running bot', () => {
    let dir: string;
    let bot: Running | undefined;
    beforeAll(async () => {
      dir = await migratedDataDir();
      bot = runEntry('src/main.ts', [], await botEnv({ DATA_DIR: dir }));
      await started(bot);
    }, 120_000);
    afterAll(async () => {
      if (bot?.child.exitCode === null) await stop(bot);
    });

    it('refuses a second bot on the same folder', async () => {
      const second = runEntry('src/main.ts', [], await botEnv({ DATA_DIR: dir }));
      expect((await second.exited).code).toBe(1);
      expect(second.err).toEqual([expect.stringMatching(/^Task Cart cannot start: the embedded database in .* is in use by process \d+ /)]);
    }, 120_000);

    it('refuses the command line beside the running bot, saying which process has it; works once the bot stopped', async () => {
      const file = teams();
      const botPid = bot!.logs()[0]!.pid as number;
      const beside = runEntry('src/cli/index.ts', ['import', 'teams', file], { DATA_DIR: dir });
      expect((await beside.exited).code).toBe(1);
      expect(beside.err.join('\n')).toMatch(new RegExp(`the embedded database in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by process ${botPid} \\(.*src/main\\.[jt]s.*\\): stop that process first, or use another DATA_DIR; several processes need PostgreSQL \\(DATABASE_URL\\)`));
      expect(beside.err.join('\n')).not.toMatch(/\n\s+at /);
      await stop(bot!);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
      const after = runEntry('src/cli/index.ts', ['import', 'teams', file], { DATA_DIR: dir });
      expect((await after.exited).code).toBe(0);
      expect(after.out.join('\n')).toMatch(/teams: imported 1 rows: 1 inserted/);
    }, 120_000);
  });

  it('leaves the folder’s postgresql.conf as the admin left it, and sizes the buffer cache to the data', async () => {
    const dir = await migratedDataDir();
    const conf = join(dir, 'postgresql.conf');
    appendFileSync(conf, '\n# the admin’s own\nwork_mem = 8MB\n');
    const before = readFileSync(conf, 'utf8');
    // A command (it asks for the least cache) and the bot's own opening of the folder.
    const run = runEntry('src/cli/index.ts', ['import', 'teams', teams()], { DATA_DIR: dir });
    expect((await run.exited).code, run.err.join('\n')).toBe(0);
    expect(readFileSync(conf, 'utf8')).toBe(before);
    const database = await openDatabase({ dataDir: dir, migrate: 'check' });
    try {
      // A team's new database: a few megabytes, the least cache; the admin's setting holds.
      expect(await database.query(`select current_setting('work_mem') as work, current_setting('shared_buffers') as cache`)).toEqual([{ work: '8MB', cache: '16MB' }]);
    } finally {
      await database.close();
    }
    expect(readFileSync(conf, 'utf8')).toBe(before);
    // Grown: the largest database's files (the templates beside it do not count), up to PostgreSQL's default.
    const grown = join(tempDir('taskcart-sized-'), 'data');
    const file = (database: string, name: string, mb: number) => {
      mkdirSync(join(grown, 'base', database), { recursive: true });
      writeFileSync(join(grown, 'base', database, name), '');
      truncateSync(join(grown, 'base', database, name), mb * 2 ** 20);
    };
    expect(bufferCacheMb(grown)).toBe(16);
    file('1', '1259', 40);
    file('5', '16400', 30.5);
    file('5', '16401', 12);
    expect(bufferCacheMb(grown)).toBe(43);
    file('5', '16402', 300);
    expect(bufferCacheMb(grown)).toBe(128);
  }, 120_000);

  // The first command in a new folder also makes and migrates the database there.
  it('takes over a lock left by a process that is gone', async () => {
    // A migrated folder: migrating a new one is the tests above's.
    const dir = await migratedDataDir();
    const first = runEntry('src/cli/index.ts', ['import', 'teams', teams()], { DATA_DIR: dir });
    expect((await first.exited).code).toBe(0);
    // A process killed with the folder open leaves its lock behind.
    const gone = Number(execFileSync(process.execPath, ['-e', 'console.log(process.pid)']).toString().trim());
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: gone, command: 'dist/src/main.js', since: '2026-11-26T00:00:00.000Z' }));
    const next = runEntry('src/cli/index.ts', ['import', 'teams', teams()], { DATA_DIR: dir });
    expect((await next.exited).code, next.err.join('\n')).toBe(0);
    expect(next.out.join('\n')).toMatch(/1 unchanged/);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  }, 120_000);
});
