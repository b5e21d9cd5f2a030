// A believable contact center for trying Task Cart: two teams in different zones,
// twelve agents, two supervisors, a thousand customers, next week's system tasks
// (about 16 a day, most of a day's capacity; the first agent of each team with an
// overloaded Monday, an idle Thursday and a duplicate to merge) and recommendations.
// Loaded through the CSV importer, so it is checked like any file and running it
// twice changes nothing.
import type { Db } from '../../db/client.ts';
import { addDays } from '../engine/calendar.ts';
import { planningWeek } from '../engine/weeks.ts';
import { importCsv } from '../import/run.ts';
import type { ImportKind } from '../import/kinds.ts';

export const DEMO_TEAMS = [
  { name: 'Shanghai Care', zone: 'Asia/Shanghai', prefix: 'SH' },
  { name: 'New York Sales', zone: 'America/New_York', prefix: 'NY' },
] as const;

const SH_NAMES = ['王芳 Wang Fang', '李伟 Li Wei', '张敏 Zhang Min', '刘洋 Liu Yang', '陈静 Chen Jing', '杨磊 Yang Lei'];
const NY_NAMES = ['Maria Garcia', 'James Smith', 'Aisha Khan', 'David Cohen', 'Emily Johnson', 'Luis Hernandez'];
const SUPERVISORS = ['赵丽 Zhao Li', 'Patricia Brown'];
const SURNAMES = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Moore', 'Taylor'];
const GIVEN = ['Fang', 'Wei', 'Min', 'Jing', 'Lei', 'Xiu', 'Hao', 'Yan', 'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mason', 'Sophia', 'Lucas', 'Mia', 'Ethan'];
const COMPANY = ['Trading', 'Logistics', 'Foods', 'Textiles', 'Pharma', 'Motors', 'Bakery', 'Dental', 'Hardware', 'Travel'];
const SEGMENTS = ['gold', 'silver', 'bronze'];
const TYPES: Array<[string, string]> = [
  ['renewal_call', 'Renewal call'],
  ['follow_up', 'Follow-up'],
  ['satisfaction_survey', 'Satisfaction survey'],
  ['cross_sell', 'Cross-sell offer'],
  ['complaint_callback', 'Complaint callback'],
];

const CUSTOMERS = 1080;
/** Tasks planned per day, Monday to Friday: most of a day's 390 minutes at about 20 minutes a task. */
const BALANCED_WEEK = [16, 16, 16, 16, 16];
/** The first agent of each team: about 8 hours planned on Monday, 2 on Thursday. */
const OVERLOADED_WEEK = [24, 16, 16, 6, 16];
/** The part-time agent: 240 minutes a day. */
const PART_TIME_WEEK = [10, 10, 10, 10, 10];

/** Demo Slack ids: replace with real member ids (README: "Try it with demo data"). */
export const demoAgentId = (team: number, i: number) => `U0DEMO${DEMO_TEAMS[team]!.prefix}${String(i + 1).padStart(2, '0')}`;
export const demoSupervisorId = (team: number) => `U0DEMO${DEMO_TEAMS[team]!.prefix}SUP`;

function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

