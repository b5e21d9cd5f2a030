// Team rebalancing (issue 12): what no single cart can fix — an agent whose days are overloaded
// while teammates have room — fixed across carts. For one agent (the giver) and the open carts of
// their teammates for the same week, a concrete list of moves: an open, movable task of an
// overloaded day goes to a teammate, on a day of its window where the teammate has room.
//
// Every move, made in order, keeps these rules (the same check proposes a move and re-checks it
// before it is applied, `checkTeamMoves`):
// - the task is not fixed, lies on a flagged day of the giver (overloaded, or a day without
//   capacity), and the move strictly lowers that day's flagged minutes without turning it into
//   another flag (an overloaded day is never made idle);
// - the receiver is another member of the same week, may serve the task's customer (`mayServe`),
//   has no task of that customer and type already (no duplicate), and takes it on a work day of
//   its week inside the task's window;
// - the receiver's day gets no flag it did not have and no more flagged minutes (a day that was
//   idle may get less idle, never overloaded).
// So the giver's flagged minutes strictly fall with every move, and no receiver's rise.
//
// Greedy, best move first: the most flagged minutes relieved, then the same day over another,
// then the emptiest receiver's day by share of capacity, then the task we would rather move
// (low priority, the agent's own, latest due), then the order given. The same input gives the
// same moves. At most MAX_TEAM_MOVES moves: a list a supervisor reads and Slack shows whole.
import { allowedDays, dayCost, flagOf } from './cart.ts';
import { PRIORITIES, type CartTask, type DayPlan, type IsoDay, type Week } from './types.ts';

export const MAX_TEAM_MOVES = 10;

/** One agent's cart as rebalancing sees it: the tasks and the agent's own week (capacity, days off). */
export interface Member {
  agentId: string;
  tasks: readonly CartTask[];
  week: Week;
}

/**
 * Who may serve a customer (as db/queries/customers.ts `plannableBy` decides who may plan for
 * one): its owner; any member of the owner's team where the team allows team customers. A
 * customer without an owner, or one not listed, is served by nobody new. Tasks without a
 * customer may go to anyone.
 */
export interface Serving {
  teamCustomers: boolean;
  /** Each customer's owner (a Slack user id), null when nobody owns it. */
  owners: ReadonlyMap<string, string | null>;
  /** Everyone in the team (agents, supervisors): an owner elsewhere serves their own only. */
  team: ReadonlySet<string>;
}

export function mayServe(serving: Serving, agentId: string, customerId: string | null): boolean {
  if (customerId === null) return true;
  const owner = serving.owners.get(customerId);
  if (owner === undefined || owner === null) return false;
  if (owner === agentId) return true;
  return serving.teamCustomers && serving.team.has(owner) && serving.team.has(agentId);
}

export interface TeamMove {
  taskId: string;
  from: IsoDay;
  to: IsoDay;
  receiverId: string;
}

/** Why no move is proposed. */
export type RebalanceBlocked =
  /** No day of the giver is overloaded (or loaded without capacity). */
  | 'not_overloaded'
  /** Every task on those days is fixed. */
  | 'nothing_movable'
  /** No teammate has an open cart for the week. */
  | 'no_teammate'
  /** No teammate may take any of those tasks (their customers, their windows) without a flagged day of their own. */
  | 'no_room';

export interface Rebalance {
  moves: TeamMove[];
  /** The giver's flagged minutes before the moves and after. */
  flaggedBefore: number;
  flaggedAfter: number;
  /** Why `moves` is empty; null when there are moves. */
  blocked: RebalanceBlocked | null;
}

/** Loads per day, and the customer/type keys, of one member, as moves change them. */
class Ledger {
  readonly loads = new Map<IsoDay, number>();
  readonly keys = new Set<string>();
  readonly plans: Map<IsoDay, DayPlan>;
  /** Loads by the day's place in the week, kept with `loads`: the search reads these. */
  readonly at: number[];

  constructor(readonly member: Member) {
    this.plans = new Map(member.week.days.map((d) => [d.day, d]));
    for (const t of member.tasks) {
      this.loads.set(t.day, (this.loads.get(t.day) ?? 0) + t.effort);
      const k = keyOf(t);
      if (k) this.keys.add(k);
    }
    this.at = member.week.days.map((d) => this.load(d.day));
  }

  add(day: IsoDay, minutes: number): void {
    this.loads.set(day, this.load(day) + minutes);
    const i = this.member.week.days.findIndex((d) => d.day === day);
    if (i >= 0) this.at[i]! += minutes;
  }

