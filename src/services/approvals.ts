// Exceptions and their approval (docs/structure.md): a cart committed with flagged days and a reason
// goes to its team's supervisors, each by a DM sent at most once; the first of them to decide
// approves it or sends it back with a note, which reopens the cart as an ordinary, version-checked
// cart change. The decision is made once, in one transaction that locks the exception and its
// cart: two supervisors at once, a second click or a replay change nothing, and are told who decided.
import type { Db, DbOrTx } from '../../db/client.ts';
import { approvalKey, approvalsToRetry, decideException, exceptionCase, logCartEvent, type ExceptionCase, type FlaggedDay } from '../../db/queries/approvals.ts';
import { saveChange } from '../../db/queries/carts.ts';
import { claimDelivery, deliveriesByKey, markDelivered, markUndelivered, markUnopened, planDeliveries, teamMembers } from '../../db/queries/jobs.ts';
import { findPerson } from '../../db/queries/people.ts';
import { claimRequest } from '../../db/queries/requests.ts';
import { weeksAt } from '../engine/index.ts';
import { AppError } from '../errors.ts';
import { isId, loadCart, type CartState } from './cart.ts';
import { Refused } from './deliveries.ts';

/** An exception as the views show it: whose, which week, what was flagged, why, and where it stands. */
export interface Approval {
  id: number;
  agentId: string;
  teamName: string;
  weekStart: string;
  /** Which of the team's weeks in flight the cart is of, when it was committed. */
  week: 'planning' | 'working' | 'other';
  reason: string;
  flagged: FlaggedDay[];
  status: 'pending' | 'approved' | 'sent_back' | 'withdrawn';
  decidedBy: string | null;
  note: string | null;
}

export type Decision = { kind: 'approve' } | { kind: 'send_back'; note: string };

export type DecisionResult =
  /** The same request again (a replay, Slack's retry): nothing changed, nothing to say. */
  | { outcome: 'replayed' }
  /** This request decided it. After a send back, `cart` is the agent's cart, open again. */
  | { outcome: 'decided'; approval: Approval; cart?: CartState }
  /** Decided before (by `approval.decidedBy`), or withdrawn: nothing changed. */
  | { outcome: 'already'; approval: Approval }
  /** The agent reopened or committed the cart since: nobody's to decide; marked so by this request. */
  | { outcome: 'withdrawn'; approval: Approval };

function approvalOf(c: ExceptionCase, now: Date, team: { timezone: string; proposalWeekday: number; proposalTime: string }): Approval {
  const weeks = weeksAt(now, team.timezone, { weekday: team.proposalWeekday, time: team.proposalTime });
  const x = c.exception;
  return {
    id: x.id,
    agentId: c.agentId,
    teamName: c.teamName,
    weekStart: c.weekStart,
    week: c.weekStart === weeks.planning ? 'planning' : c.weekStart === weeks.working ? 'working' : 'other',
    reason: x.reason,
    flagged: x.flagged as FlaggedDay[],
    status: x.status,
    decidedBy: x.decidedBy,
    note: x.note,
  };
}

/** The exception for the views, with its team's weeks at `now`; null when there is no such exception. */
export async function loadApproval(db: Db, exceptionId: number, now: Date): Promise<Approval | null> {
  const c = isId(exceptionId) ? await exceptionCase(db, exceptionId) : null;
  if (!c) return null;
  const agent = await findPerson(db, c.agentId);
  return agent ? approvalOf(c, now, agent.team) : null;
}

/** Only a supervisor of the exception's team decides: anyone else is refused (someone unknown is told how to get set up). */
async function requireApprover(db: DbOrTx, userId: string, c: ExceptionCase) {
  const person = await findPerson(db, userId);
  if (!person) throw new AppError('unknown_user', { userId });
  if (person.person.role !== 'supervisor' || person.team.id !== c.teamId) throw new AppError('not_approver', { team: c.teamName });
  return person;
}

/**
 * Before Send back's modal opens: the exception, for a supervisor of its team (anyone else is
 * refused), and whether it is still to decide (otherwise the answer says who decided).
 */
export async function approvalToDecide(db: Db, userId: string, exceptionId: number, now: Date): Promise<Approval> {
  const c = isId(exceptionId) ? await exceptionCase(db, exceptionId) : null;
  if (!c) throw new AppError('unknown_button');
  const me = await requireApprover(db, userId, c);
  return approvalOf(c, now, me.team);
}

/**
 * Approve, or send back with a note: made once, whoever clicks and however often. The exception
 * and its cart are locked for the decision, so of two supervisors deciding at once one decides and
 * the other is answered `already`. Send back reopens the cart as a cart change claimed by version
 * (the cart is locked at the version read, so it is the cart as it is now, whatever the agent did
 * before), with its audit entry; approval writes an audit entry at the cart's version.
 */
