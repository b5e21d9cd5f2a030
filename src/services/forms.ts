// What a submitted modal does: every field is checked again here, on the server (the modal's own
// limits are a convenience of Slack's client, and a forged request skips them), then one change
// is made to the cart. Each wrong field gets its own message; nothing is saved until all are right.
import type { Db } from '../../db/client.ts';
import { allTaskTypes, plannableCustomers } from '../../db/queries/customers.ts';
import { openDays, type Week } from '../engine/index.ts';
import { PRIORITIES, type Priority } from '../engine/types.ts';
import { AppError } from '../errors.ts';
import { decide, type DecisionResult } from './approvals.ts';
import { CURRENT, changeCart, currentCart, loadCart, loadCartAndType, type CartState, type ChangeResult, type NewItem } from './cart.ts';
import { PICK_LIMIT, findTargets, type Target } from './recommend.ts';
import { charCount, cleanText, hasVisible } from './text.ts';

export const TITLE_MAX = 150;
export const NOTES_MAX = 1000;
export const REASON_MIN = 5;
export const REASON_MAX = 500;
export const NOTE_MAX = 500;
/** Customer ids, segments, regions: as long as an option value may be. */
const VALUE_MAX = 150;
const TAGS_MAX = 20;
const TAG_MAX = 100;

/**
 * How a submission reaches its change: the request's key (a replay changes nothing), and
 * `accepted`, called once the form is right and before anything is written: the Slack layer
 * acknowledges the modal there, so a form is answered within Slack's three seconds and the
 * change is made after.
 */
export interface Submission {
  requestKey?: string | undefined;
  accepted: () => Promise<void>;
}

export type Submitted<E> = { ok: false; errors: E } | { ok: true; result: ChangeResult };

const REPLAYED = (state: CartState): ChangeResult => ({ state, changed: false, listChanged: false, notice: null, replayed: true });

/** What is wrong with a field: views/errors.ts says it, under the field, in the person's language. */
export type FieldError =
  | { code: 'title_missing' | 'customer_not_yours' | 'type_missing' | 'day_not_in_week' | 'priority_missing' | 'committed' | 'reason_short' }
  | { code: 'title_long' | 'notes_long' | 'reason_long'; max: number; has: number }
  | { code: 'day_off'; day: string; kind: NonNullable<Week['days'][number]['off']>['kind']; reason: string }
  | { code: 'day_past'; day: string }
  | { code: 'effort_range'; max: number }
  | { code: 'segment_from_list' | 'region_from_list' | 'days_number' | 'no_targets' }
  | { code: 'tags_too_many'; max: number; each: number }
  | { code: 'not_your_customer' | 'tick_from_list' | 'tick_one' | 'pick_work_day' }
  | { code: 'note_missing' }
  | { code: 'note_long'; max: number; has: number };

const COMMITTED: FieldError = { code: 'committed' };

export interface AddTaskForm {
  title: string | null;
  customerId: string | null;
  typeKey: string | null;
  day: string | null;
  effort: string | null;
  priority: string | null;
  notes: string | null;
}

export type FieldErrors = Partial<Record<keyof AddTaskForm, FieldError>>;

/**
 * The Add task form, checked field by field. `customer` is what the database knows of the
 * customer asked for, among those the agent may plan for: null when the form named one that is
 * not theirs or does not exist (both answered alike).
 */
export function checkAddTask(
  form: AddTaskForm,
  week: Week,
  types: ReadonlyMap<string, { effortMinutes: number; label?: string }>,
  customer: { id: string; name?: string } | null,
): { ok: true; item: NewItem } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = cleanText(form.title ?? '');
  if (!hasVisible(title)) errors.title = { code: 'title_missing' };
  else if (charCount(title) > TITLE_MAX) errors.title = { code: 'title_long', max: TITLE_MAX, has: charCount(title) };
  if (form.customerId && !customer) errors.customerId = { code: 'customer_not_yours' };
  const type = form.typeKey ? types.get(form.typeKey) : undefined;
  if (!type) errors.typeKey = { code: 'type_missing' };
  const day = week.days.find((d) => d.day === form.day);
  if (!day) errors.day = { code: 'day_not_in_week' };
  else if (!day.work) errors.day = { code: 'day_off', day: day.day, kind: day.off?.kind ?? 'no_capacity', reason: day.off?.reason ?? '' };
  else if (day.past) errors.day = { code: 'day_past', day: day.day };
  let effort = type?.effortMinutes ?? 0;
  const raw = form.effort?.trim();
  if (raw) {
    const cap = day?.work ? day.capacity : Math.max(...week.days.map((d) => d.capacity));
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > cap) errors.effort = { code: 'effort_range', max: cap };
    else effort = Number(raw);
  }
  // The modal always sends one of its four; anything else is not quietly made 'normal'.
  if (!(PRIORITIES as readonly string[]).includes(form.priority ?? '')) errors.priority = { code: 'priority_missing' };
  const notes = cleanText(form.notes ?? '', { multiline: true });
  if (charCount(notes) > NOTES_MAX) errors.notes = { code: 'notes_long', max: NOTES_MAX, has: charCount(notes) };
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    item: {
      typeKey: form.typeKey!,
      title,
      customerId: customer?.id ?? null,
      effortMinutes: effort,
      priority: form.priority as Priority,
      day: day!.day,
      source: 'custom',
      notes,
      ...(type!.label !== undefined && (!customer || customer.name !== undefined) && { label: type!.label, customerName: customer?.name ?? null }),
    },
  };
}

