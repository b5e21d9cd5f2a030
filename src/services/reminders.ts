// Reminders: at the start of each agent's working day, in their own zone, a DM with today's tasks
// (Done and Skip on each); near its end one nudge when tasks are still open. Each is a delivery
// (`reminder:<kind>:<agent>:<day>`), so it is sent once per agent and day however often a run
// repeats, restarts or runs in several processes (see deliveries.ts).
import type { Db } from '../../db/client.ts';
import type { TaskRow } from '../../db/queries/carts.ts';
import { deliveriesByKey, oneAtATime, planDeliveries } from '../../db/queries/jobs.ts';
import type { PersonWithTeam } from '../../db/queries/people.ts';
import { agentDays, reminderDay, setReminderWish, type AgentDay } from '../../db/queries/reminders.ts';
import type { teams } from '../../db/schema.ts';
import { localDay, minutesLeft, nudgeClock, reminderTimes, wantsReminder, type IsoDay, type ReminderKind } from '../engine/index.ts';
import { AppError } from '../errors.ts';
import { requirePerson, zoneOf } from './cart.ts';
import { deliver } from './deliveries.ts';

type Team = typeof teams.$inferSelect;

export type { ReminderKind } from '../engine/index.ts';

export const reminderKey = (kind: ReminderKind, agentId: string, day: IsoDay) => `reminder:${kind}:${agentId}:${day}`;

/** What a reminder shows: the day's tasks as they stand, and for the nudge the minutes left in the day. */
export interface Reminder {
  kind: ReminderKind;
  day: IsoDay;
  tasks: TaskRow[];
  /** The nudge: whole minutes until the day ends (0 once it has). Null for the start of the day. */
  minutesLeft: number | null;
  /** Tasks still open from before the day's week (App Home and /tasks list them): the start of the day says how many. */
  earlier: number;
}

/** What a run needs of Slack. */
export interface ReminderCourier {
  /** The DM channel with the agent (`known`: one a cart was posted in). */
  dm(agentId: string, known: string | null): Promise<string>;
  /** Posts the reminder in the agent's language, its metadata naming the delivery; answers the message's ts. */
  post(channel: string, agent: PersonWithTeam, reminder: Reminder, deliveryKey: string): Promise<string>;
  /** The ts of a message naming the delivery posted in the DM since `since`, or null. */
  find(agentId: string, channel: string, deliveryKey: string, since: Date): Promise<string | null>;
}

export interface ReminderReport {
  team: string;
  kind: ReminderKind;
  zone: string;
  day: IsoDay;
  /** Agents of the team in the zone. */
  agents: number;
  /** Posted by this run. */
  sent: number;
  /** Posted by a run that stopped before recording it: found in the agent's DM. */
  recovered: number;
  alreadySent: number;
  /** Nothing to remind: a day off or holiday, no open task (today's, or for the start of the day one from before the week), or the agent turned this reminder off. */
  quiet: number;
  /** The reminder's time had passed too long ago (a start reminder an hour late): nothing was posted. */
  late: boolean;
  failed: number;
  unconfirmed: string[];
  /** One line per reminder not known to have arrived: who, why, and what to do. */
  problems: string[];
}

/**
 * Reminds every agent of the team living in `zone` for their local `day`. One run at a time per
 * team, kind, zone and day: a delivery found `sending` was left by a run that stopped, so it is
 * looked for in the agent's DM before anything is posted. Nothing is posted from `until` on (a
 * stopped run's message is still looked for and recorded). `pace` comes before each claim.
 */