export async function decide(db: Db, userId: string, exceptionId: number, decision: Decision, now: Date, requestKey?: string): Promise<DecisionResult> {
  if (!isId(exceptionId)) throw new AppError('unknown_button');
  const result = await db.transaction(async (tx) => {
    const c = await exceptionCase(tx, exceptionId, { lock: true });
    if (!c) throw new AppError('unknown_button');
    const me = await requireApprover(tx, userId, c);
    if (requestKey && !(await claimRequest(tx, requestKey))) return { outcome: 'replayed' as const };
    const approval = approvalOf(c, now, me.team);
    if (c.exception.status !== 'pending') return { outcome: 'already' as const, approval };
    if (!c.current) {
      await decideException(tx, c.exception.id, { status: 'withdrawn', by: null, note: null }, now);
      return { outcome: 'withdrawn' as const, approval: { ...approval, status: 'withdrawn' as const } };
    }
    if (decision.kind === 'approve') {
      await decideException(tx, c.exception.id, { status: 'approved', by: userId, note: null }, now);
      await logCartEvent(tx, { cartId: c.cartId, actorId: userId, action: 'exception_approved', version: c.cartVersion, detail: { exception: c.exception.id } });
      return { outcome: 'decided' as const, approval: { ...approval, status: 'approved' as const, decidedBy: userId } };
    }
    // An ordinary cart change: the next version claimed only from the version just read (and locked).
    const saved = await saveChange(tx, { id: c.cartId, agentId: c.agentId, version: c.cartVersion }, { status: 'open', exceptionReason: null }, { actorId: userId, action: 'send_back', detail: { exception: c.exception.id, note: decision.note } }, now);
    if (!saved) throw new AppError('cart_busy');
    await decideException(tx, c.exception.id, { status: 'sent_back', by: userId, note: decision.note }, now);
    return { outcome: 'decided' as const, approval: { ...approval, status: 'sent_back' as const, decidedBy: userId, note: decision.note }, sentBack: c };
  });
  if (result.outcome === 'decided' && 'sentBack' in result && result.sentBack) {
    const { sentBack, ...rest } = result;
    return { ...rest, cart: await loadCart(db, sentBack.agentId, sentBack.cartId, now) };
  }
  return result;
}

export interface NotifyReport {
  /** Supervisors who got the DM now. */
  sent: string[];
  /** Supervisors whose DM Slack refused or did not answer, with why. */
  failed: Array<{ supervisor: string; reason: string }>;
}

/**
 * The exception's DM to each supervisor of its team, at most once each: a delivery row per
 * supervisor, claimed (and committed) before it is posted, marked sent with the message (to edit
 * in place after the decision). A row already claimed — sent, or left by a process that stopped
 * while posting — is never posted again. `post` answers the message's ts.
 */
export async function notifySupervisors(
  db: Db,
  exceptionId: number,
  send: { channel(supervisorId: string): Promise<string>; post(supervisorId: string, channel: string, deliveryKey: string): Promise<string> },
): Promise<NotifyReport> {
  const c = await exceptionCase(db, exceptionId);
  const report: NotifyReport = { sent: [], failed: [] };
  if (!c || c.exception.status !== 'pending') return report;
  const supervisors = await teamMembers(db, c.teamId, 'supervisor');
  const keys = supervisors.map((s) => ({ key: approvalKey(exceptionId, s.slackUserId), recipient: s.slackUserId }));
  await planDeliveries(db, 'approval', keys);
  const rows = await deliveriesByKey(db, keys.map((k) => k.key));
  for (const { key, recipient } of keys) {
    const status = rows.get(key)?.status;
    if (status === 'sent' || status === 'sending') continue;
    let channel: string;
    try {
      channel = await send.channel(recipient);
    } catch (e) {
      await markUnopened(db, key, reasonOf(e));
      report.failed.push({ supervisor: recipient, reason: reasonOf(e) });
      continue;
    }
    if (!(await claimDelivery(db, key, channel))) continue;
    try {
      const ts = await send.post(recipient, channel, key);
      await markDelivered(db, key, { channelId: channel, ts });
      report.sent.push(recipient);
    } catch (e) {
      // Slack refused it: nothing was posted. Otherwise it may have been: left claimed, never posted twice.
      if (e instanceof Refused) await markUndelivered(db, key, reasonOf(e));
      report.failed.push({ supervisor: recipient, reason: reasonOf(e) });
    }
  }
  return report;
}

/** How many times a supervisor's DM is tried before it is left to the digests (which list pending exceptions). */
export const APPROVAL_ATTEMPTS = 7;

/** Exceptions with a supervisor's DM to try again now: 2, 4, 8… minutes after the try before (1 after it was planned, never tried), about two hours in all. */
export function approvalsDue(db: Db): Promise<number[]> {
  return approvalsToRetry(db, APPROVAL_ATTEMPTS);
}

const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
