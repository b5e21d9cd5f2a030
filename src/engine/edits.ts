// Step 07: every edit returns a new cart; measuring it again is the next call.
import { AppError } from '../errors.ts';
import { allowedDays, mergeTasks, type MergeNote } from './cart.ts';
import type { CartTask, IsoDay, Move, Week } from './types.ts';

function find(tasks: readonly CartTask[], id: string): CartTask {
  const task = tasks.find((t) => t.id === id);
  if (!task) throw new AppError('task_gone');
  return task;
}

export function moveTask(tasks: readonly CartTask[], week: Week, id: string, to: IsoDay): CartTask[] {
  const task = find(tasks, id);
  if (task.day === to) return [...tasks];
  if (task.finished) throw new AppError('finished_task', { title: task.title });
  if (task.fixed) throw new AppError('fixed_task', { title: task.title, day: task.day });
  const plan = week.days.find((d) => d.day === to);
  if (!plan) throw new AppError('outside_week', { day: to });
  if (plan.past) throw new AppError('day_past', { day: to });
  if (!allowedDays(task, week).includes(to)) {
    throw new AppError('outside_window', { title: task.title, day: to });
  }
  return tasks.map((t) => (t.id === id ? { ...t, day: to } : t));
}

/** Applies a suggestion or a balance plan; every move is checked as if made by hand. */
export function applyMoves(tasks: readonly CartTask[], week: Week, moves: readonly Move[]): CartTask[] {
  let out = [...tasks];
  for (const m of moves) {
    if (find(out, m.taskId).day !== m.from) throw new AppError('suggestion_stale');
    out = moveTask(out, week, m.taskId, m.to);
  }
  return out;
}

export function removeTask(tasks: readonly CartTask[], id: string): CartTask[] {
  find(tasks, id);
  return tasks.filter((t) => t.id !== id);
}

export function setEffort(tasks: readonly CartTask[], id: string, minutes: number): CartTask[] {
  find(tasks, id);
  if (!Number.isInteger(minutes) || minutes < 1) throw new AppError('invalid_effort');
  return tasks.map((t) => (t.id === id ? { ...t, effort: minutes } : t));
}

/** Adds tasks to the cart; a duplicate of one already there is merged and reported. */
export function addTasks(tasks: readonly CartTask[], added: readonly CartTask[]): { tasks: CartTask[]; merged: MergeNote[] } {
  return mergeTasks([...tasks, ...added]);
}
