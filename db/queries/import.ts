// Reads the references an import checks against, the rows it may update, and
// writes a validated file in one transaction.
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../client.ts';
import { customers, people, recommendations, systemTasks, taskTypes, teams, timeOff } from '../schema.ts';

export type ImportKindName = 'teams' | 'people' | 'customers' | 'tasks' | 'recommendations' | 'task-types' | 'time-off';

export async function loadRefs(db: DbOrTx, needs: readonly string[]) {
  const has = (k: string) => needs.includes(k);
  return {
    teams: has('teams') ? new Map((await db.select({ name: teams.name, id: teams.id }).from(teams)).map((t) => [t.name, t.id])) : new Map<string, number>(),
    people: has('people') ? new Set((await db.select({ id: people.slackUserId }).from(people)).map((p) => p.id)) : new Set<string>(),
    customers: has('customers') ? new Set((await db.select({ id: customers.id }).from(customers)).map((c) => c.id)) : new Set<string>(),
    taskTypes: has('taskTypes')
      ? new Map((await db.select().from(taskTypes)).map((t) => [t.key, { effortMinutes: t.effortMinutes, priority: t.priority }]))
      : new Map<string, { effortMinutes: number; priority: string }>(),
  };
}

interface Target {
  table: PgTable;
  /** Columns written by the import, by record field. */
  fields: readonly string[];
  conflict: PgColumn[];
  /** The key the import gives a record; `teams` names team ids (time off is keyed by team name). */
  key(record: Record<string, unknown>, teams: ReadonlyMap<number, string>): string;
}

const TARGETS: Record<ImportKindName, Target> = {
  teams: {
    table: teams,
    fields: ['name', 'timezone', 'workDays', 'dayCapacityMinutes', 'upperPercent', 'lowerPercent', 'digestChannel'],
    conflict: [teams.name],
    key: (r) => String(r.name),
  },
  people: {
    table: people,
    fields: ['slackUserId', 'name', 'teamId', 'role', 'dayCapacityMinutes', 'timezone'],
    conflict: [people.slackUserId],
    key: (r) => String(r.slackUserId),
  },
  customers: {
    table: customers,
    fields: ['id', 'name', 'ownerId', 'segment', 'region', 'tags', 'lastContact', 'renewalDate', 'phone'],
    conflict: [customers.id],
    key: (r) => String(r.id),
  },
  tasks: {
    table: systemTasks,
    fields: ['externalId', 'agentId', 'typeKey', 'title', 'customerId', 'plannedDay', 'earliest', 'due', 'effortMinutes', 'priority', 'fixed', 'source'],
    conflict: [systemTasks.externalId],
    key: (r) => String(r.externalId),
  },
  recommendations: {
    table: recommendations,
    fields: ['customerId', 'typeKey', 'score', 'reason'],
    conflict: [recommendations.customerId, recommendations.typeKey],
    key: (r) => `${r.customerId}/${r.typeKey}`,
  },
  'task-types': {
    table: taskTypes,
    fields: ['key', 'label', 'effortMinutes', 'priority'],
    conflict: [taskTypes.key],
    key: (r) => String(r.key),
  },
  'time-off': {
    table: timeOff,
    fields: ['slackUserId', 'teamId', 'fromDay', 'toDay', 'reason'],
    conflict: [timeOff.slackUserId, timeOff.fromDay],
    key: (r, names) => `${r.slackUserId ?? `team:${names.get(Number(r.teamId))}`}/${r.fromDay}`,
  },
};

const comparable = (fields: readonly string[], r: Record<string, unknown>) =>
  JSON.stringify(fields.map((f) => (typeof r[f] === 'number' ? Math.round(Number(r[f]) * 1e6) / 1e6 : (r[f] ?? null))));

/** The stored rows of a kind, keyed as the import keys them, in a comparable form. */
export async function loadExisting(db: DbOrTx, kind: ImportKindName): Promise<Map<string, string>> {
  const target = TARGETS[kind];
  const names = kind === 'time-off' ? new Map((await db.select({ id: teams.id, name: teams.name }).from(teams)).map((t) => [t.id, t.name])) : new Map<number, string>();
  const rows = (await db.select().from(target.table)) as Record<string, unknown>[];
  return new Map(rows.map((r) => [target.key(r, names), comparable(target.fields, r)]));
}

export function isUnchanged(kind: ImportKindName, existing: string | undefined, record: Record<string, unknown>): boolean {
  return existing === comparable(TARGETS[kind].fields, record);
}

const BATCH = 1000;

/** Upserts records by key; team holidays (no person) are matched by team and first day. */
export async function writeRecords(db: Db, kind: ImportKindName, records: Record<string, unknown>[], onProgress?: (n: number) => void) {
  const target = TARGETS[kind];
  const columns = getTableColumns(target.table) as Record<string, PgColumn>;
  await db.transaction(async (tx) => {
    const groups: { rows: Record<string, unknown>[]; conflict: PgColumn[]; where: SQL | undefined }[] =
      kind === 'time-off'
        ? [
            { rows: records.filter((r) => r.slackUserId !== null), conflict: [timeOff.slackUserId, timeOff.fromDay], where: sql`slack_user_id is not null` },
            { rows: records.filter((r) => r.slackUserId === null), conflict: [timeOff.teamId, timeOff.fromDay], where: sql`team_id is not null` },
          ]
        : [{ rows: records, conflict: target.conflict, where: undefined }];
    let done = 0;
    for (const g of groups) {
      for (let i = 0; i < g.rows.length; i += BATCH) {
        const batch = g.rows.slice(i, i + BATCH);
        const set = Object.fromEntries(
          target.fields.filter((f) => !g.conflict.includes(columns[f]!)).map((f) => [f, sql.raw(`excluded."${columns[f]!.name}"`)]),
        );
        if ('updatedAt' in columns) Object.assign(set, { updatedAt: sql`now()` });
        await tx
          .insert(target.table)
          .values(batch as never)
          .onConflictDoUpdate({ target: g.conflict, targetWhere: g.where, set });
        done += batch.length;
        onProgress?.(done);
      }
    }
  });
}
