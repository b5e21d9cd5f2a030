// Engine benchmark: flags + suggestions and auto-balance time by cart size, and
// auto-balance quality against the exact optimum over seeded random week carts.
import { performance } from 'node:perf_hooks';
import { autoBalance, measure, suggest } from '../../src/engine/index.ts';
import { makeWeek, randomCart } from '../support/carts.ts';
import { exactOptimum } from './optimum.ts';

function time(fn: () => void, minRuns = 5, minMs = 200): number {
  fn(); // warm
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || performance.now() - start < minMs) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export async function benchEngine(opts: { carts: number }): Promise<void> {
  console.log('\n## Engine');
  console.log('| tasks | capacity/day | flags + suggestions (median ms) | auto-balance (median ms) | flagged before → after | moves |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const n of [50, 150, 300, 500, 2000]) {
    // Capacity grows with the cart so every size has overloaded and idle days to work on.
    const capacity = Math.max(390, Math.round((n * 17.5) / 5 / 0.85));
    const week = makeWeek(capacity);
    const tasks = randomCart(n, 42 + n);
    const flags = time(() => {
      measure(tasks, week);
      suggest(tasks, week);
    });
    const balance = time(() => autoBalance(tasks, week), 3, 200);
    const r = autoBalance(tasks, week);
    console.log(`| ${n} | ${capacity} | ${flags.toFixed(2)} | ${balance.toFixed(2)} | ${r.flaggedBefore} → ${r.flaggedAfter} | ${r.moves.length} |`);
  }

  const week = makeWeek(390);
  let optimal = 0;
  let infeasible = 0;
  let extraMoves = 0;
  let flaggedCarts = 0;
  const t0 = performance.now();
  for (let seed = 1; seed <= opts.carts; seed++) {
    const n = 60 + (seed % 81); // 60–140 tasks: a realistic week for one agent
    const tasks = randomCart(n, seed * 7919);
    const r = autoBalance(tasks, week);
    const best = await exactOptimum(tasks, week);
    if (r.flaggedBefore > 0) flaggedCarts += 1;
    if (r.flaggedAfter === best.flagged) {
      optimal += 1;
      extraMoves += r.moves.length - best.moves;
    }
    if (r.flaggedAfter > r.flaggedBefore) infeasible += 1;
  }
  console.log(
    `\nAuto-balance quality over ${opts.carts} seeded random week carts (60–140 tasks, ${flaggedCarts} of them flagged), ` +
      `against a HiGHS MIP optimum (${((performance.now() - t0) / 1000).toFixed(1)} s):`,
  );
  console.log(`- optimal flagged minutes: ${optimal}/${opts.carts} (${((100 * optimal) / opts.carts).toFixed(1)} %)`);
  console.log(`- mean extra moves over the minimum (optimal carts): ${(extraMoves / Math.max(1, optimal)).toFixed(2)}`);
  console.log(`- plans that broke a rule or raised flagged minutes: ${infeasible}`);
}
