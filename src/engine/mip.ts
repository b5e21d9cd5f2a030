// Auto-balance as a small mixed-integer program, solved by a MIP solver the caller
// hands in (HiGHS in the bot: src/services/solver.ts). The engine only builds the
// model and reads the answer back: it loads nothing and reads no clock; the time
// limit is a number passed through to the solver, which reports how long it ran.
//
// The model. Tasks alike in effort, current day and allowed days are one group, so a
// cart of many similar tasks stays a small model: an integer y[g][d] counts the tasks
// of group g moved to day d. Each day's load must stay between its thresholds, or pay
// over[d] / under[d] minutes for it. Every coefficient is an integer, so any plan's
// flagged minutes and moves are integers and a gap under 1 is a proof.
//
// Lexicographic, in steps: the least flagged minutes F, then the fewest moves with
// flagged ≤ F. For F, the linear relaxation's bound nearly always proves the local
// search plan's flagged minutes least already; when it does not, its answer (rounded
// down, polished by local search) and then a MIP solve look for better, with more time
// than the rest, as flagged minutes come first. The fewest moves are the hard part
// (proving no plan needs fewer) and get what is left of the total. One weighted
// objective was tried and is slower: its relaxation is weaker in both parts.
import { overOf, underOf } from './cart.ts';
import type { LoadState } from './state.ts';

/** min colCost·x subject to rowLower ≤ A·x ≤ rowUpper, colLower ≤ x ≤ colUpper, some x integer. A is by rows (CSR). */
export interface Mip {
  numCols: number;
  numRows: number;
  colCost: number[];
  colLower: number[];
  colUpper: number[];
  rowLower: number[];
  rowUpper: number[];
  matrix: { starts: number[]; indices: number[]; values: number[] };
  integer: boolean[];
}

export interface MipOptions {
  /** Give up and answer with the best point found after this long. */
  timeLimitMs: number;
  /** Give up after this many branch-and-bound nodes: a limit that, unlike time, gives the same answer every time. */
  nodeLimit?: number;
  /** A feasible point to start from (a warm start); the solver keeps it when it finds nothing better. */
  start?: readonly number[];
  /** Stop once the best point is proven within this much of the optimum. */
  absoluteGap: number;
}

export interface MipAnswer {
  /** `optimal`: proven within the gap; `stopped`: a limit was reached (x is the best found, if any). */
  status: 'optimal' | 'stopped' | 'infeasible';
  x: readonly number[] | null;
  /** How long the solver ran, by its own clock. */
  ms: number;
}

/** A MIP solver. It may throw: auto-balance then keeps its local search plan. */
export interface MipSolver {
  solve(mip: Mip, options: MipOptions): MipAnswer;
}

interface Group {
  effort: number;
  origin: number;
  /** Days other than the current one that the group's tasks may move to. */
  targets: number[];
  /** Task indices, the ones we would rather move first. */
  members: number[];
}

export interface MipPlan {
  /** Day index per task. */
  plan: number[];
  /** The solver proved no plan has fewer flagged minutes, nor as few with fewer moves. */
  optimal: boolean;
  /** The solver proved no plan has fewer flagged minutes. */
  leastFlagged: boolean;
}

/**
 * The better of `start` (the local search plan, the warm start) and the best plan the
 * solver finds within the time limit; null when the solver finds nothing. `polish`, when
 * given, is a local search from a plan: it turns the linear relaxation, rounded down,
 * into a second start.
 */
