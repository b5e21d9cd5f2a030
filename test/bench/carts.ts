// Hard, varied week carts for the engine benchmark, seeded so every run sees the same
// carts. Each variant stresses one thing that made auto-balance miss the optimum; `mixed`
// and `300` draw every feature at random. Load is set against capacity (75–115 %) so
// the week is tight: some days must give, some must take.
import { addDays, buildWeek, PRIORITIES, type CartTask, type TaskSource, type Week } from '../../src/engine/index.ts';

const MONDAY = '2026-11-30';
const SOURCES: TaskSource[] = ['system', 'carried_over', 'recommended', 'custom'];

export interface BenchCart {
  variant: Variant;
  seed: number;
  tasks: CartTask[];
  week: Week;
}

interface Features {
  /** Tasks in the cart. */
  n: number;
  /** Work weekdays (1 = Monday). */
  workDays: number[];
  /** A work day turned into a day off after the cart was planned: its tasks stay on it. */
  dayOff: boolean;
  /** Team holidays (0–2) after the cart was planned: their tasks stay on them. */
  holidays: number;
  /** Efforts: 5–30 minutes at random, the team's task types, or many small tasks and a few big ones. */
  effort: 'uniform' | 'typed' | 'small_big' | 'long';
  /** Share of tasks with a window, and of those the share that are narrow (1–2 days). */
  windowed: number;
  narrow: number;
  /** Most of the load on one or two days. */
  skewed: boolean;
  /** Thresholds as percent of capacity. */
  upper: number;
  lower: number;
}

export const VARIANTS = ['issue', 'day_off', 'holiday', 'part_time', 'windows', 'skewed', 'small_big', 'tight', 'mixed', '300'] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_NOTES: Record<Variant, string> = {
  issue: 'as in the issue: 30–90 tasks of 5–30 min, every one windowed, 10 % fixed, a day off with its tasks in a third',
  day_off: 'a day off with its tasks left on it',
  holiday: '1–2 team holidays with their tasks left on them',
  part_time: '3- or 4-day weeks, tasks planned over five days',
  windows: 'every task windowed, half of them to 1–2 days',
  skewed: '70 % of the tasks on one or two days',
  small_big: 'many 5–10 min tasks and 3–8 of 1–4 hours',
  tight: 'a narrow band (lower threshold 85–90 %), 30–150 tasks of 10–60 min, every one windowed, most to 1–2 days',
  mixed: 'every feature at random',
  '300': '300 tasks, every feature at random (timing)',
};

function rng(seed: number): () => number {
  // mulberry32: small, fast, good enough for test data.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function features(variant: Variant, r: () => number): Features {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const base: Features = {
    n: int(30, 300),
    workDays: [1, 2, 3, 4, 5],
    dayOff: false,
    holidays: 0,
    effort: pick(['uniform', 'typed'] as const),
    windowed: 0.3,
    narrow: 0.3,
    skewed: false,
    upper: pick([100, 100, 95, 110]),
    lower: pick([60, 60, 70, 80]),
  };
  const partTime = () => {
    const days = int(3, 4);
    const all = [1, 2, 3, 4, 5];
    while (all.length > days) all.splice(int(0, all.length - 1), 1);
    return all;
  };
  switch (variant) {
    case 'issue':
      return { ...base, n: int(30, 90), effort: 'uniform', windowed: 1, narrow: 0.5, upper: 100, lower: 60, dayOff: r() < 1 / 3 };
    case 'day_off':
      return { ...base, dayOff: true };
    case 'holiday':
      return { ...base, holidays: int(1, 2) };
    case 'part_time':
      return { ...base, workDays: partTime() };
    case 'windows':
      return { ...base, windowed: 1, narrow: 0.5 };
    case 'skewed':
      return { ...base, skewed: true };
    case 'small_big':
      return { ...base, effort: 'small_big' };
    case 'tight':
      return { ...base, n: int(30, 150), effort: 'long', windowed: 1, narrow: 0.7, upper: 100, lower: pick([85, 90]), dayOff: r() < 1 / 3 };
    case 'mixed':
    case '300':
      return {
        n: variant === '300' ? 300 : base.n,
        workDays: r() < 0.25 ? partTime() : base.workDays,
        dayOff: r() < 0.4,
        holidays: r() < 0.3 ? int(1, 2) : 0,
        effort: pick(['uniform', 'typed', 'small_big'] as const),
        windowed: pick([0, 0.3, 0.6, 1]),
        narrow: pick([0.2, 0.5, 0.8]),
        skewed: r() < 0.4,
        upper: base.upper,
        lower: base.lower,
      };
  }
}

