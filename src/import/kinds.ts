// The CSV file kinds (docs/import.md): their columns and how a row becomes a record.
// References to teams and task types (a few dozen rows) are checked here; references to people
// and customers, which can number millions, are checked by the database once every row is staged.
import {
  LANGUAGES,
  Problem,
  Row,
  channel,
  clock,
  int,
  isoDay,
  language,
  list,
  num,
  priority,
  quote,
  slackUser,
  text,
  timeZone,
  weekday,
  workDays,
  yesNo,
} from './fields.ts';
import { isReminderDay, MIN_DAY_MINUTES } from '../engine/index.ts';

export interface Refs {
  teams: Map<string, { id: number; upperPercent: number; lowerPercent: number; reminderStart: string; reminderEnd: string }>;
  taskTypes: Map<string, { effortMinutes: number; priority: string }>;
}

/** A value that must name a row of people or customers: checked in the database after staging. */
export interface Reference {
  field: string;
  column: string;
  table: 'people' | 'customers';
  /** The reason, with `%s` for the value. */
  reason: string;
}

export interface KindSpec {
  columns: readonly string[];
  required: readonly string[];
  /** The column named when two rows share a key. */
  keyColumn: string;
  /** Which references it needs loaded. */
  needs: ReadonlyArray<keyof Refs>;
  references: readonly Reference[];
  /**
   * Every record field and the columns it comes from. A re-import updates a field only when the
   * file has one of its columns: a column left out of the file leaves the stored value alone.
   */
  fields: Readonly<Record<string, readonly string[]>>;
  /**
   * The record of a row and its key (two rows with one key in a file are an error). Fields with a
   * problem are undefined, and the row's problems are in `row`: the record is still staged, so
   * that the database's checks (references, duplicates) join the row's other problems.
   */
  parse(row: Row, refs: Refs): { key: string | undefined; record: Record<string, unknown> };
}

const MINUTES_A_DAY = 1440;

export const TEAM_DEFAULTS = {
  timezone: 'UTC',
  workDays: [1, 2, 3, 4, 5],
  dayCapacityMinutes: 390,
  upperPercent: 100,
  lowerPercent: 60,
  proposalWeekday: 5,
  proposalTime: '15:00',
  digestTime: '09:00',
  weeklyDigestWeekday: 1,
  allowFlaggedCommit: false,
  teamCustomers: false,
  language: 'en' as (typeof LANGUAGES)[number],
  reminders: true,
  reminderStart: '09:00',
  reminderEnd: '17:30',
};

/** Thresholds as percent of capacity; the lower must stay below the upper. */
export const UPPER_PERCENT = int(1, 500);
export const LOWER_PERCENT = int(0, 100);
export const DAY_CAPACITY = int(1, MINUTES_A_DAY);

const unknownIn = (what: string, file: string) => `unknown ${what} %s (import ${file} first)`;

function teamRef(row: Row, refs: Refs, column: string, value: string | null | undefined) {
  if (!value) return undefined;
  const team = refs.teams.get(value);
  if (!team) row.fail(column, `unknown team ${quote(value)} (import it in a teams file first)`);
  return team;
}

function typeRef(row: Row, refs: Refs, value: string | undefined) {
  if (value === undefined) return undefined;
  const type = refs.taskTypes.get(value);
  if (!type) row.fail('type', `unknown task type ${quote(value)} (${[...refs.taskTypes.keys()].join(', ')})`);
  return type;
}

const done = (key: string | undefined, record: Record<string, unknown>) => ({ key, record });