export function mipPlan(
  s: LoadState,
  start: readonly number[],
  solver: MipSolver,
  limits: { /** For everything, on most carts. */ totalMs: number; /** For the least flagged minutes, when the relaxation does not prove them. */ flaggedMs: number },
  polish?: (plan: number[]) => number[],
): MipPlan | null {
  const model = buildModel(s, (i) => s.allowed[i]!.filter((d) => d !== s.origin[i]));
  if (!model) return null;
  const { mip, yCol, flagCols } = model;
  const decode = (x: readonly number[]) => planOf(s, yCol, x);
  const point = (plan: readonly number[]) => pointOf(s, yCol, plan);
  const startScore = score(s, start);

  // 1. The least flagged minutes: none, when the start already flags none.
  let best = [...start];
  let bestScore = startScore;
  // Time spent so far, by the solver's clock.
  let spent = 0;
  const flagCost = mip.colCost.map((_, c) => (c >= flagCols ? 1 : 0));
  if (startScore.flagged > 0) {
    // The linear relaxation first: its bound nearly always proves the start's flagged minutes
    // least; when it does not, its answer rounded down and polished is often a better start.
    const relaxed = solver.solve({ ...mip, colCost: flagCost, integer: mip.integer.map(() => false) }, { timeLimitMs: limits.flaggedMs, absoluteGap: 0.5 });
    spent += relaxed.ms;
    // Flagged minutes are whole: a relaxation at 55.2 proves that no plan flags fewer than 56.
    const bound = relaxed.status === 'optimal' && relaxed.x ? Math.ceil(sum(relaxed.x.slice(flagCols)) - 1e-6) : -Infinity;
    if (bound < startScore.flagged && relaxed.x && polish) {
      const guess = polish(planOf(s, yCol, relaxed.x.map((v) => Math.floor(v + 1e-6))));
      const guessScore = score(s, guess);
      if (lexLess(guessScore, bestScore)) [best, bestScore] = [guess, guessScore];
    }
    if (bound < bestScore.flagged) {
      // Flagged minutes come first: this solve may take longer than the rest together.
      const left = limits.flaggedMs - spent;
      if (!(left > 0)) return { plan: best, optimal: false, leastFlagged: false };
      const first = solver.solve({ ...mip, colCost: flagCost }, { timeLimitMs: left, start: point(best), absoluteGap: 0.5 });
      spent += first.ms;
      if (!first.x) return lexLess(bestScore, startScore) ? { plan: best, optimal: false, leastFlagged: false } : null;
      const solved = decode(first.x);
      // Its flagged minutes are what the solver claims least: a claim a known plan beats is no proof.
      const claimed = score(s, solved).flagged;
      // The solver's plan minds only flagged minutes: local search puts back the moves it does not need.
      const firstPlan = polish ? polish(solved) : solved;
      const firstScore = score(s, firstPlan);
      if (lexLess(firstScore, bestScore)) [best, bestScore] = [firstPlan, firstScore];
      // Without a proof of F, the best plan so far is the answer.
      if (first.status !== 'optimal' || bestScore.flagged !== claimed) return { plan: best, optimal: false, leastFlagged: false };
    }
  }
  const left = limits.totalMs - spent;
  if (!(left > 0)) return { plan: best, optimal: false, leastFlagged: true };

  // 2. The fewest moves that keep the least flagged minutes, F.
  const F = bestScore.flagged;
  const second = solver.solve(
    {
      ...mip,
      numRows: mip.numRows + 1,
      colCost: mip.colCost.map((_, c) => (c < flagCols ? 1 : 0)),
      rowLower: [...mip.rowLower, -Infinity],
      rowUpper: [...mip.rowUpper, F],
      matrix: {
        starts: [...mip.matrix.starts, mip.matrix.indices.length + mip.numCols - flagCols],
        indices: [...mip.matrix.indices, ...range(flagCols, mip.numCols)],
        values: [...mip.matrix.values, ...range(flagCols, mip.numCols).map(() => 1)],
      },
    },
    { timeLimitMs: left, start: point(best), absoluteGap: 0.5 },
  );
  if (second.x) {
    const plan = decode(second.x);
    const planScore = score(s, plan);
    if (lexLess(planScore, bestScore)) {
      best = plan;
      bestScore = planScore;
    }
    // A proof covers the best plan whichever solve found it: nothing has fewer moves at F.
    if (second.status === 'optimal' && planScore.flagged === F && planScore.moves === bestScore.moves) return { plan: best, optimal: true, leastFlagged: true };
  }
  return { plan: best, optimal: false, leastFlagged: true };
}