/** One seeded cart of a variant; `size` tasks instead of the variant's own number. */
export function benchCart(variant: Variant, seed: number, size?: number): BenchCart {
  const r = rng(seed * 2654435761 + VARIANTS.indexOf(variant));
  const f = { ...features(variant, r), ...(size && { n: size }) };
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const typed = [5, 10, 10, 15, 15, 15, 20, 20, 30, 30, 45, 60];
  const efforts: number[] = [];
  const big = f.effort === 'small_big' ? int(3, 8) : 0;
  for (let i = 0; i < f.n; i++) {
    if (i < big) efforts.push(int(12, 48) * 5);
    else if (f.effort === 'small_big') efforts.push(int(5, 10));
    else if (f.effort === 'typed') efforts.push(typed[Math.floor(r() * typed.length)]!);
    else if (f.effort === 'long') efforts.push(int(10, 60));
    else efforts.push(int(5, 30));
  }
  // Capacity as planned before any day off or holiday: the load is 75–115 % of it.
  const total = efforts.reduce((a, b) => a + b, 0);
  const ratio = 0.75 + r() * 0.4;
  const capacity = Math.max(60, Math.round(total / f.workDays.length / ratio / 5) * 5);
  const workIdx = f.workDays.map((w) => w - 1);
  const lost = new Set<number>();
  while (lost.size < Math.min(f.holidays + (f.dayOff ? 1 : 0), workIdx.length - 1)) lost.add(workIdx[int(0, workIdx.length - 1)]!);
  const lostDays = [...lost];
  const offDay = f.dayOff ? lostDays.shift() : undefined;
  const holidayDays = lostDays;
  const week = buildWeek(MONDAY, {
    zone: 'Asia/Shanghai',
    workDays: f.workDays,
    dayCapacity: capacity,
    upperPercent: f.upper,
    lowerPercent: f.lower,
    holidays: holidayDays.map((d) => ({ from: addDays(MONDAY, d), to: addDays(MONDAY, d), reason: 'holiday' })),
    timeOff: offDay === undefined ? [] : [{ from: addDays(MONDAY, offDay), to: addDays(MONDAY, offDay), reason: 'day off' }],
  });

  // Days the tasks were planned on: Monday to Friday (as the weekly proposal plans them), a few on the weekend.
  const weights = [1, 1, 1, 1, 1];
  if (f.skewed) {
    const heavy = int(0, 4);
    weights[heavy] = 8;
    if (r() < 0.5) weights[(heavy + int(1, 4)) % 5] = 5;
  } else {
    for (let d = 0; d < 5; d++) weights[d] = 0.6 + r();
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  const pickDay = () => {
    if (r() < 0.02) return int(5, 6);
    let x = r() * sum;
    for (let d = 0; d < 5; d++) if ((x -= weights[d]!) < 0) return d;
    return 4;
  };
  const tasks = efforts.map((effort, i): CartTask => {
    const day = pickDay();
    let earliest: string | null = null;
    let due: string | null = null;
    const u = r();
    if (u < 0.02) {
      due = addDays(MONDAY, -int(1, 3)); // overdue, carried over: may not move
    } else if (r() < f.windowed) {
      const width = r() < f.narrow ? int(0, 1) : int(2, 4);
      const lo = Math.max(0, day - int(0, width));
      earliest = addDays(MONDAY, lo);
      due = addDays(MONDAY, Math.min(6, lo + width));
    }
    return {
      id: `t${i}`,
      type: ['renewal', 'follow_up', 'survey', 'cross_sell'][i % 4]!,
      label: 'Task',
      title: `Task ${i}`,
      customerId: `c${i}`,
      customerName: null,
      effort,
      priority: PRIORITIES[Math.floor(r() * 4)]!,
      day: addDays(MONDAY, day),
      earliest,
      due,
      fixed: r() < 0.1,
      source: SOURCES[Math.floor(r() * 4)]!,
    };
  });
  return { variant, seed, tasks, week };
}
