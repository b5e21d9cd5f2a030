// One Drizzle schema for both drivers (postgres.js and PGlite). The words are the
// product's: team, person, customer, task, cart, cart item, flag.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const teams = pgTable(
  'teams',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull().unique(),
    timezone: text('timezone').notNull().default('UTC'),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    workDays: integer('work_days').array().notNull().default(sql`'{1,2,3,4,5}'`),
    dayCapacityMinutes: integer('day_capacity_minutes').notNull().default(390),
    upperPercent: integer('upper_percent').notNull().default(100),
    lowerPercent: integer('lower_percent').notNull().default(60),
    /** When next week's cart is proposed: ISO weekday and local HH:MM. */
    proposalWeekday: integer('proposal_weekday').notNull().default(5),
    proposalTime: text('proposal_time').notNull().default('15:00'),
    /** Daily digest on work days at this local time; weekly digest on this weekday. */
    digestTime: text('digest_time').notNull().default('09:00'),
    weeklyDigestWeekday: integer('weekly_digest_weekday').notNull().default(1),
    /** Channel id for digests; without one, supervisors get DMs. */
    digestChannel: text('digest_channel'),
    allowFlaggedCommit: boolean('allow_flagged_commit').notNull().default(false),
    /** Whether agents may plan tasks for their teammates' customers too; otherwise their own only. */
    teamCustomers: boolean('team_customers').notNull().default(false),
    /** The team's default language, and that of its channel posts: en or zh-CN (docs/settings.md). */
    language: text('language', { enum: ['en', 'zh-CN'] }).notNull().default('en'),
    /**
     * Reminders to agents (docs/settings.md), in each agent's own zone: today's tasks at the start of
     * their day, and one nudge, half an hour before its end, when tasks are still open.
     */
    reminders: boolean('reminders').notNull().default(true),
    reminderStart: text('reminder_start').notNull().default('09:00'),
    reminderEnd: text('reminder_end').notNull().default('17:30'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check('teams_language', sql`${t.language} in ('en', 'zh-CN')`)],
);

export const people = pgTable(
  'people',
  {
    slackUserId: text('slack_user_id').primaryKey(),
    name: text('name').notNull(),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id),
    role: text('role', { enum: ['agent', 'supervisor', 'admin'] }).notNull(),
    /** Part-time agents: overrides the team's day capacity. */
    dayCapacityMinutes: integer('day_capacity_minutes'),
    timezone: text('timezone'),
    /**
     * The person's Slack locale as users.info answered it ("zh-CN", "en-US"), and when it was asked:
     * asked again at most daily, by whichever bot process needs it (docs/i18n.md).
     */
    locale: text('locale'),
    localeCheckedAt: timestamp('locale_checked_at', { withTimezone: true }),
    /** Whether the agent wants each reminder (App Home's switches): today's tasks, and the end-of-day nudge. */
    remindStart: boolean('remind_start').notNull().default(true),
    remindEnd: boolean('remind_end').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('people_team_idx').on(t.teamId, t.role)],
);

/** Agent days off (slack_user_id set) and team holidays (team_id set). */
export const timeOff = pgTable(
  'time_off',
  {
    id: serial('id').primaryKey(),
    slackUserId: text('slack_user_id').references(() => people.slackUserId),
    teamId: integer('team_id').references(() => teams.id),
    fromDay: date('from_day').notNull(),
    toDay: date('to_day').notNull(),
    reason: text('reason').notNull().default(''),
  },
  (t) => [
    uniqueIndex('time_off_person_uq').on(t.slackUserId, t.fromDay).where(sql`${t.slackUserId} is not null`),
    uniqueIndex('time_off_team_uq').on(t.teamId, t.fromDay).where(sql`${t.teamId} is not null`),
    check('time_off_subject', sql`(${t.slackUserId} is null) <> (${t.teamId} is null)`),
    check('time_off_range', sql`${t.toDay} >= ${t.fromDay}`),
  ],
);

