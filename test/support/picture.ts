// A team's picture as src/services/team.ts answers it, made up: for the chart's view tests and its benchmark.
import { addDays } from '../../src/engine/index.ts';
import type { AgentStanding, TeamPicture } from '../../src/services/team.ts';

export const PLANNING = '2026-11-30';
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡'];
const GIVEN = ['芳', '伟', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平'];

/** A Chinese name for agent i: 王芳, 李伟… */
export const chineseName = (i: number) => `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}`;

/**
 * `agents` agents (names from `name`), five work days of 390 minutes, a mix of balanced, overloaded
 * and idle days, a day off now and then, some without a cart; done, skipped and open tasks.
 */
export function pictureOf(options: { agents: number; team?: string; name?: (i: number) => string; seed?: number }): TeamPicture {
  let seed = options.seed ?? 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const working = addDays(PLANNING, -7);
  const agents = Array.from({ length: options.agents }, (_, i): AgentStanding => {
    const status = i % 9 === 8 ? 'none' : i % 3 === 0 ? 'open' : 'committed';
    const days = Array.from({ length: 7 }, (_, d) => {
      const work = d < 5 && !(i % 7 === 3 && d === 2);
      const capacity = work ? 390 : 0;
      const minutes = status === 'none' ? 0 : work ? Math.round(150 + rand() * 330) : i % 11 === 5 && d === 5 ? 40 : 0;
      const flag = status === 'none' ? null : !work ? (minutes > 0 ? { kind: 'off_day' as const, by: minutes } : null) : minutes > 390 ? { kind: 'overloaded' as const, by: minutes - 390 } : minutes < 234 ? { kind: 'idle' as const, by: 234 - minutes } : null;
      return { day: addDays(PLANNING, d), work, minutes, capacity, flag };
    });
    const outcomes = () => ({ done: Math.round(rand() * 60), skipped: Math.round(rand() * 8), open: Math.round(rand() * 5) });
    const week = outcomes();
    return {
      id: `U0AG${String(i).padStart(5, '0')}`,
      name: (options.name ?? chineseName)(i),
      status,
      exception: null,
      days,
      planned: days.reduce((s, d) => s + d.minutes, 0),
      capacity: days.reduce((s, d) => s + d.capacity, 0),
      flagged: days.reduce((s, d) => s + (d.flag?.by ?? 0), 0),
      working: { ...week, days: Array.from({ length: 7 }, (_, d) => ({ day: addDays(working, d), done: 0, skipped: 0, open: 0 })) },
      earlier: i % 5 === 2 ? 1 + (i % 4) : 0,
      lastWeek: outcomes(),
    };
  });
  return {
    team: { id: 1, name: options.team ?? '上海客服中心', timezone: 'Asia/Shanghai' } as TeamPicture['team'],
    weeks: { today: addDays(working, 4), working, planning: PLANNING, proposedAt: new Date('2026-11-27T07:00:00Z'), proposed: true },
    agents,
  };
}
