// How a team stands in its two weeks in flight (src/engine/weeks.ts): the planning week's carts
// (who has committed, flagged days, planned against capacity, exceptions) and the working week's
// task list (done, skipped, open), with last week's completion and the tasks still open from before
// the working week, which no cart has carried yet. Feeds the digests and /team-carts.
import type { DbOrTx } from '../../db/client.ts';
import { teamApprovals, type ApprovalStanding } from '../../db/queries/approvals.ts';
import { teamCartLoads, teamMembers, teamOpenBefore, teamTaskCounts, teamTimeOff } from '../../db/queries/jobs.ts';
import type { teams } from '../../db/schema.ts';
import { addDays, buildWeek, flagOf, weeksAt, type Flag, type Weeks } from '../engine/index.ts';

type Team = typeof teams.$inferSelect;

export interface Outcomes {
  done: number;
  skipped: number;
  open: number;
}

export interface AgentStanding {
  id: string;
  name: string;
  /** The planning week's cart. */
  status: 'none' | 'open' | 'committed';
  exception: string | null;
  days: Array<{ day: string; work: boolean; minutes: number; capacity: number; flag: Flag | null }>;
  planned: number;
  capacity: number;
  flagged: number;
  /** The working week's task list, in all and day by day. */
  working: Outcomes & { days: Array<Outcomes & { day: string }> };
  lastWeek: Outcomes;
  /** Tasks of days before the working week still open, which no cart has carried yet (the agent's App Home and /tasks list them). */
  earlier: number;
  /** The planning week's exception and where its approval stands (services/approvals.ts); none without one. */
  approval?: { reason: string; status: 'pending' | 'approved' | 'sent_back'; by: string | null } | null;
}

export interface TeamPicture {
  team: Team;
  /** The team's weeks in its zone: `planning` is the carts' week, `working` the task list's. */
  weeks: Weeks;
  agents: AgentStanding[];
}

/** The team's weeks at `now`, in its zone, with its proposal time. */
export function teamWeeks(team: Team, now: Date): Weeks {
  return weeksAt(now, team.timezone, { weekday: team.proposalWeekday, time: team.proposalTime });
}

export async function teamPicture(db: DbOrTx, team: Team, weeks: Weeks): Promise<TeamPicture> {
  const { planning, working } = weeks;
  const lastStart = addDays(working, -7);
  const [agents, loads, counts, off, approvals, earlier] = await Promise.all([
    teamMembers(db, team.id, 'agent'),
    teamCartLoads(db, team.id, planning),
    teamTaskCounts(db, team.id, lastStart, addDays(working, 6)),
    teamTimeOff(db, team.id, planning, addDays(planning, 6)),
    teamApprovals(db, team.id, planning),
    teamOpenBefore(db, team.id, working),
  ]);
  const range = (o: (typeof off)[number]) => ({ from: o.from_day, to: o.to_day, reason: o.reason });
  const holidays = off.filter((o) => o.slack_user_id === null).map(range);
  const none = (): Outcomes => ({ done: 0, skipped: 0, open: 0 });
  const add = (o: Outcomes, status: string, n: number) => {
    if (status === 'done') o.done += n;
    else if (status === 'skipped') o.skipped += n;
    else o.open += n; // open, or carried over into a later week: not done in this one
  };
  return {
    team,
    weeks,
    agents: agents.map((a): AgentStanding => {
      const week = buildWeek(planning, {
        zone: a.timezone ?? team.timezone,
        workDays: team.workDays,
        dayCapacity: a.dayCapacityMinutes ?? team.dayCapacityMinutes,
        upperPercent: team.upperPercent,
        lowerPercent: team.lowerPercent,
        holidays,
        timeOff: off.filter((o) => o.slack_user_id === a.slackUserId).map(range),
      });
      const mine = loads.filter((l) => l.agent_id === a.slackUserId);
      const minutesOn = (day: string) => mine.find((l) => l.planned_day === day)?.minutes ?? 0;
      const hasCart = mine.length > 0;
      const days = week.days.map((d) => ({ day: d.day, work: d.work, minutes: minutesOn(d.day), capacity: d.capacity, flag: hasCart ? flagOf(d, minutesOn(d.day)) : null }));
      const lastWeek = none();
      const working = { ...none(), days: Array.from({ length: 7 }, (_, i) => ({ day: addDays(weeks.working, i), ...none() })) };
      for (const c of counts) {
        if (c.agent_id !== a.slackUserId) continue;
        if (c.day < weeks.working) add(lastWeek, c.status, c.n);
        else {
          add(working, c.status, c.n);
          const d = working.days.find((x) => x.day === c.day);
          if (d) add(d, c.status, c.n);
        }
      }
      return {
        id: a.slackUserId,
        name: a.name,
        status: hasCart ? (mine[0]!.status as 'open' | 'committed') : 'none',
        exception: mine[0]?.exception_reason ?? null,
        days,
        planned: days.reduce((s, d) => s + d.minutes, 0),
        capacity: days.reduce((s, d) => s + d.capacity, 0),
        flagged: days.reduce((s, d) => s + (d.flag?.by ?? 0), 0),
        working,
        lastWeek,
        earlier: earlier.find((e) => e.agent_id === a.slackUserId)?.n ?? 0,
        approval: approvalOf(approvals.find((x) => x.agent_id === a.slackUserId)),
      };
    }),
  };
}

const approvalOf = (x: ApprovalStanding | undefined): AgentStanding['approval'] => (x ? { reason: x.reason, status: x.status, by: x.decided_by } : null);
