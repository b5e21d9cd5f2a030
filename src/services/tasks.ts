// The agent's task list: what committed carts became, by day in the agent's zone.
import type { Db } from '../../db/client.ts';
import { setTaskStatus, taskListOf, type CartSummary, type TaskRow } from '../../db/queries/carts.ts';
import type { PersonWithTeam } from '../../db/queries/people.ts';
import { addDays, localDay, planningWeek, workingWeek } from '../engine/index.ts';
import { AppError } from '../errors.ts';
import { isId, requirePerson, zoneOf } from './cart.ts';
import { reminderSwitches, type ReminderSwitches } from './reminders.ts';

/** The agent's two weeks in flight (src/engine/weeks.ts), in their zone. */
export interface TaskListView {
  person: PersonWithTeam;
  name: string;
  today: string;
  /** Monday of the working week. */
  weekStart: string;
  /** The working week's task list, by day. */
  week: TaskRow[];
  /**
   * Tasks of days before the working week still open, by day (the latest EARLIER_MAX): no cart has
   * carried them yet. The cart made on the last work day of a week carries that week's days before
   * it; that day's own leftovers are carried by the next cart made, and until then they are here,
   * to be done or skipped.
   */
  earlier: TaskRow[];
  /** How many there are in all. */
  earlierCount: number;
  /** Monday of the planning week. */
  nextWeekStart: string;
  /** The plan committed for the planning week, by day (empty until its cart is committed). */
  next: TaskRow[];
  thisCart: CartSummary | null;
  nextCart: CartSummary | null;
  /** An agent's reminders, switched in App Home (none for supervisors and admins). */
  reminders?: ReminderSwitches;
}

/** The task list of a Slack user, or of a person already loaded (after a cart change). */
export async function taskListFor(db: Db, who: string | PersonWithTeam, now: Date): Promise<TaskListView> {
  const person = typeof who === 'string' ? await requirePerson(db, who) : who;
  const zone = zoneOf(person);
  const weekStart = workingWeek(now, zone);
  const next = planningWeek(now, zone);
  const { tasks, carts, earlier, earlierCount } = await taskListOf(db, person.person.slackUserId, weekStart, addDays(next, 6), [weekStart, next]);
  return {
    person,
    name: person.person.name,
    today: localDay(now, zone),
    weekStart,
    week: tasks.filter((t) => t.day < next),
    earlier,
    earlierCount,
    nextWeekStart: next,
    next: tasks.filter((t) => t.day >= next),
    thisCart: carts.find((c) => c.weekStart === weekStart) ?? null,
    nextCart: carts.find((c) => c.weekStart === next) ?? null,
    reminders: person.person.role === 'agent' ? reminderSwitches(person) : undefined,
  };
}

/** Marks one of the agent's tasks; a replay of the same click changes nothing (`false`). */
export async function markTask(db: Db, userId: string, taskId: number, status: 'open' | 'done' | 'skipped', requestKey?: string): Promise<boolean> {
  await requirePerson(db, userId);
  if (!isId(taskId)) throw new AppError('task_not_yours');
  const outcome = await setTaskStatus(db, userId, taskId, status, requestKey);
  if (outcome === 'not_theirs') throw new AppError('task_not_yours');
  if (outcome === 'carried') throw new AppError('task_carried');
  return outcome === 'marked';
}
