// The committed tasks of a team's agents for one week, for the CRM export (src/services/export.ts,
// docs/export.md): read page by page in one snapshot, so a team of any size costs bounded memory.
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../client.ts';
import { carts, customers, people, systemTasks, taskTypes, tasks } from '../schema.ts';

/** A task as the export writes it; times are UTC ISO text (the service puts them in the team's zone). */
export interface ExportedTask {
  id: number;
  /** The CRM's id of the task it came from (`system_tasks.external_id`); null for a task the agent added. */
  crmTaskId: string | null;
  day: string;
  agentId: string;
  agentName: string;
  customerId: string | null;
  customerName: string | null;
  typeKey: string;
  typeLabel: string;
  title: string;
  minutes: number;
  priority: string;
  source: string;
  /** open, done, skipped, or carried_over (open in this week, carried into a later cart). */
  status: string;
  /** When it was marked done or skipped. */
  doneAt: string | null;
  /** When the cart was last committed. */
  committedAt: string | null;
}

/** Where the previous page ended: the export is ordered by agent, day and task. */
export interface ExportCursor {
  agentId: string;
  day: string;
  id: number;
}

const utc = (column: ReturnType<typeof sql>) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * One page of the task list rows (written when a cart is committed) of the team's people whose
 * cart is for `week` (its Monday), after `cursor`, ordered by agent, day and task id. Keyset paging:
 * each page costs the same however far into the team it is.
 */
export async function committedTasksPage(db: DbOrTx, params: { teamId: number; week: string; after: ExportCursor | null; limit: number }): Promise<ExportedTask[]> {
  const { teamId, week, after, limit } = params;
  const from = after ? sql`and (t.agent_id, t.day, t.id) > (${after.agentId}, ${after.day}::date, ${after.id})` : sql``;
  return rowsOf<ExportedTask>(
    db,
    sql`select t.id, st.external_id as "crmTaskId", t.day::text as day, t.agent_id as "agentId", p.name as "agentName",
        t.customer_id as "customerId", cu.name as "customerName", t.type_key as "typeKey", tt.label as "typeLabel", t.title,
        t.effort_minutes as minutes, t.priority, t.source, t.status,
        ${utc(sql`t.done_at`)} as "doneAt", ${utc(sql`c.committed_at`)} as "committedAt"
      from ${tasks} t
      join ${carts} c on c.id = t.cart_id
      join ${people} p on p.slack_user_id = t.agent_id
      join ${taskTypes} tt on tt.key = t.type_key
      left join ${customers} cu on cu.id = t.customer_id
      left join ${systemTasks} st on st.id = t.system_task_id
      where p.team_id = ${teamId} and c.week_start = ${week}::date ${from}
      order by t.agent_id, t.day, t.id
      limit ${limit}`,
  );
}
