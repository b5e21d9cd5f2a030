// Engine benchmark: flags + suggestions and auto-balance time by cart size; auto-balance
// quality per variant of hard carts (test/bench/carts.ts) against the exact optimum
// (test/bench/optimum.ts: HiGHS with a generous time limit, a model written apart from
// the engine's); and auto-balance time at 300 tasks.
import { performance } from 'node:perf_hooks';
import { autoBalance, measure, suggest, type MipSolver } from '../../src/engine/index.ts';
import { loadSolver, warmUp } from '../../src/services/solver.ts';
import { benchCart, VARIANT_NOTES, VARIANTS } from './carts.ts';
import { exactOptimum } from './optimum.ts';

function median(fn: () => void, minRuns = 5, minMs = 200): number {
  fn(); // warm
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || performance.now() - start < minMs) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return quantile(samples, 0.5);
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;

export async function benchEngine(opts: { cartsPerVariant: number }): Promise<void> {
  const solver = await loadSolver();
  if (!solver) throw new Error('HiGHS did not load');
  await warmUp(solver); // as the bot does at start-up
  console.log('\n## Engine');
  sizes(solver);
  await quality(solver, opts.cartsPerVariant);
  timing(solver, opts.cartsPerVariant);
}

function sizes(solver: MipSolver): void {
  console.log('| tasks | flags + suggestions (median ms) | with HiGHS where greedy moves leave a day flagged | auto-balance, local search alone (median ms) | auto-balance (median ms) | flagged before → after | moves | proven optimal |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|:--:|');
  for (const n of [50, 150, 300, 500, 2000]) {
    const { tasks, week } = benchCart('mixed', 7, n);
    const flags = median(() => {
      measure(tasks, week);
      suggest(tasks, week);
    });
    const solved = median(() => {
      measure(tasks, week);
      suggest(tasks, week, { solver });
    });
    const local = median(() => autoBalance(tasks, week), 3);
    const balance = median(() => autoBalance(tasks, week, { solver }), 3);
    const r = autoBalance(tasks, week, { solver });
    console.log(`| ${n} | ${flags.toFixed(2)} | ${solved.toFixed(2)} | ${local.toFixed(2)} | ${balance.toFixed(2)} | ${r.flaggedBefore} → ${r.flaggedAfter} | ${r.moves.length} | ${r.optimal ? 'yes' : 'no'} |`);
  }
}

async function quality(solver: MipSolver, per: number): Promise<void> {
  console.log(
    `\nAuto-balance against the exact optimum, ${per} seeded carts per variant (${per * VARIANTS.length} in all). ` +
      'Optimal: the least flagged minutes any plan reaches. Moves: total moves over the total of the fewest that reach it, on carts where both reach it.',
  );
  console.log('| variant | tasks | optimal flagged minutes | local search alone | proven optimal | moves / minimum | worse than local search | reference proven |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  let all = 0;
  let allOptimal = 0;
  const t0 = performance.now();
  for (const variant of VARIANTS) {
    let optimal = 0;
    let localOptimal = 0;
    let proven = 0;
    let moves = 0;
    let minMoves = 0;
    let worse = 0;
    let referenceProven = 0;
    let lo = Infinity;
    let hi = 0;
    for (let seed = 1; seed <= per; seed++) {
      const { tasks, week } = benchCart(variant, seed);
      lo = Math.min(lo, tasks.length);
      hi = Math.max(hi, tasks.length);
      const local = autoBalance(tasks, week);
      const r = autoBalance(tasks, week, { solver });
      const best = await exactOptimum(tasks, week);
      if (best.proven) referenceProven += 1;
      if (r.flaggedAfter === best.flagged) {
        optimal += 1;
        moves += r.moves.length;
        minMoves += best.moves;
      }
      if (local.flaggedAfter === best.flagged) localOptimal += 1;
      if (r.optimal) proven += 1;
      if (r.flaggedAfter > local.flaggedAfter) worse += 1;
    }
    all += per;
    allOptimal += optimal;
    console.log(
      `| ${variant}: ${VARIANT_NOTES[variant]} | ${lo}–${hi} | ${optimal}/${per} (${pct(optimal, per)}) | ${localOptimal}/${per} (${pct(localOptimal, per)}) | ` +
        `${pct(proven, per)} | ${(moves / Math.max(1, minMoves)).toFixed(3)} | ${worse} | ${referenceProven}/${per} |`,
    );
  }
  console.log(`\nIn all: optimal flagged minutes on ${allOptimal}/${all} carts (${pct(allOptimal, all)}); ${((performance.now() - t0) / 1000).toFixed(0)} s with the reference solves.`);
}

function timing(solver: MipSolver, per: number): void {
  const carts = Array.from({ length: per }, (_, k) => benchCart('300', k + 1));
  for (const { tasks, week } of carts.slice(0, 5)) autoBalance(tasks, week, { solver }); // warm
  const wall: number[] = [];
  const local: number[] = [];
  for (const { tasks, week } of carts) {
    let t = performance.now();
    autoBalance(tasks, week);
    local.push(performance.now() - t);
    t = performance.now();
    autoBalance(tasks, week, { solver });
    wall.push(performance.now() - t);
  }
  const row = (name: string, xs: number[]) => `| ${name} | ${quantile(xs, 0.5).toFixed(1)} | ${quantile(xs, 0.95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`;
  console.log(`\nAuto-balance time at 300 tasks, ${per} carts of the \`300\` variant (wall clock, one click each):`);
  console.log('| | p50 ms | p95 ms | max ms |');
  console.log('|---|---:|---:|---:|');
  console.log(row('auto-balance (local search, then HiGHS)', wall));
  console.log(row('local search alone', local));
}
