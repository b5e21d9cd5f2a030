// Reminders as a job: for each team that sends them and each zone its agents live in, the reminders
// due at a moment there (src/engine/reminders.ts), each agent's DM in their language, paced, once.
// The scheduler runs one zone's slot; `npm run cli -- remind` runs every zone as if it were `at`.
import type { WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.ts';
import { allTeams } from '../../db/queries/jobs.ts';
import { reminderZones } from '../../db/queries/reminders.ts';
import { dueReminders, type ReminderKind } from '../engine/index.ts';
import { remindTeam, type ReminderCourier, type ReminderReport } from '../services/reminders.ts';
import { languages as languagesOf, type Languages } from '../slack/language.ts';
import { reminderMessage } from '../../views/reminder.ts';
import { EVENT, findPosted, openDm, postOnce, poster } from '../slack/fanout.ts';
import { pacer } from './pace.ts';
import { FANOUT_PER_SECOND } from './propose.ts';

/** The reminders' Slack side: the DM a cart was posted in when there is one, posts naming the delivery, in the agent's language. */
export function reminderCourier(client: WebClient, languages: Languages): ReminderCourier {
  const post = poster(client);
  return {
    dm: async (agentId, known) => known ?? openDm(client, agentId),
    post: async (channel, agent, reminder, key) => {
      // A fan-out asks Slack only about agents never asked (Languages.of, bulk).
      const t = await languages.of(client, agent, { bulk: true });
      return postOnce(post, { channel, ...reminderMessage(t, reminder), metadata: { event_type: EVENT.reminder, event_payload: { delivery_key: key } } }, { kind: 'person', id: agent.person.slackUserId });
    },
    find: (agentId, channel, key, since) => findPosted(client, channel, EVENT.reminder, key, since, { kind: 'person', id: agentId }),
  };
}

export interface ReminderRun {
  reports: ReminderReport[];
  /** Zones where nothing was due at that moment, with the local time there. */
  idle: Array<{ team: string; zone: string; local: string }>;
  /** Teams that send no reminders (team set --reminders no). */
  off: string[];
  /** Teams the run looked at. */
  teams: number;
}

/**
 * Sends the reminders due at `at` (the scheduler passes the slot's time; the command line the time
 * it is asked to act as): `now` says whether each is still worth sending and how many minutes a
 * nudge says are left. Only `team`, `zone` or `kind` when given.
 */
export async function runReminders(
  db: Db,
  client: WebClient,
  options: { team?: string; zone?: string; kind?: ReminderKind; at: Date; now: Date; perSecond?: number; onProgress?: (what: string, done: number, total: number) => void; onWait?: (what: string) => void },
): Promise<ReminderRun> {
  const pace = pacer(options.perSecond ?? FANOUT_PER_SECOND);
  const courier = reminderCourier(client, languagesOf(db, () => options.now));
  const teams = (await allTeams(db)).filter((t) => !options.team || t.name === options.team);
  const zones = await reminderZones(db);
  const run: ReminderRun = { reports: [], idle: [], off: [], teams: teams.length };
  for (const team of teams) {
    if (!team.reminders) {
      run.off.push(team.name);
      continue;
    }
    for (const zone of (zones.get(team.id) ?? []).filter((z) => !options.zone || z === options.zone)) {
      const due = dueReminders(options.at, zone, { workDays: team.workDays, start: team.reminderStart, end: team.reminderEnd }).filter((r) => !options.kind || r.kind === options.kind);
      if (!due.length) run.idle.push({ team: team.name, zone, local: DateTime.fromJSDate(options.at, { zone }).toFormat('ccc yyyy-MM-dd HH:mm') });
      for (const r of due) {
        const what = `${team.name} (${zone})`;
        run.reports.push(
          await remindTeam(db, team, {
            kind: r.kind,
            zone,
            day: r.day,
            now: options.now,
            until: r.until,
            courier,
            pace,
            onProgress: (done, total) => options.onProgress?.(what, done, total),
            onWait: () => options.onWait?.(what),
          }),
        );
      }
    }
  }
  return run;
}
