// The CSV file kinds of PRODUCT.md: their columns and how a row becomes a record.
// Cross-references (team, agent, customer, type) are checked against what the
// database already holds.
import { FieldError, SLACK_USER, bool, day, int, list, num, priority, required, text, workDays, zone, type Cells } from './fields.ts';

export interface Refs {
  teams: Map<string, number>;
  people: Set<string>;
  customers: Set<string>;
  taskTypes: Map<string, { effortMinutes: number; priority: string }>;
}

export interface KindSpec {
  columns: readonly string[];
  required: readonly string[];
  /** Which references it needs loaded. */
  needs: ReadonlyArray<keyof Refs>;
  /** The record's key; two rows with one key in a file are an error. */
  parse(cells: Cells, refs: Refs): { key: string; record: Record<string, unknown> };
}

const MINUTES_A_DAY = 1440;

function ref<T>(value: T | undefined, column: string, what: string, hint: string): T {
  if (value === undefined) throw new FieldError(column, `unknown ${what}${hint ? ` (${hint})` : ''}`);
  return value;
}

function known(set: Set<string>, id: string | null, column: string, what: string, hint: string): string | null {
  if (id !== null && !set.has(id)) throw new FieldError(column, `unknown ${what} "${id}" (${hint})`);
  return id;
}

