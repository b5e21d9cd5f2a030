// Steps 03 and 04 of the method: one cart from both groups, duplicates merged,
// each day's workload measured against its capacity and flagged.
import { openDays } from './calendar.ts';
import { PRIORITIES, type CartTask, type DayLoad, type DayPlan, type Flag, type IsoDay, type Week } from './types.ts';

/** Minutes of one day's workload over its upper threshold: all of it on a day without capacity; none on a day gone by. */
export function overOf(plan: DayPlan, workload: number): number {
  return plan.past ? 0 : Math.max(0, workload - plan.upper);
}

/** Minutes of one work day's workload under its lower threshold; none on a day gone by. */
export function underOf(plan: DayPlan, workload: number): number {
  return plan.work && !plan.past ? Math.max(0, plan.lower - workload) : 0;
}

/** Flagged minutes of one day at a given workload: the excess over the upper threshold plus the shortfall under the lower. */
export function dayCost(plan: DayPlan, workload: number): number {
  return overOf(plan, workload) + underOf(plan, workload);
}

export function flagOf(plan: DayPlan, workload: number): Flag | null {
  if (plan.past) return null;
  if (!plan.work) return workload > 0 ? { kind: 'off_day', by: workload } : null;
  if (workload > plan.upper) return { kind: 'overloaded', by: workload - plan.upper };
  if (workload < plan.lower) return { kind: 'idle', by: plan.lower - workload };
  return null;
}

export interface Measure {
  days: DayLoad[];
  /** Sum of every day's flagged minutes: zero exactly when the cart may be committed. */
  flagged: number;
  committable: boolean;
  totalMinutes: number;
  totalCapacity: number;
  taskCount: number;
}

export function measure(tasks: readonly CartTask[], week: Week): Measure {
  const load = new Map<IsoDay, { workload: number; count: number }>();
  for (const t of tasks) {
    const l = load.get(t.day) ?? { workload: 0, count: 0 };
    l.workload += t.effort;
    l.count += 1;
    load.set(t.day, l);
  }
  const days = week.days.map((plan) => {
    const l = load.get(plan.day) ?? { workload: 0, count: 0 };
    return { plan, workload: l.workload, count: l.count, flag: flagOf(plan, l.workload) };
  });
  const flagged = days.reduce((s, d) => s + (d.flag?.by ?? 0), 0);
  return {
    days,
    flagged,
    committable: flagged === 0,
    totalMinutes: days.reduce((s, d) => s + d.workload, 0),
    totalCapacity: days.reduce((s, d) => s + d.plan.capacity, 0),
    taskCount: tasks.length,
  };
}

/** Days of the week a task may be planned on: inside its window, with capacity, not gone by. A fixed task stays put. */
export function allowedDays(task: CartTask, week: Week): IsoDay[] {
  if (task.fixed) return [task.day];
  return openDays(week)
    .filter((d) => (!task.earliest || d.day >= task.earliest) && (!task.due || d.day <= task.due))
    .map((d) => d.day);
}

export interface MergeNote {
  kept: CartTask;
  dropped: CartTask;
}

const rank = (p: CartTask['priority']) => PRIORITIES.indexOf(p);
const fromSystem = (t: CartTask) => t.source === 'system' || t.source === 'carried_over';

/** Which of two duplicates survives: the system's over the agent's, then the earlier day, then the first seen. */
function keeps(a: CartTask, b: CartTask): boolean {
  if (fromSystem(a) !== fromSystem(b)) return fromSystem(a);
  return a.day <= b.day;
}

/**
 * Step 03: duplicates (same customer, same type) become one task. The survivor
 * takes the tighter window (when it still holds its day) and the higher priority.
 * Tasks without a customer are never merged, nor a task already done, skipped or carried over on the
 * list of a reopened cart: that is work done, and a new one for the customer is more.
 */
export function mergeTasks(tasks: readonly CartTask[]): { tasks: CartTask[]; merged: MergeNote[] } {
  const byKey = new Map<string, number>();
  const out: CartTask[] = [];
  const merged: MergeNote[] = [];
  for (const task of tasks) {
    const key = task.customerId === null || task.finished ? null : `${task.customerId}\u0000${task.type}`;
    const at = key === null ? undefined : byKey.get(key);
    if (at === undefined) {
      if (key !== null) byKey.set(key, out.length);
      out.push(task);
      continue;
    }
    const existing = out[at]!;
    const [kept, dropped] = keeps(existing, task) ? [existing, task] : [task, existing];
    out[at] = combine(kept, dropped);
    merged.push({ kept: out[at], dropped });
  }
  return { tasks: out, merged };
}

function combine(kept: CartTask, dropped: CartTask): CartTask {
  const earliest = maxDay(kept.earliest, dropped.earliest);
  const due = minDay(kept.due, dropped.due);
  const holds = (!earliest || kept.day >= earliest) && (!due || kept.day <= due);
  return {
    ...kept,
    earliest: holds ? earliest : kept.earliest,
    due: holds ? due : kept.due,
    priority: rank(dropped.priority) > rank(kept.priority) ? dropped.priority : kept.priority,
    fixed: kept.fixed,
  };
}

const maxDay = (a: IsoDay | null, b: IsoDay | null) => (a && b ? (a > b ? a : b) : (a ?? b));
const minDay = (a: IsoDay | null, b: IsoDay | null) => (a && b ? (a < b ? a : b) : (a ?? b));