/** Add task: the form checked against the cart, the task types and the agent's customers, then the task added. */
export async function submitAddTask(db: Db, userId: string, cartId: number, form: AddTaskForm, now: Date, submission: Submission): Promise<Submitted<FieldErrors>> {
  const customerId = form.customerId && form.customerId.length <= VALUE_MAX ? form.customerId : null;
  // The cart and the chosen type in one statement (the form offers every type; only the chosen one is checked).
  const typeKey = form.typeKey && form.typeKey.length <= VALUE_MAX ? form.typeKey : '';
  // Checked first against the cart as this process kept it; a form refused on that is checked again
  // on the cart read now (another process may have reopened it), so no refusal rests on an old copy.
  const [first, customers] = await Promise.all([
    loadCartAndType(db, userId, cartId, now, typeKey, submission.requestKey, { kept: true }),
    customerId ? plannableCustomers(db, userId, [customerId]) : Promise.resolve([]),
  ]);
  const check = ({ state, type }: typeof first) =>
    state.cart.status === 'committed' ? ({ ok: false, errors: { title: COMMITTED } } as const) : checkAddTask(form, state.week, new Map(type ? [[type.key, type]] : []), customers[0] ?? null);
  let loaded = first;
  let checked = check(loaded);
  if (!checked.ok && loaded.kept) {
    loaded = await loadCartAndType(db, userId, cartId, now, typeKey, submission.requestKey, { kept: false });
    checked = check(loaded);
  }
  const { state } = loaded;
  if (state.replayed) {
    await submission.accepted();
    return { ok: true, result: REPLAYED(state) };
  }
  if (!checked.ok) return checked;
  await submission.accepted();
  const result = await changeCart(db, userId, cartId, CURRENT, { kind: 'add', items: [checked.item] }, now, { requestKey: submission.requestKey, state });
  return { ok: true, result };
}

/** Commit with a reason: the reason is text the supervisor reads, checked like any other. */
export function checkReason(raw: string | null): { ok: true; reason: string } | { ok: false; error: FieldError } {
  const reason = cleanText(raw ?? '', { multiline: true });
  if (!hasVisible(reason) || charCount(reason) < REASON_MIN) return { ok: false, error: { code: 'reason_short' } };
  if (charCount(reason) > REASON_MAX) return { ok: false, error: { code: 'reason_long', max: REASON_MAX, has: charCount(reason) } };
  return { ok: true, reason };
}

export async function submitCommitReason(db: Db, userId: string, cartId: number, version: number, raw: string | null, now: Date, submission: Submission): Promise<Submitted<{ reason: FieldError }>> {
  const checked = checkReason(raw);
  if (!checked.ok) return { ok: false, errors: { reason: checked.error } };
  await submission.accepted();
  return { ok: true, result: await changeCart(db, userId, cartId, version, { kind: 'commit', reason: checked.reason }, now, { requestKey: submission.requestKey }) };
}

export interface PickFiltersForm {
  segment: string | null;
  region: string | null;
  tags: string | null;
  lastContact: string | null;
  onlyMine: boolean;
}

export type PickFilterErrors = Partial<Record<keyof PickFiltersForm, FieldError>>;

/** Pick customers, step one: the filters checked, then the matching customers with their recommended tasks. */
export async function submitPickFilters(
  db: Db,
  userId: string,
  cartId: number,
  form: PickFiltersForm,
  now: Date,
): Promise<{ ok: false; errors: PickFilterErrors } | { ok: true; state: CartState; targets: Target[]; labels: Map<string, string> }> {
  const errors: PickFilterErrors = {};
  const choice = (raw: string | null, field: 'segment' | 'region') => {
    const value = cleanText(raw ?? '*');
    if (charCount(value) > VALUE_MAX) errors[field] = { code: field === 'segment' ? 'segment_from_list' : 'region_from_list' };
    return value === '*' || value === '' ? null : value;
  };
  const segment = choice(form.segment, 'segment');
  const region = choice(form.region, 'region');
  const tags = cleanText(form.tags ?? '').split(/[;,]/).map((s) => s.trim()).filter(Boolean);
  if (tags.length > TAGS_MAX || tags.some((t) => charCount(t) > TAG_MAX)) errors.tags = { code: 'tags_too_many', max: TAGS_MAX, each: TAG_MAX };
  const days = cleanText(form.lastContact ?? '');
  if (days && !/^\d{1,4}$/.test(days)) errors.lastContact = { code: 'days_number' };
  if (Object.keys(errors).length) return { ok: false, errors };
  const state = await currentCart(db, userId, cartId, now);
  if (state.cart.status === 'committed') return { ok: false, errors: { segment: COMMITTED } };
  // Only where the team lets its agents plan for each other's customers is "not only mine" wider.
  const onlyMine = form.onlyMine || !state.person.team.teamCustomers;
  const [targets, types] = await Promise.all([
    findTargets(db, state.person, { segment, region, tags, minDaysSinceContact: days ? Number(days) : null, onlyMine }, now),
    allTaskTypes(db),
  ]);
  if (!targets.length) return { ok: false, errors: { segment: { code: 'no_targets' } } };
  return { ok: true, state, targets, labels: new Map(types.map((t) => [t.key, t.label])) };
}

