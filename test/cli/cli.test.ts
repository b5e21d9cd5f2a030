// The admin's command line, run as the admin runs it: files on disk, exit codes and what it prints.
// Imports (encodings, problems, leaks), team settings, --help and --version. A few runs are the real
// process (`spawned`: npm or node, .env, exit code); the many others run the same entry in this
// process (`run`, test/support/cli.ts cliInProcess) on the database opened once for them.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, startPglite, type Database } from '../../db/client.ts';
import { cli, cliInProcess } from '../support/cli.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { tempDir } from '../support/temp.ts';

let t: TestDatabase;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  t = await testDatabase();
  dir = tempDir('taskcart-cli-');
  // On the embedded database the command line gets its own data folder; on a server, this file's database.
  env = { DATABASE_URL: t.url ?? '', DATA_DIR: join(dir, 'data') };
  // Already migrated, as a copy of this file's database (a command migrating a new folder: migrations.test.ts).
  if (!t.url) await (await startPglite({ dataDir: env.DATA_DIR, loadDataDir: await t.dump!() })).close();
});
afterAll(async () => {
  await letGo();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
/**
 * The command line's database, opened once for the commands run in this process (cliInProcess) and
 * let go of before a command runs in its own process: the embedded one serves one process at a time.
 */
let opened: Promise<Database> | undefined;
const cliDatabase = () => (opened ??= openDatabase({ databaseUrl: env.DATABASE_URL || undefined, dataDir: env.DATA_DIR }));
async function letGo() {
  const database = opened;
  opened = undefined;
  await (await database)?.close();
}
const run = async (...args: string[]) => cliInProcess(args, env, await cliDatabase());
const spawned = async (...args: string[]) => {
  await letGo();
  return cli(args, env);
};

/** Runs SQL on the database the command line uses. */
const onCliDatabase = async (sql: string) => (await cliDatabase()).exec(sql);

const SQL = /\b(insert|select|values|returning|on conflict|excluded)\b|Failed query|params:/i;

const SUBCOMMANDS = ['import', 'demo', 'propose', 'digest', 'remind', 'team set', 'team show', 'export tasks'];

describe('the command line', () => {
  it('prints its version and help, for itself and every subcommand, and exits 0', async () => {
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
    const v = await cli(['--version'], env, 'npm');
    expect(v).toMatchObject({ code: 0, stdout: `task-cart ${version}\n` });
    const help = await spawned('--help');
    expect(help.code).toBe(0);
    for (const name of SUBCOMMANDS) expect(help.stdout).toContain(name);
    for (const name of SUBCOMMANDS) {
      const r = await run(...name.split(' '), '--help');
      expect(r, name).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(new RegExp(`^npm run cli -- ${name}`));
    }
    const team = await run('team', '--help');
    expect(team.code).toBe(0);
    expect(team.stdout).toMatch(/team set .*\n.*team show/);
  }, 120_000);

  it('refuses an unknown option with the usage of that subcommand (exit 2)', async () => {
    for (const name of SUBCOMMANDS) {
      const r = await run(...name.split(' '), '--bogus');
      expect(r.code, name).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^unknown option --bogus\\n\\nnpm run cli -- ${name}`));
    }
    expect(await run('import', 'teams', 'x.csv', '--dry-run=yes')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^--dry-run takes no value/) });
    expect(await run('import', 'teams', 'x.csv', '--encoding', 'klingon')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^unknown encoding "klingon"/) });
    expect(await spawned('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^unknown command "frobnicate"/) });
    // The old form of the team command points to the new ones.
    const old = await run('team', 'Shanghai Care', '--allow-flagged-commit', 'yes');
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/unknown command "team Shanghai Care".*\n[\s\S]*team set[\s\S]*team show/);
  }, 120_000);
});

describe('import', () => {
  it('imports a file, again with nothing changed, dry-runs, and refuses a bad file writing nothing', async () => {
    const teams = file('teams.csv', 'team,timezone,work_days\nShanghai Care,Asia/Shanghai,Mon-Fri\n"New York, Sales",America/New_York,Mon;Wed;Fri\n');
    const first = await spawned('import', 'teams', teams);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(new RegExp(`^${teams}: read as UTF-8\nteams: imported 2 rows: 2 inserted, 0 updated, 0 unchanged`));
    expect((await run('import', 'teams', teams)).stdout).toMatch(/0 inserted, 0 updated, 2 unchanged/);
    expect((await run('import', 'teams', teams, '--dry-run')).stdout).toMatch(/would import 2 rows/);
    const bad = file('bad-teams.csv', 'team,timezone\nA,UTC\nB,Nowhere/City\n');
    const failed = await spawned('import', 'teams', bad);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(`${bad}:3: timezone: "Nowhere/City" is not a known time zone (IANA, e.g. Asia/Shanghai)\n1 row(s) with problems: nothing of ${bad} was written.\n`);
    expect((await run('team', 'show', 'A')).code).toBe(1);
    expect((await run('import', 'teams', join(dir, 'missing.csv'))).stderr).toMatch(/cannot read .*missing.csv/);
  }, 120_000);

  it('reads a GBK file from Excel on Chinese Windows and says it read GB18030', async () => {
    const gbk = file('teams-gbk.csv', iconv.encode('team,timezone\n上海客服中心,Asia/Shanghai\n', 'gbk'));
    const r = await run('import', 'teams', gbk);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${gbk}: read as GB18030 (not valid UTF-8`);
    expect((await run('team', 'show', '上海客服中心')).stdout).toMatch(/^上海客服中心\n {2}timezone +Asia\/Shanghai/);
  }, 60_000);

  it('reads a UTF-16 file with its byte order mark', async () => {
    const utf16 = file('teams-utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('team,timezone\n北京销售,Asia/Shanghai\n', 'utf-16le')]));
    const r = await run('import', 'teams', utf16);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${utf16}: read as UTF-16LE (byte order mark)`);
    expect((await run('team', 'show', '北京销售')).code).toBe(0);
  }, 60_000);

  it('refuses a file that is not valid in the encoding it is told, with the line of the first bad bytes, and writes nothing', async () => {
    const mixed = file('mixed.csv', Buffer.concat([Buffer.from('team,timezone\nFine Team,UTC\n'), iconv.encode('广州,UTC\n', 'gbk')]));
    const r = await run('import', 'teams', mixed, '--encoding', 'utf-8');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${mixed}: read as UTF-8 (--encoding)`);
    expect(r.stderr).toMatch(new RegExp(`^${mixed}:3: bytes that are not valid UTF-8`));
    expect((await run('team', 'show', 'Fine Team')).code).toBe(1);
  }, 60_000);

  it('lists the first 50 rows with problems, then how many more', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `Bad ${i},Nowhere/${i}`);
    const path = file('sixty.csv', `team,timezone\n${rows.join('\n')}\n`);
    const r = await run('import', 'teams', path);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith(`${path}:`))).toHaveLength(50);
    expect(lines.at(-2)).toBe('… and 10 more rows with problems');
    expect(lines.at(-1)).toBe(`60 row(s) with problems: nothing of ${path} was written.`);
  }, 60_000);

  it('says the delimiter looks wrong when the header is one column with ;', async () => {
    const path = file('semicolons.csv', 'team;timezone\nA;UTC\n');
    const r = await run('import', 'teams', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path}:1: the header has one column with ";" in it`);
    expect(r.stderr).toContain('save it as CSV with commas');
  }, 60_000);

  describe('never prints SQL or row data', () => {
    const PHONES = ['+86 21 5555 0101', '+86 21 5555 0199', '+86 21 5555 0777'];

    beforeAll(async () => {
      await run('import', 'teams', file('leak-teams.csv', 'team\nLeak Team\n'));
      await run('import', 'people', file('leak-people.csv', 'slack_user_id,name,team,role\nU0LEAK1,Ann Leak,Leak Team,agent\n'));
    }, 60_000);

    it('a NUL byte in a cell: the line, the column and the reason', async () => {
      const path = file('nul.csv', `customer_id,name,owner,phone\nC1,Acme Foods,U0LEAK1,${PHONES[0]}\nC2,Bad\u0000Co,U0LEAK1,${PHONES[1]}\nC3,Third Co,,${PHONES[2]}\n`);
      const r = await run('import', 'customers', path);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `${path}:3: name: contains a NUL byte, which is not text: remove it (a file saved as UTF-16 without a byte order mark reads like this)\n1 row(s) with problems: nothing of ${path} was written.\n`,
      );
      const all = r.stdout + r.stderr;
      expect(all).not.toMatch(SQL);
      for (const value of [...PHONES, 'Acme Foods', 'Bad', 'Third Co', 'U0LEAK1']) expect(all).not.toContain(value);
    }, 60_000);

    it('a row the database refuses: one line with the file, the line and the kind of failure', async () => {
      // A trigger that refuses one row and, as database messages do, quotes its data.
      await onCliDatabase(`create function refuse_customer() returns trigger language plpgsql as $$
        begin if new.name = 'Refused Foods' then raise exception 'refused % %', new.name, new.phone; end if; return new; end $$;
        create trigger refuse_customer before insert or update on customers for each row execute function refuse_customer();`);
      const path = file('refused.csv', `customer_id,name,owner,phone\nC1,Acme Foods,U0LEAK1,${PHONES[0]}\nC2,Refused Foods,U0LEAK1,${PHONES[1]}\nC3,Third Co,,${PHONES[2]}\n`);
      const r = await run('import', 'customers', path);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`${path}:3: the database refused this row: a database trigger or function refused it (SQLSTATE P0001). Nothing of ${path} was written.\n`);
      const all = r.stdout + r.stderr;
      expect(all).not.toMatch(SQL);
      for (const value of [...PHONES, 'Acme Foods', 'Refused Foods', 'Third Co', 'U0LEAK1']) expect(all).not.toContain(value);
      await onCliDatabase('drop trigger refuse_customer on customers; drop function refuse_customer()');
      // Nothing of the file was written: the same file without the trigger inserts all three.
      expect((await run('import', 'customers', path)).stdout).toMatch(/3 inserted/);
    }, 90_000);
  });
});

describe('team set and team show', () => {
  beforeAll(async () => {
    await run('import', 'teams', file('settings-teams.csv', 'team,timezone\nSettings Team,Asia/Shanghai\n'));
  }, 60_000);

  it('changes the settings given and shows them', async () => {
    const r = await run(
      'team',
      'set',
      'Settings Team',
      '--proposal',
      'Thu 10:30',
      '--digest-time',
      '8:45',
      '--weekly-digest',
      'Fri',
      '--digest-channel',
      'C0DIGEST1',
      '--upper',
      '110',
      '--lower',
      '50',
      '--allow-flagged-commit',
      'yes',
      '--team-customers',
      'yes',
      '--language',
      'zh-CN',
      '--work-days',
      'Mon-Thu',
      '--day-capacity',
      '420',
      '--cadence',
      'gold=10',
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('  proposal              Fri 15:00 → Thu 10:30\n');
    expect(r.stdout).toContain('  timezone              Asia/Shanghai (unchanged)\n');
    const show = await run('team', 'show', 'Settings Team');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(
      [
        'Settings Team',
        '  timezone              Asia/Shanghai',
        '  work-days             Mon-Thu',
        '  day-capacity          420 minutes',
        '  upper                 110 %',
        '  lower                 50 %',
        '  proposal              Thu 10:30',
        '  digest-time           08:45',
        '  weekly-digest         Fri',
        '  digest-channel        C0DIGEST1',
        '  allow-flagged-commit  yes',
        '  team-customers        yes',
        '  language              zh-CN',
        '  reminders             yes',
        '  reminder-start        09:00',
        '  reminder-end          17:30 (nudge at 17:00)',
        '  cadence               gold=10 silver=30 bronze=60; other segments 30 (days)',
      ].join('\n'),
    );
    expect((await run('team', 'set', 'Settings Team', '--digest-channel', 'none')).stdout).toContain('digest-channel        C0DIGEST1 → none (a DM to each supervisor)');
    // Every team, when none is named.
    expect((await run('team', 'show')).stdout).toMatch(/Settings Team\n/);
  }, 120_000);

  it('refuses bad values, all of them at once, and changes nothing', async () => {
    expect((await run('team', 'set', 'Settings Team', '--upper', '110', '--lower', '50')).code).toBe(0);
    const before = (await run('team', 'show', 'Settings Team')).stdout;
    const r = await run('team', 'set', 'Settings Team', '--proposal', 'Someday 25:00', '--upper=-5', '--language', 'fr', '--timezone', 'Mars/Base', '--digest-channel', '#general', '--cadence', 'gold', '--allow-flagged-commit', 'maybe', '--digest-time', '09:00');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      '--timezone: "Mars/Base" is not a known time zone (IANA, e.g. Asia/Shanghai)',
      '--upper: -5 is negative',
      '--proposal: "Someday" is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat or Sun)',
      '--digest-channel: "#general" is not a channel id like C0123ABCD (channel details → About)',
      '--allow-flagged-commit: "maybe" is not yes or no (true or false)',
      '--language: "fr" is not a language Task Cart speaks (en or zh-CN)',
      '--cadence: "gold" is not SEGMENT=DAYS, like gold=14',
      'Nothing was changed. npm run cli -- team set --help lists the settings and their values.',
    ]);
    // Each value is fine alone; the upper threshold would fall below the stored lower one.
    const crossed = await run('team', 'set', 'Settings Team', '--upper', '40', '--digest-time', '07:00');
    expect(crossed).toMatchObject({ code: 2, stderr: '--upper: lower 50 % must be below upper 40 %\nNothing was changed.\n' });
    expect((await run('team', 'show', 'Settings Team')).stdout).toBe(before);
    expect(await run('team', 'set', 'No Such Team', '--upper', '100')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^unknown team "No Such Team"/) });
    expect(await run('team', 'set', 'Settings Team')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^say what to change\n\nnpm run cli -- team set/) });
    expect(await run('team', 'show', 'No Such Team')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^unknown team "No Such Team" \(teams: .*"Settings Team"/) });
  }, 120_000);

  it('sets the reminders’ day and turns them off for a whole team; a day that ends before it starts changes nothing', async () => {
    const r = await run('team', 'set', 'Settings Team', '--reminder-start', '8:30', '--reminder-end', '16:00', '--reminders', 'no');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('  reminders             yes → no\n');
    expect(r.stdout).toContain('  reminder-start        09:00 → 08:30\n');
    expect(r.stdout).toContain('  reminder-end          17:30 (nudge at 17:00) → 16:00 (nudge at 15:30)\n');
    // Each value is fine alone; together with the stored start, the day would end before it starts.
    const crossed = await run('team', 'set', 'Settings Team', '--reminder-end', '08:00');
    expect(crossed).toMatchObject({ code: 2, stderr: '--reminder-end: the day must end at least 60 minutes after it starts (08:30–08:00)\nNothing was changed.\n' });
    expect((await run('team', 'set', 'Settings Team', '--reminder-start', '25:00')).stderr).toContain('--reminder-start: "25:00" is not a time of day as HH:MM');
    // The teams file: the same settings as columns, checked against each other and against what is stored.
    const bad = await run('import', 'teams', file('reminder-teams.csv', 'team,reminder_start\nSettings Team,15:30\n'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('reminder_start: the day must end at least 60 minutes after it starts (15:30–16:00)');
    expect(await run('import', 'teams', file('reminder-teams-ok.csv', 'team,reminders,reminder_start,reminder_end\nSettings Team,yes,07:45,16:15\n'))).toMatchObject({ code: 0 });
    expect((await run('team', 'show', 'Settings Team')).stdout).toContain('  reminders             yes\n  reminder-start        07:45\n  reminder-end          16:15 (nudge at 15:45)\n');
  }, 120_000);
});
