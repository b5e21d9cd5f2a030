// The exact optimum of a week cart, to measure auto-balance against. Written apart from
// the engine's model on purpose: one binary per task and day (no grouping), as LP text,
// and two solves instead of one weighted objective — first the least flagged minutes,
// then the fewest moved tasks that keep them. A task may stay where it is or move to a
// day of its window with capacity; fixed tasks stay.
import { createRequire } from 'node:module';
import type { Highs, InitOptions } from 'highs';
import { allowedDays, type CartTask, type Week } from '../../src/engine/index.ts';

let highs: Promise<Highs> | null = null;
function solver(): Promise<Highs> {
  highs ??= (createRequire(import.meta.url)('highs') as (o?: InitOptions) => Promise<Highs>)();
  return highs;
}

export interface Optimum {
  flagged: number;
  moves: number;
  /** Both solves proved optimal within the time limit. */
  proven: boolean;
}

export async function exactOptimum(tasks: readonly CartTask[], week: Week, timeLimitS = 600): Promise<Optimum> {
  const h = await solver();
  const dayIdx = new Map(week.days.map((d, i) => [d.day, i]));
  const fixedLoad = week.days.map(() => 0);
  const vars: { name: string; day: number; moved: boolean; effort: number }[] = [];
  const rows: string[] = [];
  tasks.forEach((t, i) => {
    const origin = dayIdx.get(t.day);
    if (origin === undefined) return;
    const targets = t.fixed ? [] : allowedDays(t, week).map((d) => dayIdx.get(d)!).filter((d) => d !== origin);
    if (!targets.length) {
      fixedLoad[origin]! += t.effort;
      return;
    }
    const names = [origin, ...targets].map((d) => {
      const name = `x${i}_${d}`;
      vars.push({ name, day: d, moved: d !== origin, effort: t.effort });
      return name;
    });
    rows.push(` a${i}: ${names.join(' + ')} = 1`);
  });
  const flagTerms: string[] = [];
  week.days.forEach((p, d) => {
    // A day gone by is never flagged: no row bounds its load.
    if (p.past) return;
    const terms = vars.filter((v) => v.day === d).map((v) => `${v.effort} ${v.name}`);
    const sum = terms.length ? terms.join(' + ') : `0 o${d}`;
    rows.push(` up${d}: ${sum} - o${d} <= ${p.upper - fixedLoad[d]!}`);
    flagTerms.push(`o${d}`);
    if (p.work) {
      rows.push(` lo${d}: ${sum} + u${d} >= ${p.lower - fixedLoad[d]!}`);
      flagTerms.push(`u${d}`);
    }
  });
  const bin = vars.map((v) => v.name).join(' ');
  const lp = (objective: string, extra: string[] = []) =>
    `Minimize\n obj: ${objective}\nSubject To\n${[...rows, ...extra].join('\n')}\nBounds\n${flagTerms.map((f) => ` ${f} >= 0`).join('\n')}\n${bin ? `Binary\n ${bin}\n` : ''}End\n`;
  const options = { time_limit: timeLimitS, mip_rel_gap: 0, mip_abs_gap: 0.5 };
  const first = h.solve(lp(flagTerms.join(' + ')), options);
  if (first.Status !== 'Optimal' && first.Status !== 'Time limit reached') throw new Error(`HiGHS: ${first.Status}`);
  const flagged = Math.round(first.ObjectiveValue);
  const movedVars = vars.filter((v) => v.moved).map((v) => v.name);
  if (!movedVars.length) return { flagged, moves: 0, proven: first.Status === 'Optimal' };
  const second = h.solve(lp(movedVars.join(' + '), [` cap: ${flagTerms.join(' + ')} <= ${flagged}`]), options);
  if (second.Status !== 'Optimal' && second.Status !== 'Time limit reached') throw new Error(`HiGHS: ${second.Status}`);
  return { flagged, moves: Math.round(second.ObjectiveValue), proven: first.Status === 'Optimal' && second.Status === 'Optimal' };
}