export interface PickTasksForm {
  /** A work day of the week, or 'auto': the lightest allowed day. */
  day: string | null;
  /** What was ticked, customer by customer (as the modal's blocks carry them). */
  picks: { customerId: string; typeKeys: string[] }[];
}

export interface PickTaskErrors {
  day?: FieldError;
  /** By customer id. */
  customers?: Record<string, FieldError>;
  /** Nothing ticked. */
  none?: FieldError;
}

/**
 * Pick customers, step two: the ticked tasks join the cart as recommended tasks. The customers
 * are checked again (only those the agent may plan for) and named from the database, never from
 * the labels the modal carried.
 */
export async function submitPickTasks(
  db: Db,
  userId: string,
  cartId: number,
  form: PickTasksForm,
  now: Date,
  submission: Submission & { /** A picked task's title, in the agent's language: its type and customer. */ titleOf: (type: { key: string; label: string }, customer: string) => string },
): Promise<Submitted<PickTaskErrors>> {
  const picks = form.picks.filter((p) => p.typeKeys.length);
  // The modal shows PICK_LIMIT customers of at most ten tasks: more is not a form Slack sent.
  if (picks.length > PICK_LIMIT || picks.some((p) => p.typeKeys.length > 10)) throw new AppError('unknown_form');
  const ids = picks.map((p) => p.customerId).filter((id) => id.length <= VALUE_MAX);
  const [state, types, customers] = await Promise.all([loadCart(db, userId, cartId, now, submission.requestKey), allTaskTypes(db), plannableCustomers(db, userId, ids)]);
  if (state.replayed) {
    await submission.accepted();
    return { ok: true, result: REPLAYED(state) };
  }
  if (state.cart.status === 'committed') return { ok: false, errors: { day: COMMITTED } };
  const errors: PickTaskErrors = {};
  const day = form.day ?? 'auto';
  if (day !== 'auto' && !openDays(state.week).some((d) => d.day === day)) errors.day = { code: 'pick_work_day' };
  const typeOf = new Map(types.map((t) => [t.key, t]));
  const nameOf = new Map(customers.map((c) => [c.id, c.name]));
  const items: NewItem[] = [];
  for (const p of picks) {
    const name = nameOf.get(p.customerId);
    const chosen = p.typeKeys.map((k) => typeOf.get(k));
    if (name === undefined) (errors.customers ??= {})[p.customerId] = { code: 'not_your_customer' };
    else if (chosen.some((t) => !t)) (errors.customers ??= {})[p.customerId] = { code: 'tick_from_list' };
    else {
      for (const type of chosen) {
        items.push({ typeKey: type!.key, title: submission.titleOf(type!, name), customerId: p.customerId, effortMinutes: type!.effortMinutes, priority: type!.priority, day: day === 'auto' ? null : day, source: 'recommended', notes: '', label: type!.label, customerName: name });
      }
    }
  }
  if (!picks.length) errors.none = { code: 'tick_one' };
  if (errors.day || errors.customers || errors.none) return { ok: false, errors };
  await submission.accepted();
  return { ok: true, result: await changeCart(db, userId, cartId, CURRENT, { kind: 'add', items }, now, { requestKey: submission.requestKey, state }) };
}

/** Send back's note: what the agent is to change, text the agent reads, checked like any other. */
export function checkNote(raw: string | null): { ok: true; note: string } | { ok: false; error: FieldError } {
  const note = cleanText(raw ?? '', { multiline: true });
  if (!hasVisible(note)) return { ok: false, error: { code: 'note_missing' } };
  if (charCount(note) > NOTE_MAX) return { ok: false, error: { code: 'note_long', max: NOTE_MAX, has: charCount(note) } };
  return { ok: true, note };
}

/** Send back, submitted: the note checked, then the exception decided (once: see services/approvals.ts). */
export async function submitSendBack(
  db: Db,
  userId: string,
  exceptionId: number,
  raw: string | null,
  now: Date,
  submission: Submission,
): Promise<{ ok: false; errors: { note: FieldError } } | { ok: true; result: DecisionResult }> {
  const checked = checkNote(raw);
  if (!checked.ok) return { ok: false, errors: { note: checked.error } };
  await submission.accepted();
  return { ok: true, result: await decide(db, userId, exceptionId, { kind: 'send_back', note: checked.note }, now, submission.requestKey) };
}
