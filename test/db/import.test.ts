// The importer's behaviour, file by file: good files, bad rows with line numbers, encodings,
// streaming, atomicity, re-imports. The command line around it: test/cli/cli.test.ts.
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { customers, people, recommendations, systemTasks, taskTypes, teams, timeOff } from '../../db/schema.ts';
import { namedEncoding } from '../../src/import/encoding.ts';
import { IMPORT_KINDS } from '../../src/import/kinds.ts';
import { ImportFailure, importCsv, importFile } from '../../src/import/run.ts';
import { resetDatabase, testDatabase, type TestDatabase } from '../support/db.ts';
import { tempDir } from '../support/temp.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(() => t.close());
beforeEach(() => resetDatabase(t));

const TEAMS = `team,timezone,work_days,day_capacity_minutes,upper_percent,lower_percent,digest_channel
Shanghai Care,Asia/Shanghai,Mon-Fri,390,100,60,C0DIGEST1
"New York, Sales",America/New_York,Mon;Wed;Fri,300,110,50,
`;
const PEOPLE = `slack_user_id,name,team,role,day_capacity_minutes,timezone
U0AGENT1,王芳 Wang Fang,Shanghai Care,agent,,
U0AGENT2,"Smith, Jo","New York, Sales",agent,240,America/Chicago
U0SUP1,赵丽 Zhao Li,Shanghai Care,supervisor,,
`;
const CUSTOMERS = `customer_id,name,owner,segment,region,tags,last_contact,renewal_date,phone
C1,上海贸易有限公司,U0AGENT1,gold,Pudong,vip;wholesale,2026-10-01,2026-12-15,+86 21 5555 0101
C2,"Acme ""Best"" Foods",U0AGENT2,silver,Queens,,2026-09-12,,
`;
const TASKS = `external_id,agent,type,title,date,customer_id,earliest,due,effort_minutes,priority,fixed
crm-1,U0AGENT1,renewal_call,Renew contract,2026-11-30,C1,2026-11-30,2026-12-02,,,false
crm-2,U0AGENT1,follow_up,Check delivery,2026-12-01,,,,25,urgent,true
`;

async function load(kind: Parameters<typeof importCsv>[1], content: string) {
  const r = await importCsv(t.db, kind, content);
  expect(r.errors).toEqual([]);
  return r;
}