export const taskTypes = pgTable('task_types', {
  key: text('key').primaryKey(),
  label: text('label').notNull(),
  effortMinutes: integer('effort_minutes').notNull(),
  priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] }).notNull().default('normal'),
});

export const customers = pgTable(
  'customers',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    ownerId: text('owner_id').references(() => people.slackUserId),
    segment: text('segment'),
    region: text('region'),
    tags: text('tags').array().notNull().default(sql`'{}'`),
    lastContact: date('last_contact'),
    renewalDate: date('renewal_date'),
    phone: text('phone'),
    updatedAt: updatedAt(),
  },
  (t) => [index('customers_owner_idx').on(t.ownerId), index('customers_segment_region_idx').on(t.segment, t.region)],
);

/**
 * A count of the changes to what a cart shows but is not versioned with it: a customer's name, a
 * task type's label or effort. Bumped once by each transaction that changes one, as it commits (the
 * triggers of migration 0014); a process keeping a cart past MAX_AGE_MS (src/services/cart-cache.ts)
 * compares it with the count its cart was read at. No row yet reads as 0.
 */
export const namesVersion = pgTable(
  'names_version',
  {
    one: boolean('one').primaryKey().default(true),
    version: integer('version').notNull(),
  },
  (t) => [check('names_version_one_row', sql`${t.one}`)],
);

export const recommendations = pgTable(
  'recommendations',
  {
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    typeKey: text('type_key')
      .notNull()
      .references(() => taskTypes.key),
    score: real('score').notNull(),
    reason: text('reason').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.typeKey] })],
);

const priority = () => text('priority', { enum: ['low', 'normal', 'high', 'urgent'] }).notNull().default('normal');
const source = () =>
  text('source', { enum: ['system', 'carried_over', 'recommended', 'custom'] }).notNull();

