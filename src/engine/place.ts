import { allowedDays, measure } from './cart.ts';
import type { CartTask, IsoDay, Week } from './types.ts';

/** Where a picked recommendation lands unless the agent picks a day: the lightest allowed day by share of capacity. */
export function lightestAllowedDay(tasks: readonly CartTask[], week: Week, task: CartTask): IsoDay | null {
  const loads = new Map(measure(tasks, week).days.map((d) => [d.plan.day, d]));
  let best: IsoDay | null = null;
  let bestShare = Infinity;
  for (const day of allowedDays({ ...task, fixed: false }, week)) {
    const d = loads.get(day)!;
    const share = (d.workload + task.effort) / d.plan.capacity;
    if (share < bestShare) {
      bestShare = share;
      best = day;
    }
  }
  return best;
}
