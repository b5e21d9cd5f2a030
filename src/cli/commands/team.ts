// `team set` and `team show`: a team's settings without SQL. Each setting is a flag here, a column
// of the teams CSV (src/import/kinds.ts) and a line of docs/settings.md, read by the same parsers.
import { teamsWithCadences, type Team } from '../../../db/queries/teams.ts';
import { DEFAULT_CADENCE, NUDGE_BEFORE_END_MINUTES, nudgeClock } from '../../engine/index.ts';
import { Problem, channel, clock, language, text, timeZone, weekday, weekdayName, workDays, workDaysText, yesNo } from '../../import/fields.ts';
import { DAY_CAPACITY, LOWER_PERCENT, UPPER_PERCENT } from '../../import/kinds.ts';
import { changeTeamSettings, type SettingsChange } from '../../services/team-settings.ts';
import { CommandError, UsageError, withDatabase, type Command } from '../command.ts';

interface Setting {
  flag: string;
  arg: string;
  what: string;
  read(value: string): SettingsChange;
  show(team: Team): string;
}

const SETTINGS: Setting[] = [
  { flag: 'timezone', arg: 'ZONE', what: 'time zone (IANA), e.g. Asia/Shanghai', read: (v) => ({ timezone: timeZone(v) }), show: (t) => t.timezone },
  { flag: 'work-days', arg: 'DAYS', what: 'work days: Mon-Fri, or Mon;Wed;Fri', read: (v) => ({ workDays: workDays(v) }), show: (t) => workDaysText(t.workDays) },
  {
    flag: 'day-capacity',
    arg: 'MINUTES',
    what: 'productive minutes in a work day (1–1440)',
    read: (v) => ({ dayCapacityMinutes: DAY_CAPACITY(v) }),
    show: (t) => `${t.dayCapacityMinutes} minutes`,
  },
  {
    flag: 'upper',
    arg: 'PERCENT',
    what: 'a day above this % of its capacity is overloaded (1–500)',
    read: (v) => ({ upperPercent: UPPER_PERCENT(v.replace(/\s*%$/, '')) }),
    show: (t) => `${t.upperPercent} %`,
  },
  {
    flag: 'lower',
    arg: 'PERCENT',
    what: 'a day below this % of its capacity is idle (0–100, below upper)',
    read: (v) => ({ lowerPercent: LOWER_PERCENT(v.replace(/\s*%$/, '')) }),
    show: (t) => `${t.lowerPercent} %`,
  },
  {
    flag: 'proposal',
    arg: '"DAY HH:MM"',
    what: 'when next week\'s carts are proposed, in the team\'s time zone, e.g. "Fri 15:00"',
    read: (v) => {
      const [day, time, ...more] = v.split(/\s+/);
      if (!day || !time || more.length) throw new Problem(`"${v}" is not a weekday and a time like "Fri 15:00"`);
      return { proposalWeekday: weekday(day), proposalTime: clock(time) };
    },
    show: (t) => `${weekdayName(t.proposalWeekday)} ${t.proposalTime}`,
  },
  { flag: 'digest-time', arg: 'HH:MM', what: 'time of the daily digest, on work days', read: (v) => ({ digestTime: clock(v) }), show: (t) => t.digestTime },
  {
    flag: 'weekly-digest',
    arg: 'DAY',
    what: 'day of the weekly digest (at the digest time)',
    read: (v) => ({ weeklyDigestWeekday: weekday(v) }),
    show: (t) => weekdayName(t.weeklyDigestWeekday),
  },
  {
    flag: 'digest-channel',
    arg: 'ID|none',
    what: 'channel id for the digests (channel details → About); none: a DM to each supervisor',
    read: (v) => ({ digestChannel: v.toLowerCase() === 'none' ? null : channel(v) }),
    show: (t) => t.digestChannel ?? 'none (a DM to each supervisor)',
  },
  {
    flag: 'allow-flagged-commit',
    arg: 'yes|no',
    what: 'may agents commit a cart with a flagged day, giving a reason their supervisor sees',
    read: (v) => ({ allowFlaggedCommit: yesNo(v) }),
    show: (t) => (t.allowFlaggedCommit ? 'yes' : 'no'),
  },
  {
    flag: 'team-customers',
    arg: 'yes|no',
    what: "may agents plan tasks for their teammates' customers (no: their own customers only)",
    read: (v) => ({ teamCustomers: yesNo(v) }),
    show: (t) => (t.teamCustomers ? 'yes' : 'no'),
  },
  { flag: 'language', arg: 'en|zh-CN', what: 'the team\'s language: channel posts, and people whose Slack language is neither', read: (v) => ({ language: language(v) }), show: (t) => t.language },
  {
    flag: 'reminders',
    arg: 'yes|no',
    what: 'remind agents by DM: today\'s tasks as their day starts, a nudge before it ends when tasks are open',
    read: (v) => ({ reminders: yesNo(v) }),
    show: (t) => (t.reminders ? 'yes' : 'no'),
  },
  {
    flag: 'reminder-start',
    arg: 'HH:MM',
    what: 'the start of the agents\' day, in each agent\'s time zone: today\'s tasks are sent',
    read: (v) => ({ reminderStart: clock(v) }),
    show: (t) => t.reminderStart,
  },
  {
    flag: 'reminder-end',
    arg: 'HH:MM',
    what: `the end of the agents' day; the nudge comes ${NUDGE_BEFORE_END_MINUTES} minutes before it`,
    read: (v) => ({ reminderEnd: clock(v) }),
    show: (t) => `${t.reminderEnd} (nudge at ${nudgeClock(t.reminderEnd)})`,
  },
];

