// The MIP solver auto-balance is handed: HiGHS, compiled to WebAssembly. Loading it is
// asynchronous (the .wasm file is read and compiled once per process); solving is
// synchronous, so the pure engine can call it in the middle of a decision.
import { createRequire } from 'node:module';
import type { Highs, InitOptions } from 'highs';
import type { Mip, MipAnswer, MipOptions, MipSolver } from '../engine/index.ts';

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
