// The committed tasks of a team's agents for one week, for the CRM export (src/services/export.ts,
// docs/export.md): the week's carts with their task counts first, then their tasks a batch of carts
// at a time, every query on an index, so a team of any size costs time in proportion and bounded memory.
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

const utc = (column: ReturnType<typeof sql>) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** The carts for `week` (its Monday) of the team's people that have a task list, by agent, with how many tasks each holds. */
export async function weekTaskLists(db: DbOrTx, teamId: number, week: string): Promise<Array<{ id: number; tasks: number }>> {
  return rowsOf<{ id: number; tasks: number }>(
    db,
    sql`select c.id, count(*)::int as tasks
      from ${carts} c
      join ${people} p on p.slack_user_id = c.agent_id
      join ${tasks} t on t.cart_id = c.id
      where p.team_id = ${teamId} and c.week_start = ${week}::date
      group by c.id, c.agent_id
      order by c.agent_id`,
  );
}

/** The tasks of these carts (rows written when a cart is committed), ordered by agent, day and task id. */
export async function tasksOfCarts(db: DbOrTx, cartIds: readonly number[]): Promise<ExportedTask[]> {
  if (!cartIds.length) return [];
  // One JSON value for the batch: both drivers hand over one text and JSON.parse reads it, several
  // times faster than a row per task (the embedded driver decodes every cell of every row on its own).
  const [row] = await rowsOf<{ tasks: ExportedTask[] | string }>(
    db,
    sql`select coalesce(json_agg(json_build_object(
        'id', t.id, 'crmTaskId', st.external_id, 'day', t.day, 'agentId', t.agent_id, 'agentName', p.name,
        'customerId', t.customer_id, 'customerName', cu.name, 'typeKey', t.type_key, 'typeLabel', tt.label, 'title', t.title,
        'minutes', t.effort_minutes, 'priority', t.priority, 'source', t.source, 'status', t.status,
        'doneAt', ${utc(sql`t.done_at`)}, 'committedAt', ${utc(sql`c.committed_at`)})
        order by t.agent_id, t.day, t.id)::text, '[]') as tasks
      from ${tasks} t
      join ${carts} c on c.id = t.cart_id
      join ${people} p on p.slack_user_id = t.agent_id
      join ${taskTypes} tt on tt.key = t.type_key
      left join ${customers} cu on cu.id = t.customer_id
      left join ${systemTasks} st on st.id = t.system_task_id
      where t.cart_id in (select unnest(${`{${cartIds.join(',')}}`}::int[]))`,
  );
  const list = row!.tasks;
  return typeof list === 'string' ? (JSON.parse(list) as ExportedTask[]) : list;
}
