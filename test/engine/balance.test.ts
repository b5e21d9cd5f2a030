// Auto-balance with a MIP solver: HiGHS as the bot loads it, and every way it can be
// missing or wrong, where local search alone must answer (never anything worse).
import { describe, expect, it } from 'vitest';
import { autoBalance, measure, suggest, type Mip, type MipSolver } from '../../src/engine/index.ts';
import { loadSolver } from '../../src/services/solver.ts';
import { benchCart } from '../bench/carts.ts';
import { exactOptimum } from '../bench/optimum.ts';

const highs = (await loadSolver())!;
// Generous, so that the solver finishes: these tests assert what it finds, never how fast.
const LIMIT = 60_000;

// A hard cart (every task windowed, half of them to one or two days) where local search
// alone stops 20 flagged minutes short of the optimum.
const { tasks, week } = benchCart('windows', 5);

describe('HiGHS as loaded for the bot', () => {
  it('is loaded once per process', async () => {
    expect(await loadSolver()).toBe(highs);
  });

  // min x + y with 2x + 2y ≥ 3, x and y whole numbers in 0..5.
  const tiny: Mip = {
    numCols: 2,
    numRows: 1,
    colCost: [1, 1],
    colLower: [0, 0],
    colUpper: [5, 5],
    rowLower: [3],
    rowUpper: [Infinity],
    matrix: { starts: [0, 2], indices: [0, 1], values: [2, 2] },
    integer: [true, true],
  };

  it('solves a MIP to proven optimality, and says when one has no solution', () => {
    const r = highs.solve(tiny, { timeLimitMs: LIMIT, absoluteGap: 0.5 });
    expect(r.status).toBe('optimal');
    expect(r.x![0]! + r.x![1]!).toBe(2);
    expect(highs.solve({ ...tiny, rowUpper: [1] }, { timeLimitMs: LIMIT, absoluteGap: 0.5 })).toMatchObject({ status: 'infeasible', x: null });
  });

  it('keeps the warm start when it has no time to look further', () => {
    expect(highs.solve(tiny, { timeLimitMs: 0, absoluteGap: 0.5, start: [5, 5] })).toMatchObject({ status: 'stopped', x: [5, 5] });
  });
});

describe('auto-balance with HiGHS', () => {
  it('reaches the least flagged minutes where local search alone stops short, in the fewest moves, and says it is proven', async () => {
    const local = autoBalance(tasks, week);
    const r = autoBalance(tasks, week, { solver: highs, timeLimitMs: LIMIT });
    const best = await exactOptimum(tasks, week);
    expect(local).toMatchObject({ method: 'local_search', optimal: false, leastFlagged: false });
    expect(local.flaggedAfter).toBeGreaterThan(best.flagged);
    expect(r).toMatchObject({ method: 'mip', optimal: true, leastFlagged: true, flaggedAfter: best.flagged });
    expect(r.moves).toHaveLength(best.moves);
    expect(measure(r.tasks, week).flagged).toBe(best.flagged);
  });

  it('answers with the local search plan when the solver has no time: never worse, and not proven', () => {
    const local = autoBalance(tasks, week);
    const r = autoBalance(tasks, week, { solver: highs, timeLimitMs: 0, flaggedTimeLimitMs: 0 });
    expect(r).toEqual({ ...local, method: 'local_search', optimal: false, leastFlagged: false });
  });
});

describe('auto-balance falls back to local search alone', () => {
  const local = autoBalance(tasks, week);
  const noMip = { ...local, optimal: false, leastFlagged: false, method: 'local_search' };
  const answering = (answer: ReturnType<MipSolver['solve']>): MipSolver => ({ solve: () => answer });

  it.each<[string, MipSolver | null]>([
    ['the solver did not load', null],
    ['the solver throws', { solve: () => { throw new Error('HiGHS failed'); } }],
    ['the solver finds nothing', answering({ status: 'stopped', x: null, ms: 5 })],
    ['the solver says the model has no solution', answering({ status: 'infeasible', x: null, ms: 5 })],
  ])('when %s', (_, solver) => {
    expect(autoBalance(tasks, week, { solver, timeLimitMs: LIMIT })).toEqual(noMip);
  });

  it('when the solver claims a plan worse than local search is optimal', () => {
    // All zeros: nothing moves, every flag stays.
    const liar: MipSolver = { solve: (mip) => ({ status: 'optimal', x: mip.colCost.map(() => 0), ms: 5 }) };
    const r = autoBalance(tasks, week, { solver: liar, timeLimitMs: LIMIT });
    expect(r).toEqual(noMip);
  });

  it('and suggestions keep their greedy plans when the solver throws', () => {
    const failing: MipSolver = { solve: () => { throw new Error('HiGHS failed'); } };
    expect(suggest(tasks, week, { solver: failing })).toEqual(suggest(tasks, week));
  });
});
