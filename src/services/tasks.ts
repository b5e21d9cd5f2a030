// The agent's task list: what committed carts became, by day in the agent's zone.
import type { Db } from '../../db/client.ts';
import { cartsOf, setTaskStatus, taskList, type CartRow, type TaskRow } from '../../db/queries/carts.ts';
import { addDays, localDay, nextWeekStart, weekStartOf } from '../engine/index.ts';
import { AppError } from '../errors.ts';
import { requirePerson, zoneOf } from './cart.ts';

export interface TaskListView {
  name: string;
  today: string;
  weekStart: string;
  /** This week's tasks, by day. */
  week: TaskRow[];
  thisCart: CartRow | null;
  nextCart: CartRow | null;
}

export async function taskListFor(db: Db, userId: string, now: Date): Promise<TaskListView> {
  const person = await requirePerson(db, userId);
  const zone = zoneOf(person);
  const weekStart = weekStartOf(now, zone);
  const next = nextWeekStart(now, zone);
  const [week, carts] = await Promise.all([taskList(db, userId, weekStart, addDays(weekStart, 6)), cartsOf(db, userId, [weekStart, next])]);
  return {
    name: person.person.name,
    today: localDay(now, zone),
    weekStart,
    week,
    thisCart: carts.find((c) => c.weekStart === weekStart) ?? null,
    nextCart: carts.find((c) => c.weekStart === next) ?? null,
  };
}

export async function markTask(db: Db, userId: string, taskId: number, status: 'open' | 'done' | 'skipped'): Promise<void> {
  await requirePerson(db, userId);
  const row = await setTaskStatus(db, userId, taskId, status);
  if (!row) throw new AppError('forbidden', 'That task is not on your list.');
}