export async function remindTeam(
  db: Db,
  team: Team,
  options: { kind: ReminderKind; zone: string; day: IsoDay; now: Date; until: Date; courier: ReminderCourier; pace?: () => Promise<void>; onProgress?: (done: number, total: number) => void; onWait?: () => void },
): Promise<ReminderReport> {
  const { kind, zone, day, now, courier } = options;
  return oneAtATime(
    db,
    `reminder:${team.id}:${kind}:${zone}:${day}`,
    async () => {
      const agents = await agentDays(db, team.id, zone, day);
      const late = now.getTime() >= options.until.getTime();
      const wanted = (a: AgentDay) => (kind === 'start' ? a.person.remindStart : a.person.remindEnd) && wantsReminder(kind, a);
      await planDeliveries(
        db,
        'reminder',
        agents.filter((a) => !late && wanted(a)).map((a) => ({ key: reminderKey(kind, a.person.slackUserId, day), recipient: a.person.slackUserId })),
      );
      const rows = await deliveriesByKey(db, agents.map((a) => reminderKey(kind, a.person.slackUserId, day)));
      const report: ReminderReport = { team: team.name, kind, zone, day, agents: agents.length, sent: 0, recovered: 0, alreadySent: 0, quiet: 0, late, failed: 0, unconfirmed: [], problems: [] };
      const end = reminderTimes(day, zone, { start: team.reminderStart, end: team.reminderEnd }).end;
      let done = 0;
      for (const agent of agents) {
        const id = agent.person.slackUserId;
        const key = reminderKey(kind, id, day);
        const row = rows.get(key);
        const needed = !late && wanted(agent);
        // A reminder no longer needed is left alone, unless a stopped run may have posted it: then it is looked for.
        if (!row || (!needed && row.status !== 'sending')) {
          if (row?.status === 'sent') report.alreadySent += 1;
          else report.quiet += 1;
          continue;
        }
        const reminder: Reminder = { kind, day, tasks: kind === 'start' ? agent.tasks : agent.tasks.filter((t) => t.status === 'open'), minutesLeft: kind === 'end' ? minutesLeft(now, end) : null, earlier: agent.earlier };
        const outcome = await deliver(
          db,
          row,
          {
            needed,
            channel: () => courier.dm(id, agent.dm),
            post: (channel) => courier.post(channel, { person: agent.person, team }, reminder, key),
            find: (channel, since) => courier.find(id, channel, key, since),
          },
          options.pace,
        );
        const who = `${agent.person.name} (${id})`;
        if (outcome.kind === 'sent') report.sent += 1;
        else if (outcome.kind === 'recovered') report.recovered += 1;
        else if (outcome.kind === 'already') report.alreadySent += 1;
        else if (outcome.kind === 'failed') {
          report.failed += 1;
          report.problems.push(`${team.name}: the ${kind === 'start' ? 'start-of-day reminder' : 'end-of-day nudge'} of ${who} was not sent: ${outcome.reason}`);
        } else {
          report.unconfirmed.push(id);
          report.problems.push(`${team.name}: the ${kind === 'start' ? 'start-of-day reminder' : 'end-of-day nudge'} of ${who} may not have arrived: ${outcome.reason}`);
        }
        options.onProgress?.(++done, agents.length);
      }
      return report;
    },
    options.onWait,
  );
}

/** A day's reminders of an agent as they stand now, and the messages that show them (to edit after a click). */
export interface ReminderState {
  person: PersonWithTeam;
  day: IsoDay;
  tasks: TaskRow[];
  minutesLeft: number;
  /** Tasks still open from before the day's week. */
  earlier: number;
  messages: Array<{ kind: ReminderKind; channelId: string; ts: string }>;
}

/** The reminders of `day` (default: the agent's today); null for someone the bot does not know. */
export async function reminderState(db: Db, userId: string, day: IsoDay | null, now: Date): Promise<ReminderState | null> {
  let person: PersonWithTeam;
  try {
    person = await requirePerson(db, userId);
  } catch (e) {
    if (e instanceof AppError) return null;
    throw e;
  }
  const zone = zoneOf(person);
  const on = day ?? localDay(now, zone);
  const kinds: ReminderKind[] = ['start', 'end'];
  const { tasks, earlier, messages } = await reminderDay(db, userId, on, kinds.map((k) => reminderKey(k, userId, on)));
  const end = reminderTimes(on, zone, { start: person.team.reminderStart, end: person.team.reminderEnd }).end;
  return {
    person,
    day: on,
    tasks,
    minutesLeft: minutesLeft(now, end),
    earlier: Number(earlier),
    messages: messages.map((m) => ({ kind: m.key.startsWith('reminder:start:') ? 'start' : 'end', channelId: m.channelId, ts: m.ts })),
  };
}

/** What App Home says of the agent's reminders, and offers to switch. */
export interface ReminderSwitches {
  /** The team sends reminders at all. */
  team: boolean;
  start: boolean;
  end: boolean;
  /** Local HH:MM of each, in the agent's zone. */
  startAt: string;
  nudgeAt: string;
}

export function reminderSwitches(p: PersonWithTeam): ReminderSwitches {
  return { team: p.team.reminders, start: p.person.remindStart, end: p.person.remindEnd, startAt: p.team.reminderStart, nudgeAt: nudgeClock(p.team.reminderEnd) };
}

/** Turns one of the agent's own reminders on or off; a replay of the same click changes nothing. */
export async function switchReminder(db: Db, userId: string, kind: ReminderKind, on: boolean, requestKey?: string): Promise<boolean> {
  await requirePerson(db, userId);
  return setReminderWish(db, userId, kind, on, requestKey);
}