/** The flag named when two settings disagree (lower and upper, the reminders' start and end). */
const REFUSED_FLAG: Partial<Record<keyof Team, string>> = { lowerPercent: 'lower', upperPercent: 'upper', reminderStart: 'reminder-start', reminderEnd: 'reminder-end' };

const CADENCE = { flag: 'cadence', arg: 'SEGMENT=DAYS', what: 'days without contact before a customer of the segment gets a follow-up; repeatable' };
const WIDTH = 22;

function parseCadence(v: string): { segment: string; days: number } {
  const m = /^([^=]+)=\s*(\d{1,4})$/.exec(v);
  const segment = m?.[1]!.trim().toLowerCase();
  if (!m || !segment) throw new Problem(`"${v}" is not SEGMENT=DAYS, like gold=14`);
  text(100)(segment);
  const days = Number(m[2]);
  if (days < 1 || days > 3650) throw new Problem(`${days} days is not between 1 and 3650`);
  return { segment, days };
}

function showCadences(cadences: ReadonlyMap<string, number>): string {
  const merged = new Map(Object.entries(DEFAULT_CADENCE).filter(([s]) => s !== 'default'));
  for (const [s, d] of cadences) merged.set(s, d);
  return `${[...merged].map(([s, d]) => `${s}=${d}`).join(' ')}; other segments ${DEFAULT_CADENCE.default} (days)`;
}

function lines(team: Team, cadences: ReadonlyMap<string, number>, before?: { team: Team; cadences: ReadonlyMap<string, number> }): string[] {
  const row = (flag: string, now: string, was?: string) => `  ${flag.padEnd(WIDTH)}${was === undefined ? now : was === now ? `${now} (unchanged)` : `${was} → ${now}`}`;
  return [
    ...SETTINGS.map((s) => row(s.flag, s.show(team), before && s.show(before.team))),
    row(CADENCE.flag, showCadences(cadences), before && showCadences(before.cadences)),
  ];
}

const options = Object.fromEntries([...SETTINGS.map((s) => [s.flag, { type: 'string' }]), [CADENCE.flag, { type: 'string', multiple: true }]]) as Command['options'];

export const teamSetCommand: Command = {
  name: 'team set',
  summary: 'change a team\'s settings',
  usage: `npm run cli -- team set "<team>" [--setting value …]

Changes the given settings of the team, in one go: if any value is wrong, nothing is changed.

${[...SETTINGS, CADENCE].map((s) => `  --${`${s.flag} ${s.arg}`.padEnd(WIDTH + 14)}${s.what}`).join('\n')}

Example: npm run cli -- team set "Shanghai Care" --proposal "Fri 15:00" --digest-time 09:00 --upper 110
The same settings are columns of the teams CSV. All of them: docs/settings.md`,
  options,
  async run({ values, positionals }, io) {
    const [name, ...extra] = positionals;
    if (!name) throw new UsageError('name the team (in quotes if it has spaces)');
    if (extra.length) throw new UsageError(`one team at a time (got also ${extra.join(' ')}); quote a name with spaces`);
    const settings: SettingsChange = {};
    const problems: string[] = [];
    for (const s of SETTINGS) {
      const v = values[s.flag];
      if (typeof v !== 'string') continue;
      try {
        if (!v.trim()) throw new Problem('needs a value');
        Object.assign(settings, s.read(v.trim()));
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        problems.push(`--${s.flag}: ${e.message}`);
      }
    }
    const cadences: Array<{ segment: string; days: number }> = [];
    for (const v of (values[CADENCE.flag] as string[] | undefined) ?? []) {
      try {
        cadences.push(parseCadence(v));
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        problems.push(`--${CADENCE.flag}: ${e.message}`);
      }
    }
    if (!problems.length && !Object.keys(settings).length && !cadences.length) throw new UsageError('say what to change');
    if (problems.length) {
      for (const p of problems) io.err(p);
      io.err(`Nothing was changed. npm run cli -- team set --help lists the settings and their values.`);
      return 2;
    }
    return withDatabase(io, async (database) => {
      const result = await changeTeamSettings(database.db, name, settings, cadences);
      if (result.status === 'unknown team') throw new CommandError(`unknown team "${name}": import it in a teams file first (docs/import.md), or see npm run cli -- team show`);
      if (result.status === 'refused') {
        io.err(`--${REFUSED_FLAG[result.setting]}: ${result.reason}`);
        io.err('Nothing was changed.');
        return 2;
      }
      io.out(`${name}: saved.`);
      for (const line of lines(result.after.team, result.after.cadences, result.before)) io.out(line);
      return 0;
    });
  },
};

export const teamShowCommand: Command = {
  name: 'team show',
  summary: 'show the settings of one team or all',
  usage: `npm run cli -- team show ["<team>"]

Shows the settings of the team (or of every team), by the names team set takes.
What each one means: docs/settings.md`,
  options: {},
  async run({ positionals }, io) {
    const [name, ...extra] = positionals;
    if (extra.length) throw new UsageError(`one team at a time (got also ${extra.join(' ')}); quote a name with spaces`);
    return withDatabase(io, async (database) => {
      const found = await teamsWithCadences(database.db, name);
      if (!found.length) {
        if (name === undefined) {
          io.out('No teams yet: import a teams file first (docs/import.md).');
          return 0;
        }
        const known = (await teamsWithCadences(database.db)).map((t) => `"${t.team.name}"`);
        throw new CommandError(`unknown team "${name}"${known.length ? ` (teams: ${known.join(', ')})` : ': import it in a teams file first'}`);
      }
      found.forEach(({ team, cadences }, i) => {
        if (i) io.out('');
        io.out(team.name);
        for (const line of lines(team, cadences)) io.out(line);
      });
      io.out(`\nChange with: npm run cli -- team set "<team>" --<setting> <value> (docs/settings.md)`);
      return 0;
    });
  },
};
