// A cart as arrays of day indices and loads: what suggestions and auto-balance
// search over. Internal to the engine.
import { allowedDays, dayCost, flagOf } from './cart.ts';
import { PRIORITIES, type CartTask, type DayPlan, type Move, type Week } from './types.ts';

export class LoadState {
  readonly plans: DayPlan[];
  readonly effort: number[];
  readonly origin: number[];
  readonly cur: number[];
  readonly loads: number[];
  /** Allowed day indices per task; empty when the task may not move. Shared by tasks of the same window: never changed. */
  readonly allowed: ReadonlyArray<readonly number[]>;
  /** Lower moves first: low priority, agent-added, late-due tasks. */
  readonly pref: number[];

  /** A day's index in `plans`. */
  readonly dayIndex: Map<string, number>;
  private taskIndex: Map<string, number> | undefined;

  constructor(
    readonly tasks: readonly CartTask[],
    readonly week: Week,
  ) {
    this.plans = week.days;
    const index = (this.dayIndex = new Map(week.days.map((d, i) => [d.day, i])));
    this.effort = tasks.map((t) => t.effort);
    this.origin = tasks.map((t) => index.get(t.day) ?? -1);
    this.cur = [...this.origin];
    this.loads = week.days.map(() => 0);
    tasks.forEach((t, i) => {
      const d = this.origin[i]!;
      if (d >= 0) this.loads[d]! += t.effort;
    });
    // Most tasks share a window (most have none): each window's days are worked out once.
    const windows = new Map<string | null, Map<string | null, number[]>>();
    this.allowed = tasks.map((t, i) => {
      if (this.origin[i]! < 0 || t.fixed) return [];
      let byDue = windows.get(t.earliest);
      if (!byDue) windows.set(t.earliest, (byDue = new Map()));
      let days = byDue.get(t.due);
      if (!days) byDue.set(t.due, (days = allowedDays(t, week).map((day) => index.get(day)!)));
      return days;
    });
    this.pref = tasks.map((t) => {
      const dueIdx = t.due ? (index.get(t.due) ?? (t.due < week.start ? 0 : 7)) : 7;
      const system = t.source === 'system' || t.source === 'carried_over' ? 1 : 0;
      return PRIORITIES.indexOf(t.priority) * 100 + system * 10 + (7 - dueIdx);
    });
  }

  /** A task's index in `tasks`, by its id. */
  indexOf(taskId: string): number {
    this.taskIndex ??= new Map(this.tasks.map((t, i) => [t.id, i]));
    return this.taskIndex.get(taskId)!;
  }

  cost(d: number, load = this.loads[d]!): number {
    return dayCost(this.plans[d]!, load);
  }

  totalCost(): number {
    let s = 0;
    for (let d = 0; d < this.plans.length; d++) s += this.cost(d);
    return s;
  }

  /** Squared share of capacity: smaller when load is spread evenly. */
  sq(d: number, load = this.loads[d]!): number {
    const cap = this.plans[d]!.capacity;
    if (cap <= 0) return load * load;
    const share = load / cap;
    return share * share;
  }

  flagKind(d: number, load = this.loads[d]!): string | null {
    return flagOf(this.plans[d]!, load)?.kind ?? null;
  }

  move(i: number, to: number): void {
    const from = this.cur[i]!;
    this.loads[from]! -= this.effort[i]!;
    this.loads[to]! += this.effort[i]!;
    this.cur[i] = to;
  }

  moves(): Move[] {
    const out: Move[] = [];
    this.tasks.forEach((t, i) => {
      if (this.cur[i] !== this.origin[i]) {
        out.push({ taskId: t.id, from: t.day, to: this.plans[this.cur[i]!]!.day });
      }
    });
    return out;
  }

  result(): CartTask[] {
    return this.tasks.map((t, i) =>
      this.cur[i] === this.origin[i] ? t : { ...t, day: this.plans[this.cur[i]!]!.day },
    );
  }
}