  load(day: IsoDay): number {
    return this.loads.get(day) ?? 0;
  }

  flagged(): number {
    return this.member.week.days.reduce((s, d) => s + (flagOf(d, this.load(d.day))?.by ?? 0), 0);
  }
}

const keyOf = (t: CartTask) => (t.customerId === null ? null : `${t.customerId}\u0000${t.type}`);
const overload = (plan: DayPlan | undefined, load: number) => {
  const kind = plan ? flagOf(plan, load)?.kind : undefined;
  return kind === 'overloaded' || kind === 'off_day';
};

/** The giver's day after losing `effort`: minutes relieved, or null when the move does not strictly help or changes the flag's kind. */
function relief(plan: DayPlan, load: number, effort: number): number | null {
  if (!overload(plan, load)) return null;
  const after = load - effort;
  const gain = dayCost(plan, load) - dayCost(plan, after);
  const kind = flagOf(plan, after)?.kind;
  if (gain <= 0 || (kind !== undefined && kind !== flagOf(plan, load)!.kind)) return null;
  return gain;
}

/**
 * The receiver's day after taking `effort`: no new flag, no more flagged minutes. Adding work to a
 * work day can only flag it overloaded (an idle day gets less idle), so: a work day that stays at
 * or under its upper threshold.
 */
function hasRoom(plan: DayPlan, load: number, effort: number): boolean {
  return plan.work && load + effort <= plan.upper;
}

/** Whether one move keeps every rule, with the carts as the moves before it left them. */
function allowed(giver: Ledger, receiver: Ledger, serving: Serving, task: CartTask, to: IsoDay): number | null {
  if (task.fixed || receiver.member.agentId === giver.member.agentId) return null;
  if (receiver.member.week.start !== giver.member.week.start) return null;
  const plan = giver.plans.get(task.day);
  if (!plan) return null;
  const gain = relief(plan, giver.load(task.day), task.effort);
  if (gain === null) return null;
  if (!mayServe(serving, receiver.member.agentId, task.customerId)) return null;
  const k = keyOf(task);
  if (k && receiver.keys.has(k)) return null;
  if (!allowedDays(task, receiver.member.week).includes(to)) return null;
  const rPlan = receiver.plans.get(to);
  if (!rPlan || !hasRoom(rPlan, receiver.load(to), task.effort)) return null;
  return gain;
}

function record(giver: Ledger, receiver: Ledger, task: CartTask, to: IsoDay): void {
  giver.add(task.day, -task.effort);
  receiver.add(to, task.effort);
  const k = keyOf(task);
  if (k) receiver.keys.add(k);
}

/** Lower moves first: low priority, the agent's own, late due (as suggestions prefer). */
function preference(t: CartTask): number {
  const system = t.source === 'system' || t.source === 'carried_over' ? 1 : 0;
  const due = t.due ? Number(t.due.replaceAll('-', '')) : 99_999_999;
  return PRIORITIES.indexOf(t.priority) * 1e10 + system * 1e9 - due / 100;
}

