// The importer's database side. A file is staged row by row in a temporary table inside one
// transaction (memory stays flat whatever the file's size), checked there against people and
// customers and for duplicate keys, then written with one upsert per table, or rolled back.
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type DbOrTx } from '../client.ts';
import { customers, people, recommendations, systemTasks, taskTypes, teams, timeOff } from '../schema.ts';

export type ImportKindName = 'teams' | 'people' | 'customers' | 'tasks' | 'recommendations' | 'task-types' | 'time-off';

/** The small tables a row is checked against in memory: teams and task types. */
export async function loadRefs(db: DbOrTx, needs: readonly string[]) {
  const has = (k: string) => needs.includes(k);
  return {
    teams: has('teams')
      ? new Map(
          (
            await db
              .select({ name: teams.name, id: teams.id, upperPercent: teams.upperPercent, lowerPercent: teams.lowerPercent, reminderStart: teams.reminderStart, reminderEnd: teams.reminderEnd })
              .from(teams)
          ).map((t) => [t.name, t]),
        )
      : new Map<string, { id: number; upperPercent: number; lowerPercent: number; reminderStart: string; reminderEnd: string }>(),
    taskTypes: has('taskTypes')
      ? new Map((await db.select().from(taskTypes)).map((t) => [t.key, { effortMinutes: t.effortMinutes, priority: t.priority }]))
      : new Map<string, { effortMinutes: number; priority: string }>(),
  };
}

interface Target {
  table: PgTable;
  /** One upsert per group: time off has two unique indexes, one for people and one for teams. */
  groups: Array<{ conflict: PgColumn[]; where?: SQL; rows?: SQL }>;
}

const TARGETS: Record<ImportKindName, Target> = {
  teams: { table: teams, groups: [{ conflict: [teams.name] }] },
  people: { table: people, groups: [{ conflict: [people.slackUserId] }] },
  customers: { table: customers, groups: [{ conflict: [customers.id] }] },
  tasks: { table: systemTasks, groups: [{ conflict: [systemTasks.externalId] }] },
  recommendations: { table: recommendations, groups: [{ conflict: [recommendations.customerId, recommendations.typeKey] }] },
  'task-types': { table: taskTypes, groups: [{ conflict: [taskTypes.key] }] },
  'time-off': {
    table: timeOff,
    groups: [
      { conflict: [timeOff.slackUserId, timeOff.fromDay], where: sql`slack_user_id is not null`, rows: sql`s.record->>'slack_user_id' is not null` },
      { conflict: [timeOff.teamId, timeOff.fromDay], where: sql`team_id is not null`, rows: sql`s.record->>'slack_user_id' is null` },
    ],
  },
};

const REFERENCED = {
  people: { table: people, key: people.slackUserId },
  customers: { table: customers, key: customers.id },
};

/** A record's field names (as the schema names them in code) → the table's column names. */
export function columnNames(kind: ImportKindName): Record<string, string> {
  return Object.fromEntries(Object.entries(getTableColumns(TARGETS[kind].table)).map(([field, c]) => [field, c.name]));
}

export interface StagedRow {
  /** Row number in the file, 1 for the first data row. */
  n: number;
  line: number;
  key: string | null;
  /** The record, keyed by column name; only fields that were read without a problem. */
  record: Record<string, unknown>;
  problems: Array<{ column: string | null; reason: string }> | null;
}

/** Dropped at the end of the transaction, committed or not (and before, if an import ran earlier in the same one). */
export async function createStaging(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`drop table if exists pg_temp.import_rows`);
  await tx.execute(sql`create temporary table import_rows (n int not null, line int not null, key text, record jsonb not null, problems jsonb) on commit drop`);
}

/** A batch of rows travels as one parameter: a JSON array of StagedRow. */
export async function stageRows(tx: DbOrTx, json: string): Promise<void> {
  await tx.execute(sql`insert into import_rows
    select * from json_to_recordset(${json}::json) as x(n int, line int, key text, record jsonb, problems jsonb)`);
}

const addProblem = (column: string, reason: SQL) =>
  sql`problems = coalesce(s.problems, '[]'::jsonb) || jsonb_build_array(jsonb_build_object('column', ${column}::text, 'reason', ${reason}))`;