/** The first group of the method: tasks imported from the CRM, generated by rules, carried over. */
export const systemTasks = pgTable(
  'system_tasks',
  {
    id: serial('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    agentId: text('agent_id')
      .notNull()
      .references(() => people.slackUserId),
    typeKey: text('type_key')
      .notNull()
      .references(() => taskTypes.key),
    title: text('title').notNull(),
    customerId: text('customer_id').references(() => customers.id),
    plannedDay: date('planned_day').notNull(),
    earliest: date('earliest'),
    due: date('due'),
    effortMinutes: integer('effort_minutes').notNull(),
    priority: priority(),
    fixed: boolean('fixed').notNull().default(false),
    source: source().default('system'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('system_tasks_agent_day_idx').on(t.agentId, t.plannedDay)],
);

export const carts = pgTable(
  'carts',
  {
    id: serial('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => people.slackUserId),
    /** Monday of the cart's week, in the agent's zone. */
    weekStart: date('week_start').notNull(),
    status: text('status', { enum: ['open', 'committed'] }).notNull().default('open'),
    /** Bumped by every change: optimistic concurrency and stale-message detection. */
    version: integer('version').notNull().default(1),
    channelId: text('channel_id'),
    messageTs: text('message_ts'),
    committedAt: timestamp('committed_at', { withTimezone: true }),
    /** Set when the cart was committed with a flagged day, where the team allows it. */
    exceptionReason: text('exception_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('carts_agent_week_uq').on(t.agentId, t.weekStart), index('carts_week_idx').on(t.weekStart)],
);

export const cartItems = pgTable(
  'cart_items',
  {
    id: serial('id').primaryKey(),
    cartId: integer('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    systemTaskId: integer('system_task_id').references(() => systemTasks.id),
    typeKey: text('type_key')
      .notNull()
      .references(() => taskTypes.key),
    title: text('title').notNull(),
    customerId: text('customer_id').references(() => customers.id),
    effortMinutes: integer('effort_minutes').notNull(),
    priority: priority(),
    plannedDay: date('planned_day').notNull(),
    earliest: date('earliest'),
    due: date('due'),
    fixed: boolean('fixed').notNull().default(false),
    source: source(),
    notes: text('notes').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [
    index('cart_items_cart_idx').on(t.cartId, t.plannedDay),
    uniqueIndex('cart_items_system_task_uq').on(t.cartId, t.systemTaskId),
  ],
);

/** The agent's task list: what a committed cart became. */
export const tasks = pgTable(
  'tasks',
  {
    id: serial('id').primaryKey(),
    cartId: integer('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    agentId: text('agent_id')
      .notNull()
      .references(() => people.slackUserId),
    /** The cart item it came from: a re-commit replaces open tasks and keeps done ones. */
    cartItemId: integer('cart_item_id').references(() => cartItems.id, { onDelete: 'set null' }),
    systemTaskId: integer('system_task_id').references(() => systemTasks.id),
    typeKey: text('type_key')
      .notNull()
      .references(() => taskTypes.key),
    title: text('title').notNull(),
    customerId: text('customer_id').references(() => customers.id),
    effortMinutes: integer('effort_minutes').notNull(),
    priority: priority(),
    day: date('day').notNull(),
    due: date('due'),
    source: source(),
    notes: text('notes').notNull().default(''),
    /** carried_over: not done in its week and carried into a later cart. */
    status: text('status', { enum: ['open', 'done', 'skipped', 'carried_over'] }).notNull().default('open'),
    doneAt: timestamp('done_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  // By item: a commit keeps the done and skipped tasks of each item, and a cart's read marks the items
  // they came from (db/queries/carts.ts); removing an item sets its tasks' item to null. Without it each
  // of those read every task of every week.
  // Open ones by agent and day: the task list's tasks still open from before its week, and their count
  // in the start-of-day reminder (db/queries/carts.ts taskListOf, reminders.ts), read among the open
  // tasks only, however many weeks of done ones an agent has.
  (t) => [
    index('tasks_agent_day_idx').on(t.agentId, t.day),
    index('tasks_cart_idx').on(t.cartId),
    index('tasks_cart_item_idx').on(t.cartItemId),
    index('tasks_open_agent_day_idx').on(t.agentId, t.day).where(sql`${t.status} = 'open'`),
  ],
);

/** Every change to a cart, who made it and what it was. */
export const cartEvents = pgTable(
  'cart_events',
  {
    id: serial('id').primaryKey(),
    cartId: integer('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    /** The cart's version this change made: retries and double clicks are refused by version. */
    version: integer('version').notNull(),
    detail: jsonb('detail').notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('cart_events_cart_idx').on(t.cartId, t.at),
    // A cart's read takes the merge note of its 'created' event (queries/carts.ts snapshotsWhere): one
    // probe here, where the index above had it read every event of the cart, a row per click of its week.
    index('cart_events_created_idx').on(t.cartId, t.id).where(sql`${t.action} = 'created'`),
  ],
);

/**
 * A cart committed with flagged days and a reason, where the team allows it: its supervisors approve
 * it or send it back with a note (which reopens the cart). Written in the commit's own statement;
 * decided once (the first decision wins, `decided_by` says whose). A later reopen or commit of the
 * cart supersedes a pending one: it is then `withdrawn`, nobody's to decide.
 */
export const exceptions = pgTable(
  'exceptions',
  {
    id: serial('id').primaryKey(),
    cartId: integer('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    /** The cart's version the commit made. */
    version: integer('version').notNull(),
    reason: text('reason').notNull(),
    /** The flagged days as committed: `{ day, minutes, capacity, flag }` each. */
    flagged: jsonb('flagged').notNull().default([]),
    status: text('status', { enum: ['pending', 'approved', 'sent_back', 'withdrawn'] }).notNull().default('pending'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Send back's note to the agent. */
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('exceptions_cart_version_uq').on(t.cartId, t.version),
    check('exceptions_status', sql`${t.status} in ('pending', 'approved', 'sent_back', 'withdrawn')`),
  ],
);

/**
 * Follow-up cadence per team and segment: a customer not contacted for longer gets a
 * follow-up when the week is proposed. Segments without a row use the defaults in code.
 */
export const segmentCadences = pgTable(
  'segment_cadences',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    segment: text('segment').notNull(),
    days: integer('days').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.segment] })],
);

/**
 * Every message a job sends (weekly proposal, digest, nudge, reminder), keyed so it is sent once:
 * a restarted fan-out skips what is already sent.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    key: text('key').primaryKey(),
    kind: text('kind', { enum: ['proposal', 'digest', 'nudge', 'reminder', 'approval'] }).notNull(),
    recipient: text('recipient').notNull(),
    /**
     * sending: claimed, and maybe posted, by a run that stopped or that Slack did not answer. The next
     * run looks for the message (its metadata names the delivery) in the channel's history from
     * `claimedAt` on before it posts anything: found, it is recorded as sent; not found, it is posted.
     * failed: Slack refused it (`error` says why); tried again by the next run.
     */
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    /** Where it is posted (a DM is opened before the claim), and when it was last claimed (or, for a DM that could not be opened, tried). */
    channelId: text('channel_id'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /** The posted message, once sent. */
    messageTs: text('message_ts'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('deliveries_recipient_idx').on(t.kind, t.recipient, t.sentAt)],
);

/**
 * A file a delivered message carries after it (a digest's chart), shared into the message's
 * conversation once: claimed (`sending`) before the upload, marked `shared` after. A run that
 * stops between the two, or that Slack did not answer, leaves it `sending`, and it is never
 * uploaded again (a file shared twice is worse than one missing). `failed`: nothing was shared
 * (it could not be made, or Slack refused it); a later run of the same slot tries again.
 */
export const deliveryFiles = pgTable(
  'delivery_files',
  {
    deliveryKey: text('delivery_key')
      .notNull()
      .references(() => deliveries.key, { onDelete: 'cascade' }),
    /** Which file of the delivery: `chart`. */
    name: text('name').notNull(),
    status: text('status', { enum: ['sending', 'shared', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(1),
    error: text('error'),
    /** Slack's file id, once shared. */
    fileId: text('file_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deliveryKey, t.name] })],
);

/**
 * Requests from Slack that changed something, by a key of the request itself (a modal's view id
 * and hash, a click's action_ts, a command's trigger_id): a replay or a retry of one finds its key
 * and changes nothing. Written in the same statement as the change; purged after a day (Slack's
 * signatures are only accepted within five minutes).
 */
export const requestKeys = pgTable(
  'request_keys',
  {
    key: text('key').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('request_keys_at_idx').on(t.at)],
);

/**
 * Each scheduled slot of a team that came due (weekly proposal, daily and weekly digest, the
 * reminders of its agents in one zone), claimed once: however many bot processes tick, and however
 * often a tick is retried, a slot's work is queued once. `slot` is the period's day (the proposed
 * week's Monday, the digest's date, the reminded agents' local day).
 */
export const scheduleRuns = pgTable(
  'schedule_runs',
  {
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['proposal', 'daily-digest', 'weekly-digest', 'reminder-start', 'reminder-end'] }).notNull(),
    slot: date('slot').notNull(),
    /** The agents' time zone a reminder slot is for (a team's agents may live in several); '' for a whole-team slot. */
    zone: text('zone').notNull().default(''),
    /** When the slot was due in the team's zone, and when a bot queued its work. */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.kind, t.slot, t.zone] })],
);

export const schema = {
  teams,
  people,
  timeOff,
  taskTypes,
  customers,
  namesVersion,
  recommendations,
  systemTasks,
  carts,
  cartItems,
  tasks,
  cartEvents,
  exceptions,
  segmentCadences,
  deliveries,
  deliveryFiles,
  requestKeys,
  scheduleRuns,
};
