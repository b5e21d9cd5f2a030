// The import command's behaviour, file by file: good files, bad rows with line numbers, atomicity, re-imports.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { customers, people, recommendations, systemTasks, taskTypes, teams, timeOff } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { resetDatabase, testDatabase, type TestDatabase } from '../support/db.ts';

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
      { line: 5, column: 'owner', reason: 'unknown agent "U0NOBODY" (import them in a people file first)' },
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
    ['recommendations', 'customer_id,type,score\nC9,follow_up,1.5\n', { line: 2, column: 'customer_id', reason: 'unknown customer "C9" (import it in a customers file first)' }],
    ['task-types', 'type,label,effort_minutes\nBad Key,X,10\n', { line: 2, column: 'type', reason: '"Bad Key" must be lower-case letters, digits and _ (like renewal_call)' }],
    ['time-off', 'slack_user_id,team,from\nU0AGENT1,Shanghai Care,2026-12-01\n', { line: 2, column: 'slack_user_id', reason: 'give either slack_user_id (a day off) or team (a holiday), not both or neither' }],
    ['customers', 'customer_id,name,colour\nC1,A,red\n', { line: 1, column: 'colour', reason: expect.stringMatching(/^unknown column/) }],
    ['customers', 'customer_id,name\nC1,A,extra\n', { line: 2, column: null, reason: 'has 3 fields, the header has 2' }],
    ['customers', 'customer_id,name\n"C1,A\n', { line: expect.any(Number), column: null, reason: expect.stringMatching(/^not valid CSV/) }],
  ] as const)('refuses a bad %s file: %j', async (kind, content, error) => {
    await load('teams', TEAMS);
    await load('people', PEOPLE);
    const r = await importCsv(t.db, kind, content);
    expect(r.errors).toEqual([error]);
    expect(r.written).toBe(false);
  });

  it('runs from the command line, exits 1 on a bad file and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taskcart-cli-'));
    const good = join(dir, 'teams.csv');
    const bad = join(dir, 'bad.csv');
    writeFileSync(good, TEAMS);
    writeFileSync(bad, 'team,timezone\nA,UTC\nB,Nowhere/City\n');
    // On the embedded database the CLI gets its own data folder; on a server, this file's database.
    const env = { ...process.env, DATA_DIR: join(dir, 'data'), DATABASE_URL: t.url ?? '' };
    const run = (args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'src/cli/index.ts', ...args], { env }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const first = await run(['import', 'teams', good]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/teams: imported 2 rows: 2 inserted, 0 updated, 0 unchanged/);
    const again = await run(['import', 'teams', good]);
    expect(again.stdout).toMatch(/0 inserted, 0 updated, 2 unchanged/);
    const failed = await run(['import', 'teams', bad]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${bad}:3: timezone: "Nowhere/City" is not a known time zone`);
    expect(failed.stderr).toContain('nothing of');
    const dry = await run(['import', 'teams', good, '--dry-run']);
    expect(dry.stdout).toMatch(/would import 2 rows/);
    const allow = await run(['team', 'Shanghai Care', '--allow-flagged-commit', 'yes']);
    expect(allow.stdout).toMatch(/Shanghai Care: flagged carts may now be committed with a reason/);
    expect((await run(['team', 'Nowhere', '--allow-flagged-commit', 'yes'])).code).toBe(1);
    expect((await run(['team', 'Shanghai Care', '--team-customers', 'yes'])).stdout).toMatch(/Shanghai Care: agents may now plan tasks for their teammates’ customers too/);
    expect((await run(['team', 'Shanghai Care', '--team-customers', 'maybe'])).code).toBe(2);
    const cadence = await run(['team', 'Shanghai Care', '--cadence', 'gold=7', '--cadence', 'bronze=90']);
    expect(cadence.stdout).toMatch(/gold customers get a follow-up after 7 days without contact\n.*bronze customers get a follow-up after 90 days/);
  }, 60_000);
});