/**
 * The suggestion for one flagged day that flags fewest minutes, in the fewest moves: tasks
 * move off the day (overloaded, or a day without capacity) or onto it (idle), and no other
 * day gets a new flag, a flag of another kind, or a bigger one. A single weighted solve
 * (these models are tiny): flagged minutes weigh more than all the moves together.
 * Returns a day index per task, or null when the solver finds nothing that helps.
 */
export function dayPlan(s: LoadState, day: number, solver: MipSolver, limits: { timeLimitMs: number; nodeLimit: number }): number[] | null {
  const kind = (d: number) => s.flagKind(d);
  const idle = kind(day) === 'idle';
  // May day d take more work, or give some?
  // A day gone by takes nothing, and may give all it holds (it is never flagged).
  const takes = (d: number) => !s.plans[d]!.past && kind(d) !== 'overloaded' && kind(d) !== 'off_day';
  const gives = (d: number) => kind(d) !== 'idle';
  const targetsOf = (i: number) => {
    const o = s.origin[i]!;
    if (idle) return o !== day && gives(o) && s.allowed[i]!.includes(day) ? [day] : [];
    return o === day ? s.allowed[i]!.filter((d) => d !== day && takes(d)) : [];
  };
  // Loads after: a day that takes work stays at most at its upper threshold; one that gives,
  // at least at its lower (a day without capacity may give all). Days that may neither give
  // nor take keep their load and need no bound.
  const bounds = s.plans.map((p, d) => {
    if (d === day) return idle ? { lo: -Infinity, hi: p.upper } : { lo: p.work ? p.lower : -Infinity, hi: Infinity };
    if (idle) return gives(d) && p.work && !p.past ? { lo: p.lower, hi: Infinity } : null;
    return takes(d) ? { lo: -Infinity, hi: p.upper } : null;
  });
  const model = buildModel(s, targetsOf, bounds);
  if (!model) return null;
  const { mip, yCol, flagCols } = model;
  const weight = yCol.reduce((n, { g }) => n + g.members.length, 0) + 1;
  const answer = solver.solve(
    { ...mip, colCost: mip.colCost.map((_, c) => (c < flagCols ? 1 : weight)) },
    { ...limits, start: pointOf(s, yCol, s.origin), absoluteGap: 0.5 },
  );
  if (!answer.x) return null;
  const plan = planOf(s, yCol, answer.x);
  return plan.some((d, i) => d !== s.origin[i]) ? plan : null;
}

interface Model {
  mip: Mip;
  yCol: Array<{ g: Group; d: number }>;
  /** Columns from here on are over[d] and under[d]. */
  flagCols: number;
}

/**
 * Where each task may move: `targets(i)`, days other than its own. `limits`, when given,
 * bounds each day's load after the moves (null: no bound).
 */
