// Changes a team's settings (docs/settings.md): checked against each other and against what is
// stored, then saved in one transaction, or nothing is changed.
import type { Db } from '../../db/client.ts';
import { lockTeam, teamsWithCadences, updateTeamSettings, type TeamSettings } from '../../db/queries/teams.ts';
import { isReminderDay, MIN_DAY_MINUTES } from '../engine/index.ts';

export type SettingsChange = Partial<TeamSettings>;

export type SettingsResult =
  | { status: 'unknown team' }
  | { status: 'refused'; setting: keyof TeamSettings; reason: string }
  | { status: 'saved'; before: TeamView; after: TeamView };

type TeamView = Awaited<ReturnType<typeof teamsWithCadences>>[number];

export async function changeTeamSettings(db: Db, name: string, settings: SettingsChange, cadences: ReadonlyArray<{ segment: string; days: number }>): Promise<SettingsResult> {
  return db.transaction(async (tx): Promise<SettingsResult> => {
    const team = await lockTeam(tx, name);
    if (!team) return { status: 'unknown team' };
    const upper = settings.upperPercent ?? team.upperPercent;
    const lower = settings.lowerPercent ?? team.lowerPercent;
    if (lower >= upper) {
      return { status: 'refused', setting: settings.lowerPercent !== undefined ? 'lowerPercent' : 'upperPercent', reason: `lower ${lower} % must be below upper ${upper} %` };
    }
    const start = settings.reminderStart ?? team.reminderStart;
    const end = settings.reminderEnd ?? team.reminderEnd;
    if (!isReminderDay(start, end)) {
      return { status: 'refused', setting: settings.reminderEnd !== undefined ? 'reminderEnd' : 'reminderStart', reason: `the day must end at least ${MIN_DAY_MINUTES} minutes after it starts (${start}–${end})` };
    }
    const [before] = await teamsWithCadences(tx, name);
    await updateTeamSettings(tx, team.id, settings, cadences);
    const [after] = await teamsWithCadences(tx, name);
    return { status: 'saved', before: before!, after: after! };
  });
}