export const KINDS = {
  teams: {
    columns: [
      'team',
      'timezone',
      'work_days',
      'day_capacity_minutes',
      'upper_percent',
      'lower_percent',
      'digest_channel',
      'proposal_day',
      'proposal_time',
      'digest_time',
      'weekly_digest_day',
      'allow_flagged_commit',
      'team_customers',
      'language',
      'reminders',
      'reminder_start',
      'reminder_end',
    ],
    required: ['team'],
    keyColumn: 'team',
    needs: ['teams'],
    references: [],
    fields: {
      name: ['team'],
      timezone: ['timezone'],
      workDays: ['work_days'],
      dayCapacityMinutes: ['day_capacity_minutes'],
      upperPercent: ['upper_percent'],
      lowerPercent: ['lower_percent'],
      digestChannel: ['digest_channel'],
      proposalWeekday: ['proposal_day'],
      proposalTime: ['proposal_time'],
      digestTime: ['digest_time'],
      weeklyDigestWeekday: ['weekly_digest_day'],
      allowFlaggedCommit: ['allow_flagged_commit'],
      teamCustomers: ['team_customers'],
      language: ['language'],
      reminders: ['reminders'],
      reminderStart: ['reminder_start'],
      reminderEnd: ['reminder_end'],
    },
    parse(row, refs) {
      const name = row.need('team', text(100));
      const d = TEAM_DEFAULTS;
      // A threshold left out of the file keeps the stored one: the check is against what will be.
      const stored = name ? refs.teams.get(name) : undefined;
      const threshold = <V>(column: string, parse: (v: string) => V, kept: V | undefined, fallback: V) => {
        if (!row.has(column)) return kept ?? fallback;
        const v = row.get(column, parse);
        return v === undefined ? undefined : (v ?? fallback);
      };
      const upper = threshold('upper_percent', UPPER_PERCENT, stored?.upperPercent, d.upperPercent);
      const lower = threshold('lower_percent', LOWER_PERCENT, stored?.lowerPercent, d.lowerPercent);
      if (upper !== undefined && lower !== undefined && lower >= upper) {
        row.fail(row.has('lower_percent') ? 'lower_percent' : 'upper_percent', `lower ${lower} % must be below upper ${upper} %`);
      }
      // The same for the reminders' day: its end at least an hour after its start.
      const start = threshold('reminder_start', clock, stored?.reminderStart, d.reminderStart);
      const end = threshold('reminder_end', clock, stored?.reminderEnd, d.reminderEnd);
      if (start !== undefined && end !== undefined && !isReminderDay(start, end)) {
        row.fail(row.has('reminder_end') ? 'reminder_end' : 'reminder_start', `the day must end at least ${MIN_DAY_MINUTES} minutes after it starts (${start}–${end})`);
      }
      return done(name, {
        name,
        timezone: row.get('timezone', timeZone) ?? d.timezone,
        workDays: row.get('work_days', workDays) ?? d.workDays,
        dayCapacityMinutes: row.get('day_capacity_minutes', DAY_CAPACITY) ?? d.dayCapacityMinutes,
        upperPercent: upper,
        lowerPercent: lower,
        digestChannel: row.get('digest_channel', channel) ?? null,
        proposalWeekday: row.get('proposal_day', weekday) ?? d.proposalWeekday,
        proposalTime: row.get('proposal_time', clock) ?? d.proposalTime,
        digestTime: row.get('digest_time', clock) ?? d.digestTime,
        weeklyDigestWeekday: row.get('weekly_digest_day', weekday) ?? d.weeklyDigestWeekday,
        allowFlaggedCommit: row.get('allow_flagged_commit', yesNo) ?? d.allowFlaggedCommit,
        teamCustomers: row.get('team_customers', yesNo) ?? d.teamCustomers,
        language: row.get('language', language) ?? d.language,
        reminders: row.get('reminders', yesNo) ?? d.reminders,
        reminderStart: start,
        reminderEnd: end,
      });
    },
  },
  people: {
    columns: ['slack_user_id', 'name', 'team', 'role', 'day_capacity_minutes', 'timezone'],
    required: ['slack_user_id', 'name', 'team', 'role'],
    keyColumn: 'slack_user_id',
    needs: ['teams'],
    references: [],
    fields: {
      slackUserId: ['slack_user_id'],
      name: ['name'],
      teamId: ['team'],
      role: ['role'],
      dayCapacityMinutes: ['day_capacity_minutes'],
      timezone: ['timezone'],
    },
    parse(row, refs) {
      const id = row.need('slack_user_id', slackUser);
      const team = teamRef(row, refs, 'team', row.need('team', text(100)));
      const role = row.need('role', (v) => {
        const r = v.toLowerCase();
        if (!['agent', 'supervisor', 'admin'].includes(r)) throw new Problem(`${quote(v)} is not agent, supervisor or admin`);
        return r;
      });
      return done(id, {
        slackUserId: id,
        name: row.need('name', text(200)),
        teamId: team?.id,
        role,
        dayCapacityMinutes: row.get('day_capacity_minutes', int(0, MINUTES_A_DAY)) ?? null,
        timezone: row.get('timezone', timeZone) ?? null,
      });
    },
  },
  customers: {
    columns: ['customer_id', 'name', 'owner', 'segment', 'region', 'tags', 'last_contact', 'renewal_date', 'phone'],
    required: ['customer_id', 'name'],
    keyColumn: 'customer_id',
    needs: [],
    references: [{ field: 'ownerId', column: 'owner', table: 'people', reason: unknownIn('agent', 'them in a people file') }],
    fields: {
      id: ['customer_id'],
      name: ['name'],
      ownerId: ['owner'],
      segment: ['segment'],
      region: ['region'],
      tags: ['tags'],
      lastContact: ['last_contact'],
      renewalDate: ['renewal_date'],
      phone: ['phone'],
    },
    parse(row) {
      const id = row.need('customer_id', text(100));
      return done(id, {
        id,
        name: row.need('name', text(200)),
        ownerId: row.get('owner', text(100)) ?? null,
        segment: row.get('segment', text(100)) ?? null,
        region: row.get('region', text(100)) ?? null,
        tags: row.get('tags', list) ?? [],
        lastContact: row.get('last_contact', isoDay) ?? null,
        renewalDate: row.get('renewal_date', isoDay) ?? null,
        phone: row.get('phone', text(50)) ?? null,
      });
    },
  },
  tasks: {
    columns: ['external_id', 'agent', 'type', 'title', 'date', 'customer_id', 'earliest', 'due', 'effort_minutes', 'priority', 'fixed'],
    required: ['external_id', 'agent', 'type', 'title', 'date'],
    keyColumn: 'external_id',
    needs: ['taskTypes'],
    references: [
      { field: 'agentId', column: 'agent', table: 'people', reason: unknownIn('agent', 'them in a people file') },
      { field: 'customerId', column: 'customer_id', table: 'customers', reason: unknownIn('customer', 'it in a customers file') },
    ],
    fields: {
      externalId: ['external_id'],
      agentId: ['agent'],
      typeKey: ['type'],
      title: ['title'],
      customerId: ['customer_id'],
      plannedDay: ['date'],
      earliest: ['earliest'],
      due: ['due'],
      // Defaults of the task type: they follow the type when the file has no column of its own.
      effortMinutes: ['effort_minutes', 'type'],
      priority: ['priority', 'type'],
      fixed: ['fixed'],
      source: ['external_id'],
    },
    parse(row, refs) {
      const id = row.need('external_id', text(200));
      const typeKey = row.need('type', text(50));
      const type = typeRef(row, refs, typeKey);
      const planned = row.need('date', isoDay);
      const earliest = row.get('earliest', isoDay);
      const due = row.get('due', isoDay);
      if (planned && earliest && earliest > planned) row.fail('earliest', `${earliest} is after the planned date ${planned}`);
      if (planned && due && due < planned) row.fail('due', `${due} is before the planned date ${planned}`);
      return done(id, {
        externalId: id,
        agentId: row.need('agent', text(100)),
        typeKey,
        title: row.need('title', text(300)),
        customerId: row.get('customer_id', text(100)) ?? null,
        plannedDay: planned,
        earliest: earliest ?? null,
        due: due ?? null,
        effortMinutes: row.get('effort_minutes', int(1, MINUTES_A_DAY)) ?? type?.effortMinutes,
        priority: row.get('priority', priority) ?? type?.priority,
        fixed: row.get('fixed', yesNo) ?? false,
        source: 'system',
      });
    },
  },
  recommendations: {
    columns: ['customer_id', 'type', 'score', 'reason'],
    required: ['customer_id', 'type', 'score'],
    keyColumn: 'customer_id',
    needs: ['taskTypes'],
    references: [{ field: 'customerId', column: 'customer_id', table: 'customers', reason: unknownIn('customer', 'it in a customers file') }],
    fields: { customerId: ['customer_id'], typeKey: ['type'], score: ['score'], reason: ['reason'] },
    parse(row, refs) {
      const customerId = row.need('customer_id', text(100));
      const typeKey = row.need('type', text(50));
      typeRef(row, refs, typeKey);
      return done(`${customerId}/${typeKey}`, {
        customerId,
        typeKey,
        score: row.need('score', num(0, 1)),
        reason: row.get('reason', text(300)) ?? '',
      });
    },
  },
  'task-types': {
    columns: ['type', 'label', 'effort_minutes', 'priority'],
    required: ['type', 'label', 'effort_minutes'],
    keyColumn: 'type',
    needs: [],
    references: [],
    fields: { key: ['type'], label: ['label'], effortMinutes: ['effort_minutes'], priority: ['priority'] },
    parse(row) {
      const key = row.need('type', (v) => {
        if (!/^[a-z][a-z0-9_]{0,49}$/.test(v)) throw new Problem(`${quote(v)} must be lower-case letters, digits and _ (like renewal_call)`);
        return v;
      });
      return done(key, {
        key,
        label: row.need('label', text(60)),
        effortMinutes: row.need('effort_minutes', int(1, MINUTES_A_DAY)),
        priority: row.get('priority', priority) ?? 'normal',
      });
    },
  },
  'time-off': {
    columns: ['slack_user_id', 'team', 'from', 'to', 'reason'],
    required: ['from'],
    keyColumn: 'from',
    needs: ['teams'],
    references: [{ field: 'slackUserId', column: 'slack_user_id', table: 'people', reason: unknownIn('person', 'them in a people file') }],
    fields: { slackUserId: ['slack_user_id'], teamId: ['team'], fromDay: ['from'], toDay: ['to', 'from'], reason: ['reason'] },
    parse(row, refs) {
      const person = row.get('slack_user_id', slackUser);
      const teamName = row.get('team', text(100));
      if ((person === null) === (teamName === null)) row.fail('slack_user_id', 'give either slack_user_id (a day off) or team (a holiday), not both or neither');
      const team = teamRef(row, refs, 'team', teamName);
      const from = row.need('from', isoDay);
      const to = row.get('to', isoDay) ?? from;
      if (from && to && to < from) row.fail('to', `${to} is before from (${from})`);
      return done(from && `${person ?? `team:${teamName}`}/${from}`, {
        slackUserId: person ?? null,
        teamId: team?.id ?? null,
        fromDay: from,
        toDay: to,
        reason: row.get('reason', text(200)) ?? '',
      });
    },
  },
} satisfies Record<string, KindSpec>;

export type ImportKind = keyof typeof KINDS;
export const IMPORT_KINDS = Object.keys(KINDS) as ImportKind[];