/** Marks every staged row whose field names a person or customer that does not exist. */
export async function checkReference(tx: DbOrTx, ref: { field: string; column: string; table: 'people' | 'customers'; reason: string }): Promise<void> {
  const target = REFERENCED[ref.table];
  const value = sql`s.record->>${ref.field}`;
  // The value quoted as fields.quote() does, shortened: a reason never carries a whole cell.
  const shown = sql`'"' || left(${value}, 40) || case when length(${value}) > 40 then '…' else '' end || '"'`;
  await tx.execute(sql`update import_rows s set ${addProblem(ref.column, sql`format(${ref.reason}::text, ${shown})`)}
    where ${value} is not null and not exists (select 1 from ${target.table} where ${target.key} = ${value})`);
}

/** Marks every row whose key an earlier row of the file already has. */
export async function markDuplicates(tx: DbOrTx, keyColumn: string): Promise<void> {
  const shown = sql`'"' || left(s.key, 40) || case when length(s.key) > 40 then '…' else '' end || '"'`;
  await tx.execute(sql`with firsts as (select key, min(line) as line from import_rows where key is not null group by key having count(*) > 1)
    update import_rows s set ${addProblem(keyColumn, sql`format('duplicate key %s, first on line %s', ${shown}, f.line)`)}
    from firsts f where s.key = f.key and s.line <> f.line`);
}

/** How many staged rows have problems, and the first `limit` of them by line. */
export async function stagedProblems(tx: DbOrTx, limit: number) {
  const rows = await rowsOf<{ line: number; problems: Array<{ column: string | null; reason: string }>; total: number }>(
    tx,
    sql`select line, problems, count(*) over ()::int as total from import_rows where problems is not null order by line limit ${limit}`,
  );
  return { total: rows[0]?.total ?? 0, rows: rows.map(({ line, problems }) => ({ line, problems })) };
}

export async function stagedLine(tx: DbOrTx, n: number): Promise<number | null> {
  const [row] = await rowsOf<{ line: number }>(tx, sql`select line from import_rows where n = ${n}`);
  return row?.line ?? null;
}

/**
 * Upserts the staged rows (those numbered `from`…`to`, or all) by key. `fields` are written on
 * insert; only `update` are overwritten on a row that exists, and only when one of them differs,
 * so that a file imported again changes nothing. Returns how many rows were inserted and updated.
 */
export async function writeStaged(
  tx: DbOrTx,
  kind: ImportKindName,
  fields: readonly string[],
  update: readonly string[],
  range?: { from: number; to: number },
): Promise<{ inserted: number; updated: number }> {
  const target = TARGETS[kind];
  const columns = getTableColumns(target.table) as Record<string, PgColumn>;
  const name = (f: string) => sql.identifier(columns[f]!.name);
  const table = sql.identifier(getTableName(target.table));
  const list = (fs: readonly string[], prefix?: SQL) => sql.join(fs.map((f) => (prefix ? sql`${prefix}.${name(f)}` : name(f))), sql`, `);
  let inserted = 0;
  let updated = 0;
  for (const group of target.groups) {
    const keys = group.conflict.map((c) => c.name);
    const set = update.filter((f) => !keys.includes(columns[f]!.name));
    const filters = [group.rows, range && sql`s.n between ${range.from} and ${range.to}`].filter((f): f is SQL => f !== undefined);
    const action = set.length
      ? sql`do update set ${sql.join(
          set.map((f) => sql`${name(f)} = excluded.${name(f)}`),
          sql`, `,
        )}${'updatedAt' in columns ? sql`, updated_at = now()` : sql``}
        where (${list(set, sql`${table}`)}) is distinct from (${list(set, sql`excluded`)})`
      : sql`do nothing`;
    const [counts] = await rowsOf<{ inserted: number; updated: number }>(
      tx,
      sql`with written as (
        insert into ${table} (${list(fields)})
        select ${list(fields, sql`r`)} from import_rows s, jsonb_populate_record(null::${table}, s.record) r
        ${filters.length ? sql`where ${sql.join(filters, sql` and `)}` : sql``}
        order by s.n
        on conflict (${sql.join(keys.map((k) => sql.identifier(k)), sql`, `)}) ${group.where ? sql`where ${group.where}` : sql``} ${action}
        returning (xmax = 0) as inserted)
      select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from written`,
    );
    inserted += counts?.inserted ?? 0;
    updated += counts?.updated ?? 0;
  }
  return { inserted, updated };
}