describe('import', () => {
  it('imports every kind, with BOM, quoted fields and Chinese names, and reports counts', async () => {
    expect(await load('teams', `\uFEFF${TEAMS}`)).toMatchObject({ rows: 2, inserted: 2, updated: 0, unchanged: 0, written: true });
    await load('people', PEOPLE);
    await load('customers', CUSTOMERS);
    await load('task-types', 'type,label,effort_minutes,priority\nwinback,Win-back call,18,high\n');
    await load('tasks', TASKS);
    await load('recommendations', 'customer_id,type,score,reason\nC1,cross_sell,0.82,Bought twice this month\n');
    await load('time-off', 'slack_user_id,team,from,to,reason\nU0AGENT1,,2026-12-02,2026-12-03,Leave\n,Shanghai Care,2026-12-25,,Holiday\n');

    const [ny] = (await t.db.select().from(teams)).filter((x) => x.name === 'New York, Sales');
    expect(ny).toMatchObject({ timezone: 'America/New_York', workDays: [1, 3, 5], dayCapacityMinutes: 300, upperPercent: 110, lowerPercent: 50, digestChannel: null });
    const wang = (await t.db.select().from(people)).find((p) => p.slackUserId === 'U0AGENT1');
    expect(wang!.name).toBe('王芳 Wang Fang');
    const c = (await t.db.select().from(customers)).sort((a, b) => a.id.localeCompare(b.id));
    expect(c.map((x) => [x.name, x.tags])).toEqual([['上海贸易有限公司', ['vip', 'wholesale']], ['Acme "Best" Foods', []]]);
    const tasks = (await t.db.select().from(systemTasks)).sort((a, b) => a.externalId.localeCompare(b.externalId));
    // Effort and priority default from the task type.
    expect(tasks[0]).toMatchObject({ effortMinutes: 10, priority: 'high', earliest: '2026-11-30', due: '2026-12-02', fixed: false });
    expect(tasks[1]).toMatchObject({ effortMinutes: 25, priority: 'urgent', fixed: true, customerId: null });
    expect((await t.db.select().from(recommendations))[0]!.score).toBeCloseTo(0.82);
    expect((await t.db.select().from(taskTypes)).find((x) => x.key === 'winback')).toMatchObject({ effortMinutes: 18 });
    const off = await t.db.select().from(timeOff);
    expect(off.map((o) => [o.slackUserId, o.fromDay, o.toDay])).toEqual(
      expect.arrayContaining([['U0AGENT1', '2026-12-02', '2026-12-03'], [null, '2026-12-25', '2026-12-25']]),
    );
  });

  it('changes nothing when the same file is imported again, and updates changed rows in place', async () => {
    await load('teams', TEAMS);
    expect(await load('teams', TEAMS)).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, written: false });
    const changed = TEAMS.replace('390,100,60', '420,100,60');
    expect(await load('teams', changed)).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(await t.db.select().from(teams)).toHaveLength(2);
    await load('people', PEOPLE);
    await load('time-off', 'slack_user_id,team,from,to,reason\n,Shanghai Care,2026-12-25,,Holiday\n');
    expect(await load('time-off', 'slack_user_id,team,from,to,reason\n,Shanghai Care,2026-12-25,2026-12-26,Holiday\n')).toMatchObject({ updated: 1 });
    expect(await t.db.select().from(timeOff)).toHaveLength(1);
  });

  it('reports every bad row with its line, column and reason, and writes nothing of the file', async () => {
    await load('teams', TEAMS);
    await load('people', PEOPLE);
    const bad = `customer_id,name,owner,segment,region,tags,last_contact,renewal_date,phone
C1,Good Row,U0AGENT1,,,,,,
C2,Bad date,U0AGENT1,,,,2026-13-01,,
C3,"Multi
line name",U0NOBODY,,,,,,
,Missing id,,,,,,,
C1,Duplicate,,,,,,,
`;
    const r = await importCsv(t.db, 'customers', bad);
    expect(r.errors).toEqual([
      { line: 3, column: 'last_contact', reason: '"2026-13-01" is not a date (YYYY-MM-DD)' },
      // The row starts on line 4: a quoted cell spans lines 4 and 5.
      { line: 4, column: 'owner', reason: 'unknown agent "U0NOBODY" (import them in a people file first)' },
      { line: 6, column: 'customer_id', reason: 'is required' },
      { line: 7, column: 'customer_id', reason: 'duplicate key "C1", first on line 2' },
    ]);
    expect(r.written).toBe(false);
    expect(await t.db.select().from(customers)).toEqual([]);
  });

  it.each([
    ['teams', 'team,timezone\nA,Mars/Olympus\n', { line: 2, column: 'timezone', reason: '"Mars/Olympus" is not a known time zone (IANA, e.g. Asia/Shanghai)' }],
    ['teams', 'team,day_capacity_minutes\nA,-30\n', { line: 2, column: 'day_capacity_minutes', reason: '-30 is negative' }],
    ['teams', 'team,work_days\nA,Mon-Funday\n', { line: 2, column: 'work_days', reason: '"Mon-Funday" is not a list of weekdays like Mon-Fri or Mon;Wed;Fri' }],
    ['people', 'slack_user_id,name,team,role\nU0X1,Ann,Nowhere,agent\n', { line: 2, column: 'team', reason: 'unknown team "Nowhere" (import it in a teams file first)' }],
    ['people', 'slack_user_id,name,team\nU0X1,Ann,A\n', { line: 1, column: 'role', reason: 'required column is missing from the header' }],
    ['tasks', 'external_id,agent,type,title,date\nx,U0AGENT1,teleport,T,2026-11-30\n', { line: 2, column: 'type', reason: expect.stringMatching(/^unknown task type "teleport"/) }],
    ['recommendations', 'customer_id,type,score\nC9,follow_up,0.5\n', { line: 2, column: 'customer_id', reason: 'unknown customer "C9" (import it in a customers file first)' }],
    ['task-types', 'type,label,effort_minutes\nBad Key,X,10\n', { line: 2, column: 'type', reason: '"Bad Key" must be lower-case letters, digits and _ (like renewal_call)' }],
    ['time-off', 'slack_user_id,team,from\nU0AGENT1,Shanghai Care,2026-12-01\n', { line: 2, column: 'slack_user_id', reason: 'give either slack_user_id (a day off) or team (a holiday), not both or neither' }],
    ['customers', 'customer_id,name,colour\nC1,A,red\n', { line: 1, column: 'colour', reason: expect.stringMatching(/^unknown column/) }],
    ['customers', 'customer_id,name\nC1,A,extra\n', { line: 2, column: null, reason: 'has 3 fields, the header has 2' }],
    ['customers', 'customer_id,name\nC0,Z\n"C1,A\nC2,B\n', { line: 3, column: null, reason: 'not valid CSV: a quoted cell starting here is never closed (a " is missing at its end); the rows after it were not read' }],
  ] as const)('refuses a bad %s file: %j', async (kind, content, error) => {
    await load('teams', TEAMS);
    await load('people', PEOPLE);
    const r = await importCsv(t.db, kind, content);
    expect(r.errors).toEqual([error]);
    expect(r.written).toBe(false);
  });

  it.each([
    ['C3,"C"x,', 'not valid CSV: a quoted cell has more text after its closing quote (a " inside quotes is written "")'],
    ['C3,C "the" D,', 'not valid CSV: a " in the middle of an unquoted cell (put the cell in quotes and write the " as "")'],
  ])('reports bad quoting at the line of its row, after the problems of the rows before it: %s', async (bad, reason) => {
    const r = await importCsv(t.db, 'customers', `customer_id,name,last_contact\nC1,A,\nC2,"B ""the"" C",yesterday\n${bad}\nC4,D,\n`);
    expect(r.errors).toEqual([
      { line: 3, column: 'last_contact', reason: '"yesterday" is not a date (YYYY-MM-DD)' },
      { line: 4, column: null, reason: `${reason}; the rows after it were not read` },
    ]);
    expect(await t.db.select().from(customers)).toEqual([]);
  });

  it('reports every problem of a row together, in column order', async () => {
    await load('teams', TEAMS);
    await load('people', PEOPLE);
    const r = await importCsv(t.db, 'customers', 'customer_id,name,owner,last_contact,renewal_date\nC1,Acme,U0NOBODY,2026-02-30,someday\n');
    expect(r.errors).toEqual([
      { line: 2, column: 'owner', reason: 'unknown agent "U0NOBODY" (import them in a people file first)' },
      { line: 2, column: 'last_contact', reason: '"2026-02-30" is not a date (YYYY-MM-DD)' },
      { line: 2, column: 'renewal_date', reason: '"someday" is not a date (YYYY-MM-DD)' },
    ]);
    expect(r.problemRows).toBe(1);
  });

  it('lists the first 50 rows with problems and counts the others', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `T${i},Nowhere/${i}`);
    const r = await importCsv(t.db, 'teams', `team,timezone\nGood,UTC\n${rows.join('\n')}\n`);
    expect(r.problemRows).toBe(60);
    expect(new Set(r.errors.map((e) => e.line)).size).toBe(50);
    expect(r.errors[0]).toEqual({ line: 3, column: 'timezone', reason: '"Nowhere/0" is not a known time zone (IANA, e.g. Asia/Shanghai)' });
    expect(r.errors.at(-1)!.line).toBe(52);
    expect(await t.db.select().from(teams)).toEqual([]);
  });

  it.each([
    ['team;timezone;work_days\nA;UTC;Mon-Fri\n', /^the header has one column with ";" in it: .*save it as CSV with commas/],
    ['team\ttimezone\nA\tUTC\n', /^the header has one column with tabs in it/],
  ])('says the delimiter looks wrong when the header is one column with ; or a tab: %j', async (content, reason) => {
    const r = await importCsv(t.db, 'teams', content);
    expect(r.errors).toEqual([{ line: 1, column: null, reason: expect.stringMatching(reason) }]);
  });

  it('refuses NUL bytes, control characters, bidi controls and broken characters, cell by cell', async () => {
    await load('teams', TEAMS);
    await load('people', PEOPLE);
    const r = await importCsv(
      t.db,
      'customers',
      'customer_id,name,phone\nC1,Bad\u0000Co,+86 21 5555 0199\nC2,Bell\u0007Co,\nC3,evil\u202Etxt.exe,\nC4,"Tab\tand\nnewline are fine",\nC5,\u200B,\n',
    );
    expect(r.errors).toEqual([
      { line: 2, column: 'name', reason: expect.stringMatching(/^contains a NUL byte/) },
      { line: 3, column: 'name', reason: 'contains the control character U+0007, which is not text: remove it' },
      { line: 4, column: 'name', reason: expect.stringMatching(/^contains the bidirectional control U\+202E/) },
      { line: 7, column: 'name', reason: 'has no visible character' },
    ]);
    // No reason carries the cell it is about.
    expect(JSON.stringify(r.errors)).not.toMatch(/Bad|Bell|evil|5555/);
    expect(await t.db.select().from(customers)).toEqual([]);
  });

  it('refuses over-long values by their length, without repeating them', async () => {
    const phone = '+86 21 5555 0199 '.repeat(4);
    const name = 'Very Long Name '.repeat(20);
    const r = await importCsv(t.db, 'customers', `customer_id,name,phone\nC1,${name},${phone}\nC2,"${'x'.repeat(1_100_000)}",\nC3,Never read,\n`);
    expect(r.errors).toEqual([
      { line: 2, column: 'name', reason: `is longer than 200 characters (${name.trim().length})` },
      { line: 2, column: 'phone', reason: `is longer than 50 characters (${phone.trim().length})` },
      { line: 3, column: null, reason: 'not valid CSV: the row starting here is longer than 1,000,000 characters, probably a quote that is never closed; the rows after it were not read' },
    ]);
    expect(JSON.stringify(r.errors)).not.toMatch(/5555|Very Long|xxxx/);
  });

  it('counts a value’s length in characters, as the Add task modal does: 300 emoji make a title of 300', async () => {
    await load('teams', 'team,timezone\nT,Asia/Shanghai\n');
    await load('people', 'slack_user_id,name,team,role\nU0WANG01,Wang,T,agent\n');
    const title = (n: number) => '😀'.repeat(n);
    const r = await importCsv(t.db, 'tasks', `external_id,agent,type,title,date\nE1,U0WANG01,follow_up,${title(300)},2026-12-07\nE2,U0WANG01,follow_up,${title(301)},2026-12-07\n`);
    expect(r.errors).toEqual([{ line: 3, column: 'title', reason: 'is longer than 300 characters (301)' }]);
  });

  it('refuses dates the database cannot store, such as year 0000', async () => {
    const r = await importCsv(t.db, 'time-off', 'slack_user_id,team,from\n,Shanghai Care,0000-01-01\n');
    expect(r.errors).toContainEqual({ line: 2, column: 'from', reason: '0000-01-01 is not a date between 1900 and 2999' });
  });

  it('skips rows of empty cells (Excel leaves them) and refuses a column named twice', async () => {
    expect(await load('teams', 'team,timezone\nA,UTC\n,\n , \n')).toMatchObject({ rows: 1, inserted: 1 });
    const r = await importCsv(t.db, 'teams', 'team,timezone,team\nB,UTC,B\n');
    expect(r.errors).toEqual([{ line: 1, column: 'team', reason: 'appears twice in the header' }]);
  });

  it('checks and counts on a dry run, and writes nothing', async () => {
    const r = await importCsv(t.db, 'teams', TEAMS, { dryRun: true });
    expect(r).toMatchObject({ rows: 2, inserted: 2, written: false });
    expect(await t.db.select().from(teams)).toEqual([]);
  });

  it('imports the examples of docs/import.md as they are, in English and Chinese', async () => {
    const doc = readFileSync(new URL('../../docs/import.md', import.meta.url), 'utf8');
    const examples = new Map([...doc.matchAll(/`([a-z-]+)\.csv`[^`]*?```csv\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]));
    expect([...examples.keys()].sort()).toEqual(['customers', 'people', 'recommendations', 'tasks', 'teams', 'time-off']);
    for (const kind of IMPORT_KINDS.filter((k) => examples.has(k))) {
      const r = await importCsv(t.db, kind, examples.get(kind)!);
      expect(r.errors, kind).toEqual([]);
      expect(r.inserted, kind).toBeGreaterThan(0);
    }
    expect((await t.db.select().from(customers)).map((c) => c.name).sort()).toEqual(['上海贸易有限公司', '北京"优选"食品']);
  });

  describe('team settings in the teams file', () => {
    it('reads every setting column, and refuses bad values', async () => {
      await load(
        'teams',
        'team,proposal_day,proposal_time,digest_time,weekly_digest_day,allow_flagged_commit,team_customers,language,digest_channel\nShanghai Care,Thu,9:30,08:15,friday,yes,yes,zh-CN,C0DIGEST1\n',
      );
      const [team] = await t.db.select().from(teams);
      expect(team).toMatchObject({ proposalWeekday: 4, proposalTime: '09:30', digestTime: '08:15', weeklyDigestWeekday: 5, allowFlaggedCommit: true, teamCustomers: true, language: 'zh-CN' });
      const r = await importCsv(t.db, 'teams', 'team,proposal_day,proposal_time,language,lower_percent,upper_percent\nB,Funday,25:00,fr,80,70\n');
      expect(r.errors).toEqual([
        { line: 2, column: 'proposal_day', reason: '"Funday" is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat or Sun)' },
        { line: 2, column: 'proposal_time', reason: '"25:00" is not a time of day as HH:MM (24-hour, e.g. 15:00)' },
        { line: 2, column: 'language', reason: '"fr" is not a language Task Cart speaks (en or zh-CN)' },
        { line: 2, column: 'lower_percent', reason: 'lower 80 % must be below upper 70 %' },
      ]);
    });

    it('leaves settings alone whose column the file does not have', async () => {
      await load('teams', 'team,allow_flagged_commit,language,upper_percent\nShanghai Care,yes,zh-CN,120\n');
      // An older teams file, without the new columns: imported again, it changes nothing it does not name.
      expect(await load('teams', 'team,timezone\nShanghai Care,UTC\n')).toMatchObject({ unchanged: 1 });
      expect(await load('teams', 'team,timezone\nShanghai Care,Asia/Shanghai\n')).toMatchObject({ updated: 1 });
      const [team] = await t.db.select().from(teams);
      expect(team).toMatchObject({ timezone: 'Asia/Shanghai', allowFlaggedCommit: true, language: 'zh-CN', upperPercent: 120 });
      // A threshold in the file is checked against the stored one it is not changing.
      const r = await importCsv(t.db, 'teams', 'team,upper_percent\nShanghai Care,50\n');
      expect(r.errors).toEqual([{ line: 2, column: 'upper_percent', reason: 'lower 60 % must be below upper 50 %' }]);
    });
  });

  describe('encodings', () => {
    const chinese = 'team,timezone\n上海客服中心,Asia/Shanghai\n北京销售,Asia/Shanghai\n';

    it('reads a GBK / GB18030 file (Excel on Chinese Windows) and says so', async () => {
      const r = await importCsv(t.db, 'teams', iconv.encode(chinese, 'gbk'));
      expect(r.errors).toEqual([]);
      expect(r.encoding).toMatchObject({ label: 'GB18030', how: 'detected' });
      expect((await t.db.select().from(teams)).map((x) => x.name).sort()).toEqual(['上海客服中心', '北京销售'].sort());
    });

    it.each([
      ['UTF-16LE', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(chinese, 'utf-16le')])],
      ['UTF-16BE', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(chinese, 'utf-16be')])],
      ['UTF-8', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(chinese)])],
    ])('reads %s with a byte order mark', async (label, bytes) => {
      const r = await importCsv(t.db, 'teams', bytes);
      expect(r.errors).toEqual([]);
      expect(r.encoding).toMatchObject({ label, how: 'byte order mark' });
      expect((await t.db.select().from(teams)).map((x) => x.name)).toContain('上海客服中心');
    });

    it('refuses a file that is not valid in the encoding it was told, with the line of the first bad bytes, and writes nothing', async () => {
      const bytes = Buffer.concat([Buffer.from('team,timezone\nGood,UTC\n'), iconv.encode('坏,UTC\n', 'gbk'), Buffer.from('Later,UTC\n')]);
      const r = await importCsv(t.db, 'teams', bytes, { encoding: namedEncoding('utf-8')! });
      expect(r.errors).toEqual([{ line: 3, column: null, reason: expect.stringMatching(/^bytes that are not valid UTF-8: save the file again as "CSV UTF-8"/) }]);
      expect(r.encoding).toMatchObject({ label: 'UTF-8', how: '--encoding' });
      expect(await t.db.select().from(teams)).toEqual([]);
    });

    it('refuses a file that is neither UTF-8 nor GB18030, at the line of the first bad bytes', async () => {
      const bytes = Buffer.concat([Buffer.from('team,timezone\n'), iconv.encode('上海,UTC\n', 'gbk'), Buffer.from([0x41, 0xff, 0x42, 0x2c, 0x55, 0x0a])]);
      const r = await importCsv(t.db, 'teams', bytes);
      expect(r.errors).toEqual([{ line: 3, column: null, reason: expect.stringMatching(/^bytes that are not valid GB18030 \(nor UTF-8\)/) }]);
      expect(await t.db.select().from(teams)).toEqual([]);
    });

    it('refuses half of a UTF-16 surrogate pair', async () => {
      const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('team\nA\uD800B\n', 'utf16le')]);
      const r = await importCsv(t.db, 'teams', bytes);
      expect(r.errors).toEqual([{ line: 2, column: null, reason: expect.stringMatching(/^half of a UTF-16 surrogate pair/) }]);
      // The same in text handed over as a string.
      expect((await importCsv(t.db, 'teams', 'team\nA\uD800B\n')).errors).toEqual(r.errors);
      expect(await t.db.select().from(teams)).toEqual([]);
    });
  });

  describe('a large file, streamed', () => {
    // Six batches of the import's 1000 rows, and a file read in many chunks (about 360 kB).
    const ROWS = 6_000;
    let dir: string;
    beforeAll(() => {
      dir = tempDir('taskcart-import-');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function write(name: string, last: string, extra: (i: number) => string = () => ''): Promise<string> {
      const path = join(dir, name);
      const out = createWriteStream(path);
      out.write('customer_id,name,owner,segment,tags,last_contact,phone\n');
      for (let i = 1; i < ROWS; i++) {
        if (!out.write(`C${i},"客户 ${i}, Ltd",U0AGENT${1 + (i % 2)},${['gold', 'silver'][i % 2]},a;b${extra(i)},2026-0${1 + (i % 9)}-15,+86 21 ${i}\n`)) await once(out, 'drain');
      }
      out.end(`${last}\n`);
      await once(out, 'finish');
      return path;
    }

    it('checks every row before writing: a bad last row leaves the database as it was', async () => {
      await load('teams', TEAMS);
      await load('people', PEOPLE);
      const path = await write('bad-last.csv', `C${ROWS},Last,U0AGENT1,gold,,2026-13-45,`);
      const r = await importFile(t.db, 'customers', path);
      expect(r.rows).toBe(ROWS);
      expect(r.errors).toEqual([{ line: ROWS + 1, column: 'last_contact', reason: '"2026-13-45" is not a date (YYYY-MM-DD)' }]);
      expect(await t.db.$count(customers)).toBe(0);
    });

    it('finds a duplicate key far from its first row', async () => {
      await load('teams', TEAMS);
      await load('people', PEOPLE);
      const path = await write('dup.csv', `C7,Seven again,,,,,`);
      const r = await importFile(t.db, 'customers', path);
      expect(r.errors).toEqual([{ line: ROWS + 1, column: 'customer_id', reason: 'duplicate key "C7", first on line 8' }]);
      expect(await t.db.$count(customers)).toBe(0);
    });

    it('writes every row of a good file in one go, and changes nothing when it comes again', async () => {
      await load('teams', TEAMS);
      await load('people', PEOPLE);
      const path = await write('good.csv', `C${ROWS},Last,U0AGENT1,gold,,2026-12-31,`);
      expect(await importFile(t.db, 'customers', path)).toMatchObject({ rows: ROWS, inserted: ROWS, updated: 0, errors: [] });
      const [c] = await t.db.select().from(customers).where(eq(customers.id, 'C4321'));
      expect(c).toMatchObject({ name: '客户 4321, Ltd', ownerId: 'U0AGENT2', segment: 'silver', tags: ['a', 'b'], lastContact: '2026-02-15', phone: '+86 21 4321' });
      expect(await importFile(t.db, 'customers', path)).toMatchObject({ inserted: 0, updated: 0, unchanged: ROWS });
      const changed = await write('changed.csv', `C${ROWS},Last,U0AGENT1,gold,,2026-12-31,`, (i) => (i % 1000 === 0 ? ';c' : ''));
      expect(await importFile(t.db, 'customers', changed)).toMatchObject({ inserted: 0, updated: 5, unchanged: ROWS - 5 });
    }, 120_000);
  });

  describe('when the database refuses a row', () => {
    afterAll(() => t.exec('drop trigger if exists refuse_customer on customers; drop function if exists refuse_customer()'));

    it('names the line and the kind of failure, never the statement or the row, and writes nothing', async () => {
      await load('teams', TEAMS);
      await load('people', PEOPLE);
      // A trigger that refuses one row and, as database messages do, quotes the row's data.
      await t.exec(`create function refuse_customer() returns trigger language plpgsql as $$
        begin if new.name = 'Refused Ltd' then raise exception 'refused %', new.phone; end if; return new; end $$;
        create trigger refuse_customer before insert or update on customers for each row execute function refuse_customer();`);
      const rows = Array.from({ length: 40 }, (_, i) => `C${i},${i === 33 ? 'Refused Ltd' : `Fine ${i}`},,,,,,,+86 21 5555 ${1000 + i}`);
      const error = await importCsv(t.db, 'customers', `customer_id,name,owner,segment,region,tags,last_contact,renewal_date,phone\n${rows.join('\n')}\n`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportFailure);
      expect(error).toMatchObject({ line: 35, message: 'the database refused this row: a database trigger or function refused it (SQLSTATE P0001)' });
      expect((error as Error).message).not.toMatch(/insert|select|customers/i);
      expect((error as Error).message).not.toMatch(/5555|Refused Ltd/);
      expect(await t.db.$count(customers)).toBe(0);
    });
  });
});
