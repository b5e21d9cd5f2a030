// How a team stands for a week: who has committed, flagged days, planned against capacity,
// last week's completion. Feeds the digests and /team-carts.
import { DateTime } from 'luxon';
import type { DbOrTx } from '../../db/client.ts';
import { teamCartLoads, teamCompletion, teamMembers, teamTimeOff } from '../../db/queries/jobs.ts';
import type { teams } from '../../db/schema.ts';
import { addDays, buildWeek, flagOf, nextWeekStart, weekStartOf, type Flag } from '../engine/index.ts';

type Team = typeof teams.$inferSelect;

export interface AgentStanding {
  id: string;
  name: string;
  status: 'none' | 'open' | 'committed';
  exception: string | null;
  days: Array<{ day: string; work: boolean; minutes: number; capacity: number; flag: Flag | null }>;
  planned: number;
  capacity: number;
  flagged: number;
  lastWeek: { done: number; skipped: number; open: number };
}

export interface TeamPicture {
  team: Team;
  weekStart: string;
  agents: AgentStanding[];
}

/** The cart week people are working on: next week once the team's proposal time has passed, else this week. */
export function cartWeekFor(team: Team, now: Date): string {
  const local = DateTime.fromJSDate(now).setZone(team.timezone);
  const [h, m] = team.proposalTime.split(':').map(Number);
  const proposal = local.startOf('week').plus({ days: team.proposalWeekday - 1, hours: h ?? 15, minutes: m ?? 0 });
  return local >= proposal ? nextWeekStart(now, team.timezone) : weekStartOf(now, team.timezone);
}

export async function teamPicture(db: DbOrTx, team: Team, weekStart: string): Promise<TeamPicture> {
  const lastStart = addDays(weekStart, -7);
  const [agents, loads, completion, off] = await Promise.all([
    teamMembers(db, team.id, 'agent'),
    teamCartLoads(db, team.id, weekStart),
    teamCompletion(db, team.id, lastStart, addDays(lastStart, 6)),
    teamTimeOff(db, team.id, weekStart, addDays(weekStart, 6)),
  ]);
  const range = (o: (typeof off)[number]) => ({ from: o.from_day, to: o.to_day, reason: o.reason });
  const holidays = off.filter((o) => o.slack_user_id === null).map(range);
  return {
    team,
    weekStart,
    agents: agents.map((a): AgentStanding => {
      const week = buildWeek(weekStart, {
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
      const count = (status: string) => completion.find((c) => c.agent_id === a.slackUserId && c.status === status)?.n ?? 0;
      return {
        id: a.slackUserId,
        name: a.name,
        status: hasCart ? (mine[0]!.status as 'open' | 'committed') : 'none',
        exception: mine[0]?.exception_reason ?? null,
        days,
        planned: days.reduce((s, d) => s + d.minutes, 0),
        capacity: days.reduce((s, d) => s + d.capacity, 0),
        flagged: days.reduce((s, d) => s + (d.flag?.by ?? 0), 0),
        lastWeek: { done: count('done'), skipped: count('skipped'), open: count('open') + count('carried_over') },
      };
    }),
  };
}