/** A CSV field: quoted, its quotes doubled, when it holds a quote, a comma or a line break. */
function field(v: string | number | null): string {
  const text = v === null ? '' : String(v);
  return ['"', ',', '\n'].some((c) => text.includes(c)) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csv = (rows: (string | number | null)[][]) => rows.map((r) => r.map(field).join(',')).join('\n');

export async function loadDemo(db: Db, now: Date): Promise<string> {
  const rand = rng(20261123);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const files: Array<[ImportKind, string]> = [];

  files.push(['teams', csv([
    ['team', 'timezone', 'work_days', 'day_capacity_minutes', 'upper_percent', 'lower_percent', 'digest_channel'],
    ...DEMO_TEAMS.map((t) => [t.name, t.zone, 'Mon-Fri', 390, 100, 60, null]),
  ])]);

  const people: (string | number | null)[][] = [['slack_user_id', 'name', 'team', 'role', 'day_capacity_minutes', 'timezone']];
  DEMO_TEAMS.forEach((t, ti) => {
    (ti === 0 ? SH_NAMES : NY_NAMES).forEach((name, i) => people.push([demoAgentId(ti, i), name, t.name, 'agent', i === 5 ? 240 : null, null]));
    people.push([demoSupervisorId(ti), SUPERVISORS[ti]!, t.name, 'supervisor', null, null]);
  });
  files.push(['people', csv(people)]);

  const today = now.toISOString().slice(0, 10);
  const customers: (string | number | null)[][] = [['customer_id', 'name', 'owner', 'segment', 'region', 'tags', 'last_contact', 'renewal_date', 'phone']];
  const owned: string[][] = [[], [], [], [], [], [], [], [], [], [], [], []];
  // Ninety customers an agent: a week's tasks each go to a different customer.
  for (let i = 0; i < CUSTOMERS; i++) {
    const team = i % 2;
    const agent = Math.floor(i / 2) % 6;
    const id = `CUST-${String(i + 1).padStart(4, '0')}`;
    owned[team * 6 + agent]!.push(id);
    const person = `${pick(GIVEN)} ${pick(SURNAMES)}`;
    customers.push([
      id,
      rand() < 0.5 ? `${person}` : `${pick(SURNAMES)} ${pick(COMPANY)}`,
      demoAgentId(team, agent),
      pick(SEGMENTS),
      team === 0 ? pick(['Pudong', 'Minhang', 'Xuhui', 'Jing’an']) : pick(['Manhattan', 'Brooklyn', 'Queens', 'Bronx']),
      [pick(['vip', 'new', 'at-risk', 'wholesale']), pick(['newsletter', 'app', 'branch'])].join(';'),
      addDays(today, -Math.floor(rand() * 120)),
      addDays(today, Math.floor(rand() * 200) - 20),
      team === 0 ? `+86 21 5${String(1000000 + i).slice(1)}` : `+1 212 555 ${String(1000 + i).slice(-4)}`,
    ]);
  }
  files.push(['customers', csv(customers)]);

  const tasks: (string | number | null)[][] = [['external_id', 'agent', 'type', 'title', 'date', 'customer_id', 'earliest', 'due', 'effort_minutes', 'priority', 'fixed']];
  DEMO_TEAMS.forEach((t, ti) => {
    const monday = planningWeek(now, t.zone);
    for (let a = 0; a < 6; a++) {
      const agent = demoAgentId(ti, a);
      const mine = owned[ti * 6 + a]!;
      const plan = a === 0 ? OVERLOADED_WEEK : a === 5 ? PART_TIME_WEEK : BALANCED_WEEK;
      const days = plan.flatMap((count, d) => Array.from({ length: count }, () => d));
      days.forEach((d, n) => {
        const [type, label] = pick(TYPES);
        const customer = mine[n]!;
        const effort = 10 + Math.floor(rand() * 5) * 5;
        const windowed = rand() < 0.3;
        tasks.push([
          `demo-${agent}-${monday}-${n + 1}`,
          agent,
          type,
          `${label} · ${customers.find((c) => c[0] === customer)![1]}`,
          addDays(monday, d),
          customer,
          windowed ? addDays(monday, Math.max(0, d - 1)) : null,
          windowed ? addDays(monday, Math.min(4, d + 2)) : null,
          effort,
          pick(['low', 'normal', 'normal', 'high']),
          n === 0 ? 'true' : 'false',
        ]);
      });
      // The first agent's CRM also planned their second task again on Friday: merged when the cart is made.
      if (a === 0) {
        const again = tasks.at(-days.length + 1)!;
        tasks.push([`demo-${agent}-${monday}-again`, agent, again[2]!, again[3]!, addDays(monday, 4), again[5]!, null, null, again[8]!, 'normal', 'false']);
      }
    }
  });
  files.push(['tasks', csv(tasks)]);

  const recs: (string | number | null)[][] = [['customer_id', 'type', 'score', 'reason']];
  for (let i = 0; i < CUSTOMERS; i += 2) {
    const [type] = pick(TYPES);
    recs.push([customers[i + 1]![0] as string, type, (0.3 + rand() * 0.7).toFixed(2), pick(['Usage dropped 30 % this quarter', 'Contract renews within 45 days', 'Bought twice in the last month', 'No contact for 90 days', 'Opened the last three newsletters'])]);
  }
  files.push(['recommendations', csv(recs)]);

  const wednesday = addDays(planningWeek(now, DEMO_TEAMS[1].zone), 2);
  files.push(['time-off', csv([['slack_user_id', 'team', 'from', 'to', 'reason'], [demoAgentId(1, 3), null, wednesday, wednesday, 'Dentist']])]);

  const lines: string[] = [];
  for (const [kind, content] of files) {
    const r = await importCsv(db, kind, content);
    if (r.errors.length) throw new Error(`demo ${kind}: line ${r.errors[0]!.line}: ${r.errors[0]!.column} ${r.errors[0]!.reason}`);
    lines.push(`${kind}: ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged`);
  }
  return `Demo contact center loaded (next week starts ${planningWeek(now, DEMO_TEAMS[0].zone)} in Shanghai):\n  ${lines.join('\n  ')}`;
}