/** The moves that relieve the giver's overloaded days onto teammates with room; see the file's head. */
export function proposeTeamMoves(giver: Member, teammates: readonly Member[], serving: Serving, max = MAX_TEAM_MOVES): Rebalance {
  const g = new Ledger(giver);
  const flaggedBefore = g.flagged();
  const receivers = teammates.filter((m) => m.agentId !== giver.agentId && m.week.start === giver.week.start).map((m) => new Ledger(m));
  const answer = (blocked: RebalanceBlocked | null, moves: TeamMove[] = []): Rebalance => ({ moves, flaggedBefore, flaggedAfter: g.flagged(), blocked });
  const heavy = giver.week.days.filter((d) => overload(d, g.load(d.day))).map((d) => d.day);
  if (!heavy.length) return answer('not_overloaded');
  const candidates = giver.tasks.filter((t) => !t.fixed && heavy.includes(t.day));
  if (!candidates.length) return answer('nothing_movable');
  if (!receivers.length) return answer('no_teammate');
  const pref = candidates.map(preference);
  // The days of each task's window (the receivers' weeks are the giver's week: the same seven days).
  const windows = candidates.map((t) => giver.week.days.flatMap((d, i) => ((!t.earliest || d.day >= t.earliest) && (!t.due || d.day <= t.due) ? [i] : [])));
  const serves = candidates.map((t) => receivers.map((r) => mayServe(serving, r.member.agentId, t.customerId)));
  /** Task ti's best teammate and day, as the carts stand: the same day first, then the emptiest day, then the order given. */
  const optionFor = (ti: number): Option | null => {
    const task = candidates[ti]!;
    const k = keyOf(task);
    let best: Option | null = null;
    for (let ri = 0; ri < receivers.length; ri++) {
      const receiver = receivers[ri]!;
      if (!serves[ti]![ri] || (k && receiver.keys.has(k))) continue;
      const days = receiver.member.week.days;
      for (const d of windows[ti]!) {
        const plan = days[d]!;
        const load = receiver.at[d]!;
        if (!hasRoom(plan, load, task.effort)) continue;
        const other = plan.day === task.day ? 0 : 1;
        const share = (load + task.effort) / Math.max(1, plan.capacity);
        if (!best || other < best.other || (other === best.other && share < best.share)) best = { other, share, ri, to: plan.day };
      }
    }
    return best;
  };
  // A move fills one teammate's day: only the tasks whose best option was that teammate look again
  // (every other option is as it was). A task with no option keeps none: teammates only fill up.
  const options: Array<Option | null | undefined> = candidates.map(() => undefined);
  const moves: TeamMove[] = [];
  const moved = new Set<number>();
  while (moves.length < max) {
    let best: { ti: number; gain: number; option: Option } | null = null;
    for (let ti = 0; ti < candidates.length; ti++) {
      if (moved.has(ti)) continue;
      const task = candidates[ti]!;
      const gain = relief(g.plans.get(task.day)!, g.load(task.day), task.effort);
      if (gain === null || (best && gain < best.gain)) continue;
      if (options[ti] === undefined) options[ti] = optionFor(ti);
      const option = options[ti];
      if (!option) continue;
      if (!best || better(gain, option, pref[ti]!, best.gain, best.option, pref[best.ti]!)) best = { ti, gain, option };
    }
    if (!best) break;
    const { ti, option } = best;
    const task = candidates[ti]!;
    const receiver = receivers[option.ri]!;
    record(g, receiver, task, option.to);
    moved.add(ti);
    moves.push({ taskId: task.id, from: task.day, to: option.to, receiverId: receiver.member.agentId });
    options.forEach((o, i) => {
      if (o && o.ri === option.ri) options[i] = undefined;
    });
  }
  return answer(moves.length ? null : 'no_room', moves);
}

/** Where a task would go: a teammate (by index) and a day, with how it ranks. */
interface Option {
  other: number;
  share: number;
  ri: number;
  to: IsoDay;
}

/**
 * The most relief, then the same day, then the emptiest day, then the task we would rather move;
 * on a tie the one found first (tasks, teammates and days are searched in order) stays.
 */
function better(gain: number, a: Option, pref: number, bestGain: number, b: Option, bestPref: number): boolean {
  if (gain !== bestGain) return gain > bestGain;
  if (a.other !== b.other) return a.other < b.other;
  if (a.share !== b.share) return a.share < b.share;
  return pref < bestPref;
}

/**
 * Whether these moves, made in order on the carts as they are now, each keep every rule above:
 * checked again before a proposal is applied (ownership, time off or a teammate's cart may have
 * changed since it was made).
 */
export function checkTeamMoves(giver: Member, teammates: readonly Member[], serving: Serving, moves: readonly TeamMove[]): boolean {
  const g = new Ledger(giver);
  const receivers = new Map(teammates.map((m) => [m.agentId, new Ledger(m)]));
  const tasks = new Map(giver.tasks.map((t) => [t.id, t]));
  const seen = new Set<string>();
  for (const m of moves) {
    const task = tasks.get(m.taskId);
    const receiver = receivers.get(m.receiverId);
    if (!task || !receiver || seen.has(m.taskId) || task.day !== m.from) return false;
    if (allowed(g, receiver, serving, task, m.to) === null) return false;
    record(g, receiver, task, m.to);
    seen.add(m.taskId);
  }
  return moves.length > 0;
}

/** The carts after the moves: the giver without the moved tasks, each receiver with theirs on the new day. */
export function applyTeamMoves(giver: Member, teammates: readonly Member[], moves: readonly TeamMove[]): { giver: Member; teammates: Member[] } {
  const byId = new Map(giver.tasks.map((t) => [t.id, t]));
  const gone = new Set(moves.map((m) => m.taskId));
  return {
    giver: { ...giver, tasks: giver.tasks.filter((t) => !gone.has(t.id)) },
    teammates: teammates.map((r) => {
      const mine = moves.filter((m) => m.receiverId === r.agentId);
      return mine.length ? { ...r, tasks: [...r.tasks, ...mine.map((m) => ({ ...byId.get(m.taskId)!, day: m.to }))] } : r;
    }),
  };
}
