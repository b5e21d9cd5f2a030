// Checks a submitted Add task form. Every wrong field gets its own message; nothing is saved until all are right.
import type { Week } from '../engine/index.ts';
import { PRIORITIES, type Priority } from '../engine/types.ts';
import type { NewItem } from './cart.ts';

export interface AddTaskForm {
  title: string | null;
  customerId: string | null;
  typeKey: string | null;
  day: string | null;
  effort: string | null;
  priority: string | null;
  notes: string | null;
}

export type FieldErrors = Partial<Record<keyof AddTaskForm, string>>;

export const TITLE_MAX = 150;

export function checkAddTask(
  form: AddTaskForm,
  week: Week,
  types: ReadonlyMap<string, { effortMinutes: number }>,
): { ok: true; item: NewItem } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = form.title?.trim() ?? '';
  if (!title) errors.title = 'Give the task a title.';
  else if ([...title].length > TITLE_MAX) errors.title = `Keep the title to ${TITLE_MAX} characters (it has ${[...title].length}).`;
  const type = form.typeKey ? types.get(form.typeKey) : undefined;
  if (!type) errors.typeKey = 'Pick a task type.';
  const day = week.days.find((d) => d.day === form.day);
  if (!day) errors.day = 'Pick a day of this cart’s week.';
  else if (!day.work) errors.day = `${day.off?.reason ?? 'That day'} has no capacity: pick a work day.`;
  let effort = type?.effortMinutes ?? 0;
  const raw = form.effort?.trim();
  if (raw) {
    const cap = day?.work ? day.capacity : Math.max(...week.days.map((d) => d.capacity));
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > cap) errors.effort = `Effort is a whole number of minutes from 1 to ${cap}.`;
    else effort = Number(raw);
  }
  const priority = (PRIORITIES as readonly string[]).includes(form.priority ?? '') ? (form.priority as Priority) : 'normal';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    item: { typeKey: form.typeKey!, title, customerId: form.customerId, effortMinutes: effort, priority, day: day!.day, source: 'custom', notes: form.notes?.trim() ?? '' },
  };
}
