// Names the views share, as plain text in the reader's language: a task by its type and customer,
// a day without capacity by its reason.
import type { GeneratedAbout } from '../src/engine/rules.ts';
import type { DayPlan } from '../src/engine/types.ts';
import type { TaskNote } from '../src/services/cart.ts';
import type { T } from './i18n/index.ts';
import { truncate } from './limits.ts';

/** A task as a notice names it: its type and customer (plain). */
export function taskName(t: T, task: Pick<TaskNote, 'type' | 'label' | 'customer'>): string {
  const label = truncate(t.fmt.typeLabel(task.type, task.label), 40);
  return task.customer ? t.plain('task.with_customer', { label, customer: truncate(task.customer, 40) }) : label;
}

/** Why a day has no capacity, as people call it (plain): the holiday's or day off's own name, else the kind. */
export function offName(t: T, day: string, off: NonNullable<DayPlan['off']>): string {
  if (off.reason) return truncate(off.reason, 60);
  if (off.kind === 'non_work_day') return t.fmt.weekdayLong(day);
  return t.plain(({ holiday: 'off.holiday', day_off: 'off.day_off', no_capacity: 'off.no_capacity' } as const)[off.kind]);
}


/** A generated task's title (stored with the task), in its agent's language. */
export function generatedTitle(t: T, about: GeneratedAbout): string {
  if (about.kind === 'renewal_call') return t.plain('title.renewal_call', { customer: about.customer, date: t.fmt.date(about.renewal) });
  return about.since === null ? t.plain('title.follow_up_never', { customer: about.customer }) : t.plain('title.follow_up', { customer: about.customer, count: about.since });
}
