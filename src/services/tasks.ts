// The agent's task list: what committed carts became, by day in the agent's zone.
import type { Db } from '../../db/client.ts';
import { setTaskStatus, taskListOf, type CartSummary, type TaskRow } from '../../db/queries/carts.ts';
import type { PersonWithTeam } from '../../db/queries/people.ts';
import { addDays, localDay, nextWeekStart, weekStartOf } from '../engine/index.ts';
import { AppError } from '../errors.ts';
import { isId, requirePerson, zoneOf } from './cart.ts';

export interface TaskListView {
  name: string;
  today: string;
  weekStart: string;
  /** This week's tasks, by day. */
  week: TaskRow[];
  thisCart: CartSummary | null;
  nextCart: CartSummary | null;
}

/** The task list of a Slack user, or of a person already loaded (after a cart change). */
export async function taskListFor(db: Db, who: string | PersonWithTeam, now: Date): Promise<TaskListView> {
  const person = typeof who === 'string' ? await requirePerson(db, who) : who;
  const zone = zoneOf(person);
  const weekStart = weekStartOf(now, zone);
  const next = nextWeekStart(now, zone);
  const { tasks: week, carts } = await taskListOf(db, person.person.slackUserId, weekStart, addDays(weekStart, 6), [weekStart, next]);
  return {
    name: person.person.name,
    today: localDay(now, zone),
    weekStart,
    week,
    thisCart: carts.find((c) => c.weekStart === weekStart) ?? null,
    nextCart: carts.find((c) => c.weekStart === next) ?? null,
  };
}

/** Marks one of the agent's tasks; a replay of the same click changes nothing (`false`). */
export async function markTask(db: Db, userId: string, taskId: number, status: 'open' | 'done' | 'skipped', requestKey?: string): Promise<boolean> {
  await requirePerson(db, userId);
  if (!isId(taskId)) throw new AppError('forbidden', 'That task is not on your list.');
  const outcome = await setTaskStatus(db, userId, taskId, status, requestKey);
  if (outcome === 'not_theirs') throw new AppError('forbidden', 'That task is not on your list.');
  return outcome === 'marked';
}
