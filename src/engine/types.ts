// The cart engine's vocabulary. Days are ISO dates (YYYY-MM-DD) in the agent's zone,
// so they compare as strings and carry no clock.
export type IsoDay = string;
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type TaskSource = 'system' | 'carried_over' | 'recommended' | 'custom';

export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

export interface CartTask {
  id: string;
  type: string;
  /** The task type's label, e.g. "Renewal call". */
  label: string;
  title: string;
  customerId: string | null;
  customerName: string | null;
  effort: number;
  priority: Priority;
  day: IsoDay;
  earliest: IsoDay | null;
  due: IsoDay | null;
  fixed: boolean;
  source: TaskSource;
  notes?: string;
  /**
   * Marked done or skipped on the task list of an earlier commit (a cart reopened after it), or
   * carried over from that list into a later week's cart: such a task is also `fixed`, where it was
   * planned. Null or absent for any other.
   */
  finished?: 'done' | 'skipped' | 'carried_over' | null;
}

export interface DayPlan {
  day: IsoDay;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** A work day with capacity; tasks on any other day are flagged. */
  work: boolean;
  capacity: number;
  /** Workload above this many minutes is an overload. */
  upper: number;
  /** Workload below this many minutes is idle (work days only). */
  lower: number;
  /**
   * Why a day has no capacity: not a work day of the team, a team holiday, the agent's day off, or
   * no capacity at all. `reason` is the holiday's or day off's own text from the file, or empty.
   */
  off: null | { kind: 'non_work_day' | 'holiday' | 'day_off' | 'no_capacity'; reason: string };
  /**
   * Gone by: a day of the working week before today, in the agent's zone (calendar.ts asOf). Its
   * workload is measured as planned, but it is never flagged (nothing can be done about it now)
   * and no task moves or is added to it; a task still on it may move to a day to come.
   */
  past?: boolean;
}

export interface Week {
  zone: string;
  /** Monday. */
  start: IsoDay;
  /** Monday … Sunday. */
  days: DayPlan[];
}

export type Flag =
  | { kind: 'overloaded'; by: number }
  | { kind: 'idle'; by: number }
  /** Tasks on a day without capacity (weekend, holiday, day off): all of it is excess. */
  | { kind: 'off_day'; by: number };

export interface DayLoad {
  plan: DayPlan;
  workload: number;
  count: number;
  flag: Flag | null;
}

export interface Move {
  taskId: string;
  from: IsoDay;
  to: IsoDay;
}
