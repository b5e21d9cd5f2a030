// Queries of the reminders: who is reminded in which zone, an agent's tasks of a day, the reminder
// messages of a day, and each agent's wish to get them.
import { sql } from 'drizzle-orm';
import { rowFromJson, rowsOf, type DbOrTx } from '../client.ts';
import { carts, deliveries, people, requestKeys, tasks, teams, timeOff } from '../schema.ts';
import { listed, openBefore, taskRow, type TaskRow } from './carts.ts';

export type PersonRow = typeof people.$inferSelect;

/** The zones the agents of each team live in (their own, else the team's), for teams that send reminders. */
export async function reminderZones(db: DbOrTx): Promise<Map<number, string[]>> {
  const rows = await rowsOf<{ team_id: number; zone: string }>(
    db,
    sql`select distinct p.team_id, coalesce(p.timezone, t.timezone) as zone
      from ${people} p join ${teams} t on t.id = p.team_id
      where p.role = 'agent' and t.reminders
      order by 1, 2`,
  );
  const out = new Map<number, string[]>();
  for (const r of rows) out.set(Number(r.team_id), [...(out.get(Number(r.team_id)) ?? []), r.zone]);
  return out;
}

/** A day's tasks of one agent as the task list shows them (carried-over ones are on a later list). */
const dayTasks = (agentId: unknown, day: string) =>
  sql`(select coalesce(json_agg(${taskRow} order by r.id), '[]') from (${listed(sql`t.agent_id = ${agentId} and t.day = ${day}::date and t.status <> 'carried_over'`)}) r)`;

/** How many of an agent's tasks of days before the week of `day` (its Monday on) are still open (openBefore). */
const earlierOpen = (agentId: unknown, day: string) =>
  sql`(select count(*) from ${tasks} t where ${openBefore(agentId, sql`${day}::date - (extract(isodow from ${day}::date)::int - 1)`)})::int`;

export interface AgentDay {
  person: PersonRow;
  /** A day off of the agent's, or a holiday of the team's. */
  off: boolean;
  tasks: TaskRow[];
  /** Tasks still open from before the week of the day (earlierOpen). */
  earlier: number;
  /** The DM with the agent, as a cart posted there recorded it: no conversations.open needed. */
  dm: string | null;
}

/** Every agent of the team living in `zone`, with their day: one round trip for the whole team. */
export async function agentDays(db: DbOrTx, teamId: number, zone: string, day: string): Promise<AgentDay[]> {
  const rows = await rowsOf<{ person: Record<string, unknown>; off: boolean; tasks: TaskRow[]; earlier: number; dm: string | null }>(
    db,
    sql`select to_json(p) as person,
      exists (select 1 from ${timeOff} o
        where (o.slack_user_id = p.slack_user_id or (o.slack_user_id is null and o.team_id = p.team_id))
          and o.from_day <= ${day}::date and o.to_day >= ${day}::date) as off,
      ${dayTasks(sql`p.slack_user_id`, day)} as tasks,
      ${earlierOpen(sql`p.slack_user_id`, day)} as earlier,
      (select c.channel_id from ${carts} c where c.agent_id = p.slack_user_id and c.channel_id is not null order by c.week_start desc limit 1) as dm
    from ${people} p join ${teams} tm on tm.id = p.team_id
    where p.team_id = ${teamId} and p.role = 'agent' and coalesce(p.timezone, tm.timezone) = ${zone}
    order by p.slack_user_id`,
  );
  return rows.map((r) => ({ person: rowFromJson(people, r.person), off: Boolean(r.off), tasks: r.tasks, earlier: Number(r.earlier), dm: r.dm }));
}

/** An agent's tasks of a day, those still open from before its week, and the reminder messages posted to them that day (by delivery key). */
export async function reminderDay(db: DbOrTx, agentId: string, day: string, keys: string[]): Promise<{ tasks: TaskRow[]; earlier: number; messages: Array<{ key: string; channelId: string; ts: string }> }> {
  const [row] = await rowsOf<{ tasks: TaskRow[]; earlier: number; messages: Array<{ key: string; channelId: string; ts: string }> }>(
    db,
    sql`select ${dayTasks(agentId, day)} as tasks, ${earlierOpen(agentId, day)} as earlier,
      (select coalesce(json_agg(json_build_object('key', d.key, 'channelId', d.channel_id, 'ts', d.message_ts) order by d.key), '[]')
        from ${deliveries} d
        where d.key in (${sql.join(keys.map((k) => sql`${k}`), sql`, `)}) and d.status = 'sent' and d.message_ts is not null) as messages`,
  );
  return row!;
}

/**
 * Turns one of the agent's reminders on or off, in one statement that also claims the request's
 * key: false for a replay (nothing changes), or for someone who is not an agent the bot knows.
 */
export async function setReminderWish(db: DbOrTx, agentId: string, kind: 'start' | 'end', on: boolean, requestKey?: string): Promise<boolean> {
  const claim = requestKey ? sql`claimed as (insert into ${requestKeys} (key) values (${requestKey}) on conflict do nothing returning key)` : sql`claimed as (select 1)`;
  const column = kind === 'start' ? sql`remind_start` : sql`remind_end`;
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`with ${claim},
      switched as (update ${people} set ${column} = ${on}, updated_at = now() where slack_user_id = ${agentId} and exists (select 1 from claimed) returning 1)
    select (select count(*) from switched)::int as n`,
  );
  return Boolean(row?.n);
}
