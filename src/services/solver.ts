// The MIP solver auto-balance is handed: HiGHS, compiled to WebAssembly. Loading it is
// asynchronous (the .wasm file is read and compiled once per process); solving is
// synchronous, so the pure engine can call it in the middle of a decision.
import { createRequire } from 'node:module';
import type { Highs, InitOptions } from 'highs';
import { addDays, autoBalance, buildWeek, type CartTask, type Mip, type MipAnswer, type MipOptions, type MipSolver } from '../engine/index.ts';

// The package's CommonJS build exports the loader itself; its types describe the ES module's default export.
const loadHighs = createRequire(import.meta.url)('highs') as (options?: InitOptions) => Promise<Highs>;

let loading: Promise<MipSolver | null> | undefined;

/** HiGHS, loaded once per process; null when it cannot load (auto-balance then uses local search alone). */
export function loadSolver(): Promise<MipSolver | null> {
  loading ??= loadHighs().then(
    (highs) => highsSolver(highs),
    () => null,
  );
  return loading!;
}

export function highsSolver(highs: Highs): MipSolver {
  const { modelStatus, variableType } = highs.constants;
  return {
    solve(mip: Mip, options: MipOptions): MipAnswer {
      const model = highs.createModel();
      try {
        model.options.set({
          output_flag: false,
          time_limit: options.timeLimitMs / 1000,
          mip_rel_gap: 0,
          mip_abs_gap: options.absoluteGap,
          // These models are small and the warm start is good: presolve, symmetry detection and
          // primal heuristics cost more than they save (a third less CPU on the benchmark's carts).
          // The feasibility jump heuristic alone costs some 10 ms a solve, however small the model.
          presolve: 'off',
          mip_detect_symmetry: false,
          mip_heuristic_effort: 0,
          mip_heuristic_run_feasibility_jump: false,
          ...(options.nodeLimit !== undefined && { mip_max_nodes: options.nodeLimit }),
        });
        const inf = (v: number) => (v === Infinity ? highs.infinity : v === -Infinity ? -highs.infinity : v);
        model.passModel({
          numCols: mip.numCols,
          numRows: mip.numRows,
          colCost: mip.colCost,
          colLower: mip.colLower.map(inf),
          colUpper: mip.colUpper.map(inf),
          rowLower: mip.rowLower.map(inf),
          rowUpper: mip.rowUpper.map(inf),
          matrix: { format: 'csr', numRows: mip.numRows, numCols: mip.numCols, ...mip.matrix },
          integrality: mip.integer.map((i) => (i ? variableType.integer : variableType.continuous)),
        });
        if (options.start) model.setSolution({ colValue: options.start });
        const { modelStatus: status } = model.run();
        const ms = model.getRunTime() * 1000;
        if (status === modelStatus.infeasible) return { status: 'infeasible', x: null, ms };
        const feasible = model.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible;
        return {
          status: status === modelStatus.optimal ? 'optimal' : 'stopped',
          x: feasible ? Array.from(model.getSolution().colValue) : null,
          ms,
        };
      } finally {
        model.dispose();
      }
    },
  };
}

/** How long after its scheduler has started the bot warms the solver up (src/main.ts), which then logs "auto-balance: HiGHS warmed up". */
export const WARM_UP_AFTER_MS = 10_000;

/** How many made-up carts a warm-up solves (16), and what it waits for after each (by default, the next turn of the event loop). */
export interface WarmUpOptions {
  carts?: number;
  between?: () => Promise<unknown>;
}

/**
 * Auto-balances a few made-up carts. V8 first runs WebAssembly unoptimised and optimises
 * what runs often: until then a solve takes two to five times as long, and fewer plans are
 * proven within the time limit. Run at start-up, so the first agents' clicks are as quick
 * as the rest. About a second of CPU in all, in pieces of up to a few hundred milliseconds
 * (one cart each), with `between` awaited after each: the bot waits there until no request is
 * in flight (src/main.ts), so that a click waits for one piece at most, not for the warm-up.
 */
export async function warmUp(solver: MipSolver, options: WarmUpOptions = {}): Promise<void> {
  const { carts = 16, between = () => new Promise((resolve) => setImmediate(resolve)) } = options;
  let seed = 1;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const monday = '2026-01-05';
  for (let k = 0; k < carts; k++) {
    const n = 40 + 16 * k;
    const week = buildWeek(monday, {
      zone: 'UTC',
      workDays: [1, 2, 3, 4, 5],
      dayCapacity: 390,
      upperPercent: 100,
      lowerPercent: 60,
      holidays: [],
      timeOff: k % 3 ? [] : [{ from: addDays(monday, k % 5), to: addDays(monday, k % 5), reason: 'day off' }],
    });
    // About a full week's work (1,750 minutes), lopsided across the days.
    const mean = 1750 / n;
    const tasks = Array.from({ length: n }, (_, i): CartTask => {
      const day = Math.min(4, Math.floor(random() * random() * 6));
      const windowed = random() < 0.4;
      return {
        id: `w${i}`,
        type: 'warm_up',
        label: 'Warm-up',
        title: 'Warm-up',
        customerId: null,
        customerName: null,
        effort: Math.max(5, Math.round(mean * (0.3 + 1.4 * random()))),
        priority: 'normal',
        day: addDays(monday, day),
        earliest: windowed ? addDays(monday, Math.max(0, day - 1)) : null,
        due: windowed ? addDays(monday, Math.min(4, day + 1)) : null,
        fixed: random() < 0.1,
        source: 'system',
      };
    });
    autoBalance(tasks, week, { solver });
    await between();
  }
}
