// The exact optimum of a week cart as a MIP solved by HiGHS: first the least
// flagged minutes, then the fewest moved tasks that reach it.
import { createRequire } from 'node:module';
import { allowedDays, type CartTask, type Week } from '../../src/engine/index.ts';

type Highs = { solve(lp: string): { Status: string; ObjectiveValue: number } };
let highs: Promise<Highs> | null = null;
function solver(): Promise<Highs> {
  highs ??= (createRequire(import.meta.url)('highs') as () => Promise<Highs>)();
  return highs;
}

export async function exactOptimum(tasks: readonly CartTask[], week: Week): Promise<{ flagged: number; moves: number }> {
  const h = await solver();
  const dayIdx = new Map(week.days.map((d, i) => [d.day, i]));
  const fixedLoad = week.days.map(() => 0);
  const vars: { name: string; task: number; day: number; moved: boolean; effort: number }[] = [];
  const choice: string[] = [];
  tasks.forEach((t, i) => {
    const days = t.fixed ? [] : allowedDays(t, week).map((d) => dayIdx.get(d)!);
    if (days.length === 0 || (days.length === 1 && days[0] === dayIdx.get(t.day))) {
      fixedLoad[dayIdx.get(t.day)!]! += t.effort;
      return;
    }
    const names = days.map((d) => {
      const name = `x${i}_${d}`;
      vars.push({ name, task: i, day: d, moved: d !== dayIdx.get(t.day), effort: t.effort });
      return name;
    });
    choice.push(` a${i}: ${names.join(' + ')} = 1`);
  });
  const rows: string[] = [...choice];
  const flagTerms: string[] = [];
  week.days.forEach((p, d) => {
    const terms = vars.filter((v) => v.day === d).map((v) => `${v.effort} ${v.name}`);
    const sum = terms.length ? terms.join(' + ') : '0 o' + d;
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
  const first = h.solve(lp(flagTerms.join(' + ')));
  if (first.Status !== 'Optimal') throw new Error(`HiGHS: ${first.Status}`);
  const flagged = Math.round(first.ObjectiveValue);
  const movedVars = vars.filter((v) => v.moved).map((v) => v.name);
  if (!movedVars.length) return { flagged, moves: 0 };
  const second = h.solve(lp(movedVars.join(' + '), [` cap: ${flagTerms.join(' + ')} <= ${flagged}`]));
  if (second.Status !== 'Optimal') throw new Error(`HiGHS: ${second.Status}`);
  return { flagged, moves: Math.round(second.ObjectiveValue) };
}