export const KINDS = {
  teams: {
    columns: ['team', 'timezone', 'work_days', 'day_capacity_minutes', 'upper_percent', 'lower_percent', 'digest_channel'],
    required: ['team'],
    needs: [],
    parse(c) {
      const upper = int(c, 'upper_percent', 1, 500) ?? 100;
      const lower = int(c, 'lower_percent', 0, 100) ?? 60;
      if (lower >= upper) throw new FieldError('lower_percent', `${lower} must be below upper_percent (${upper})`);
      const channel = text(c, 'digest_channel');
      if (channel && !/^[CG][A-Z0-9]{2,}$/.test(channel)) {
        throw new FieldError('digest_channel', `"${channel}" is not a channel id like C0123ABCD (channel details → About)`);
      }
      const name = required(c, 'team', 100);
      return {
        key: name,
        record: {
          name,
          timezone: zone(c, 'timezone') ?? 'UTC',
          workDays: workDays(c, 'work_days') ?? [1, 2, 3, 4, 5],
          dayCapacityMinutes: int(c, 'day_capacity_minutes', 1, MINUTES_A_DAY) ?? 390,
          upperPercent: upper,
          lowerPercent: lower,
          digestChannel: channel,
        },
      };
    },
  },
  people: {
    columns: ['slack_user_id', 'name', 'team', 'role', 'day_capacity_minutes', 'timezone'],
    required: ['slack_user_id', 'name', 'team', 'role'],
    needs: ['teams'],
    parse(c, refs) {
      const id = required(c, 'slack_user_id');
      if (!SLACK_USER.test(id)) throw new FieldError('slack_user_id', `"${id}" is not a Slack member id like U0123ABCD (profile → ⋮ → Copy member ID)`);
      const team = required(c, 'team');
      const role = required(c, 'role').toLowerCase();
      if (!['agent', 'supervisor', 'admin'].includes(role)) throw new FieldError('role', `"${role}" is not agent, supervisor or admin`);
      return {
        key: id,
        record: {
          slackUserId: id,
          name: required(c, 'name', 200),
          teamId: ref(refs.teams.get(team), 'team', `team "${team}"`, 'import it in a teams file first'),
          role,
          dayCapacityMinutes: int(c, 'day_capacity_minutes', 0, MINUTES_A_DAY),
          timezone: zone(c, 'timezone'),
        },
      };
    },
  },
  customers: {
    columns: ['customer_id', 'name', 'owner', 'segment', 'region', 'tags', 'last_contact', 'renewal_date', 'phone'],
    required: ['customer_id', 'name'],
    needs: ['people'],
    parse(c, refs) {
      const id = required(c, 'customer_id', 100);
      return {
        key: id,
        record: {
          id,
          name: required(c, 'name', 200),
          ownerId: known(refs.people, text(c, 'owner'), 'owner', 'agent', 'import them in a people file first'),
          segment: text(c, 'segment', 100),
          region: text(c, 'region', 100),
          tags: list(c, 'tags'),
          lastContact: day(c, 'last_contact'),
          renewalDate: day(c, 'renewal_date'),
          phone: text(c, 'phone', 50),
        },
      };
    },
  },
  tasks: {
    columns: ['external_id', 'agent', 'type', 'title', 'date', 'customer_id', 'earliest', 'due', 'effort_minutes', 'priority', 'fixed'],
    required: ['external_id', 'agent', 'type', 'title', 'date'],
    needs: ['people', 'customers', 'taskTypes'],
    parse(c, refs) {
      const id = required(c, 'external_id', 200);
      const typeKey = required(c, 'type');
      const type = ref(refs.taskTypes.get(typeKey), 'type', `task type "${typeKey}"`, [...refs.taskTypes.keys()].join(', '));
      const planned = day(c, 'date')!;
      if (!planned) throw new FieldError('date', 'is required');
      const earliest = day(c, 'earliest');
      const due = day(c, 'due');
      if (earliest && earliest > planned) throw new FieldError('earliest', `${earliest} is after the planned date ${planned}`);
      if (due && due < planned) throw new FieldError('due', `${due} is before the planned date ${planned}`);
      return {
        key: id,
        record: {
          externalId: id,
          agentId: known(refs.people, required(c, 'agent'), 'agent', 'agent', 'import them in a people file first'),
          typeKey,
          title: required(c, 'title', 300),
          customerId: known(refs.customers, text(c, 'customer_id'), 'customer_id', 'customer', 'import it in a customers file first'),
          plannedDay: planned,
          earliest,
          due,
          effortMinutes: int(c, 'effort_minutes', 1, MINUTES_A_DAY) ?? type.effortMinutes,
          priority: priority(c, 'priority') ?? type.priority,
          fixed: bool(c, 'fixed') ?? false,
          source: 'system',
        },
      };
    },
  },
  recommendations: {
    columns: ['customer_id', 'type', 'score', 'reason'],
    required: ['customer_id', 'type', 'score'],
    needs: ['customers', 'taskTypes'],
    parse(c, refs) {
      const customerId = known(refs.customers, required(c, 'customer_id'), 'customer_id', 'customer', 'import it in a customers file first')!;
      const typeKey = required(c, 'type');
      ref(refs.taskTypes.get(typeKey), 'type', `task type "${typeKey}"`, [...refs.taskTypes.keys()].join(', '));
      const score = num(c, 'score', 0, 1);
      if (score === null) throw new FieldError('score', 'is required');
      return { key: `${customerId}/${typeKey}`, record: { customerId, typeKey, score, reason: text(c, 'reason', 300) ?? '' } };
    },
  },
  'task-types': {
    columns: ['type', 'label', 'effort_minutes', 'priority'],
    required: ['type', 'label', 'effort_minutes'],
    needs: [],
    parse(c) {
      const key = required(c, 'type', 50);
      if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new FieldError('type', `"${key}" must be lower-case letters, digits and _ (like renewal_call)`);
      const effort = int(c, 'effort_minutes', 1, MINUTES_A_DAY);
      if (effort === null) throw new FieldError('effort_minutes', 'is required');
      return { key, record: { key, label: required(c, 'label', 60), effortMinutes: effort, priority: priority(c, 'priority') ?? 'normal' } };
    },
  },
  'time-off': {
    columns: ['slack_user_id', 'team', 'from', 'to', 'reason'],
    required: ['from'],
    needs: ['teams', 'people'],
    parse(c, refs) {
      const person = text(c, 'slack_user_id');
      const team = text(c, 'team');
      if ((person === null) === (team === null)) throw new FieldError('slack_user_id', 'give either slack_user_id (a day off) or team (a holiday), not both or neither');
      const from = day(c, 'from');
      if (!from) throw new FieldError('from', 'is required');
      const to = day(c, 'to') ?? from;
      if (to < from) throw new FieldError('to', `${to} is before from (${from})`);
      const teamId = team === null ? null : ref(refs.teams.get(team), 'team', `team "${team}"`, 'import it in a teams file first');
      known(refs.people, person, 'slack_user_id', 'person', 'import them in a people file first');
      return {
        key: `${person ?? `team:${team}`}/${from}`,
        record: { slackUserId: person, teamId, fromDay: from, toDay: to, reason: text(c, 'reason', 200) ?? '' },
      };
    },
  },
} satisfies Record<string, KindSpec>;

export type ImportKind = keyof typeof KINDS;
export const IMPORT_KINDS = Object.keys(KINDS) as ImportKind[];