function buildModel(s: LoadState, targetsOf: (i: number) => number[], limits?: ReadonlyArray<{ lo: number; hi: number } | null>): Model | null {
  const days = s.plans.length;
  const base = s.plans.map(() => 0);
  const byKey = new Map<string, Group>();
  s.tasks.forEach((_, i) => {
    const origin = s.origin[i]!;
    if (origin < 0) return;
    const effort = s.effort[i]!;
    base[origin]! += effort;
    const targets = targetsOf(i);
    if (!targets.length) return;
    const key = `${effort}|${origin}|${targets.join(',')}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { effort, origin, targets, members: [] }));
    g.members.push(i);
  });
  const groups = [...byKey.values()];
  if (!groups.length) return null;
  for (const g of groups) g.members.sort((a, b) => s.pref[a]! - s.pref[b]! || a - b);

  // Columns: y[g][d] for each group and target day, then over[d] and under[d] for each day.
  const colUpper: number[] = [];
  const yCol: Array<{ g: Group; d: number }> = [];
  for (const g of groups) {
    for (const d of g.targets) {
      yCol.push({ g, d });
      colUpper.push(g.members.length);
    }
  }
  const flagCols = yCol.length;
  const over = (d: number) => flagCols + d;
  const under = (d: number) => flagCols + days + d;
  // Finite bounds (the most a day can be over, or under) help the solver's propagation.
  const most = [...base];
  for (const g of groups) for (const d of g.targets) most[d]! += g.effort * g.members.length;
  s.plans.forEach((p, d) => colUpper.push(overOf(p, most[d]!)));
  s.plans.forEach((p) => colUpper.push(underOf(p, 0)));
  const numCols = colUpper.length;

  // Rows: one per day (its load between the thresholds, or over/under pay for it), then one per group moving to two or more days.
  const dayRows: Array<Array<[number, number]>> = s.plans.map(() => []);
  yCol.forEach(({ g, d }, c) => {
    dayRows[d]!.push([c, g.effort]);
    dayRows[g.origin]!.push([c, -g.effort]);
  });
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const row = (entries: Array<[number, number]>, lo: number, hi: number) => {
    for (const [c, v] of entries.sort((a, b) => a[0] - b[0])) {
      indices.push(c);
      values.push(v);
    }
    starts.push(indices.length);
    rowLower.push(lo);
    rowUpper.push(hi);
  };
  s.plans.forEach((p, d) => {
    const entries = dayRows[d]!;
    // A day gone by is never flagged: its load is free (its over and under columns are held at 0).
    if (p.past) return row(entries, -Infinity, Infinity);
    entries.push([over(d), -1]);
    if (p.work) entries.push([under(d), 1]);
    row(entries, p.work ? p.lower - base[d]! : -Infinity, p.upper - base[d]!);
  });
  let c = 0;
  for (const g of groups) {
    if (g.targets.length > 1) row(g.targets.map((_, k) => [c + k, 1]), -Infinity, g.members.length);
    c += g.targets.length;
  }
  limits?.forEach((limit, d) => {
    if (limit) row(dayRows[d]!.filter(([col]) => col < flagCols), limit.lo - base[d]!, limit.hi - base[d]!);
  });
  return {
    mip: {
      numCols,
      numRows: rowLower.length,
      colCost: colUpper.map(() => 0),
      colLower: colUpper.map(() => 0),
      colUpper,
      rowLower,
      rowUpper,
      matrix: { starts, indices, values },
      // over and under too: integral like the loads they measure, so the solver knows the objective is integral.
      integer: colUpper.map(() => true),
    },
    yCol,
    flagCols,
  };
}

/** A solver's point as a plan: in each group, the tasks we would rather move go first. */
function planOf(s: LoadState, yCol: Model['yCol'], x: readonly number[]): number[] {
  const plan = [...s.origin];
  const taken = new Map<Group, number>();
  yCol.forEach(({ g, d }, col) => {
    const from = taken.get(g) ?? 0;
    const n = Math.min(Math.max(0, Math.round(x[col]!)), g.members.length - from);
    for (let k = from; k < from + n; k++) plan[g.members[k]!] = d;
    taken.set(g, from + n);
  });
  return plan;
}

/** A plan as a point of the model (a warm start). */
function pointOf(s: LoadState, yCol: Model['yCol'], plan: readonly number[]): number[] {
  const x = yCol.map(({ g, d }) => g.members.filter((i) => plan[i] === d).length);
  const loads = loadsOf(s, plan);
  const overs = s.plans.map((p, d) => overOf(p, loads[d]!));
  const unders = s.plans.map((p, d) => underOf(p, loads[d]!));
  return [...x, ...overs, ...unders];
}

function loadsOf(s: LoadState, plan: readonly number[]): number[] {
  const loads = s.plans.map(() => 0);
  s.tasks.forEach((_, i) => {
    if (s.origin[i]! >= 0) loads[plan[i]!]! += s.effort[i]!;
  });
  return loads;
}

interface Score {
  flagged: number;
  moves: number;
}

function score(s: LoadState, plan: readonly number[]): Score {
  const loads = loadsOf(s, plan);
  let flagged = 0;
  for (let d = 0; d < loads.length; d++) flagged += s.cost(d, loads[d]!);
  return { flagged, moves: plan.filter((d, i) => d !== s.origin[i]).length };
}

const lexLess = (a: Score, b: Score) => a.flagged < b.flagged || (a.flagged === b.flagged && a.moves < b.moves);

function sum(xs: readonly number[]): number {
  let total = 0;
  for (const x of xs) total += x;
  return total;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}
