// Exceptions (a cart committed with flagged days and a reason) and their supervisors' decision.
import { and, eq, like, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../client.ts';
import { cartEvents, carts, deliveries, exceptions, people } from '../schema.ts';

export type ExceptionRow = typeof exceptions.$inferSelect;

/** A flagged day as the exception recorded it: planned minutes against capacity, and the flag. */
export interface FlaggedDay {
  day: string;
  minutes: number;
  capacity: number;
  flag: { kind: 'overloaded' | 'idle' | 'off_day'; by: number };
}

/** An exception with its cart's owner, week and team, and whether a later reopen or commit superseded it. */
export interface ExceptionCase {
  exception: ExceptionRow;
  cartId: number;
  agentId: string;
  agentName: string;
  weekStart: string;
  teamId: number;
  teamName: string;
  /** The cart as it is now. */
  cartStatus: 'open' | 'committed';
  cartVersion: number;
  /** No reopen or commit of the cart since the exception's commit. */
  current: boolean;
}

/**
 * Actions of cart_events that end an exception's commit: the agent's reopen, a supervisor's send back, a
 * later commit. (Approval is logged as `exception_approved` at the cart's version, which it does not change.)
 */
const ENDS_COMMIT = sql`('reopen', 'send_back', 'commit')`;

/**
 * One exception as a decision needs it, in one round trip; `lock` (inside a transaction) locks the
 * exception and its cart until the transaction ends, so two decisions at once are made one after the other.
 */
export async function exceptionCase(db: DbOrTx, id: number, options: { lock?: boolean } = {}): Promise<ExceptionCase | null> {
  type Row = { x: Record<string, unknown>; cart_id: number; agent_id: string; agent_name: string; week_start: string; team_id: number; team_name: string; cart_status: 'open' | 'committed'; cart_version: number; current: boolean };
  const [row] = await rowsOf<Row>(
    db,
    sql`select to_json(x) as x, c.id as cart_id, c.agent_id, p.name as agent_name, c.week_start::text as week_start, p.team_id, tm.name as team_name,
        c.status as cart_status, c.version as cart_version,
        not exists (select 1 from ${cartEvents} e where e.cart_id = c.id and e.version > x.version and e.action in ${ENDS_COMMIT}) as current
      from ${exceptions} x
      join carts c on c.id = x.cart_id
      join people p on p.slack_user_id = c.agent_id
      join teams tm on tm.id = p.team_id
      where x.id = ${id}${options.lock ? sql` for update of x, c` : sql``}`,
  );
  if (!row) return null;
  const x = row.x;
  return {
    exception: {
      id: Number(x.id),
      cartId: Number(x.cart_id),
      version: Number(x.version),
      reason: String(x.reason),
      flagged: x.flagged ?? [],
      status: x.status as ExceptionRow['status'],
      decidedBy: (x.decided_by as string | null) ?? null,
      decidedAt: x.decided_at ? new Date(String(x.decided_at)) : null,
      note: (x.note as string | null) ?? null,
      createdAt: new Date(String(x.created_at)),
    },
    cartId: Number(row.cart_id),
    agentId: row.agent_id,
    agentName: row.agent_name,
    weekStart: row.week_start,
    teamId: Number(row.team_id),
    teamName: row.team_name,
    cartStatus: row.cart_status,
    cartVersion: Number(row.cart_version),
    current: Boolean(row.current),
  };
}

/** Records the decision on a pending exception; false when it was decided already (nothing written). */
export async function decideException(
  db: DbOrTx,
  id: number,
  decision: { status: 'approved' | 'sent_back' | 'withdrawn'; by: string | null; note: string | null },
  now: Date,
): Promise<boolean> {
  const rows = await db
    .update(exceptions)
    .set({ status: decision.status, decidedBy: decision.by, note: decision.note, decidedAt: now })
    .where(and(eq(exceptions.id, id), eq(exceptions.status, 'pending')))
    .returning({ id: exceptions.id });
  return rows.length > 0;
}

/** An audit entry for a decision that does not change the cart (approval): at the cart's version as it is. */
export async function logCartEvent(db: DbOrTx, entry: { cartId: number; actorId: string; action: string; version: number; detail: unknown }): Promise<void> {
  await db.insert(cartEvents).values({ cartId: entry.cartId, actorId: entry.actorId, action: entry.action, version: entry.version, detail: entry.detail ?? {} });
}

/** The delivery key of the approval DM of one exception to one supervisor. */
export const approvalKey = (exceptionId: number, supervisorId: string) => `approval:${exceptionId}:${supervisorId}`;

/**
 * Pending exceptions with a DM not sent to someone who is still a supervisor of the agent's team —
 * planned and never tried (the process stopped), or not taken by Slack — tried fewer than
 * `maxAttempts` times, and last tried 2^attempts minutes ago or more (by the database's clock, as
 * the tries are stamped): 1, 2, 4… A DM left `sending` (Slack did not answer its post) may have
 * been posted: never sent again. One to a person who left the team or its supervisors is not
 * tried again (nor counted as tried: it would be due for ever).
 */
export async function approvalsToRetry(db: DbOrTx, maxAttempts: number): Promise<number[]> {
  const rows = await rowsOf<{ id: number }>(
    db,
    sql`select distinct e.id from ${exceptions} e
      join ${carts} c on c.id = e.cart_id
      join ${people} a on a.slack_user_id = c.agent_id
      join ${deliveries} d on d.kind = 'approval' and d.key like 'approval:' || e.id || ':%'
      join ${people} s on s.slack_user_id = d.recipient and s.team_id = a.team_id and s.role = 'supervisor'
      where e.status = 'pending' and d.status in ('pending', 'failed') and d.attempts < ${maxAttempts}
        and coalesce(d.claimed_at, d.created_at) <= now() - make_interval(mins => power(2, d.attempts)::int)
      order by e.id limit 100`,
  );
  return rows.map((r) => Number(r.id));
}

/** The approval DMs of an exception that reached a supervisor: where each is, to edit it in place. */
export async function approvalMessages(db: DbOrTx, exceptionId: number): Promise<Array<{ recipient: string; channelId: string; messageTs: string }>> {
  const rows = await db
    .select({ recipient: deliveries.recipient, channelId: deliveries.channelId, messageTs: deliveries.messageTs })
    .from(deliveries)
    .where(and(eq(deliveries.kind, 'approval'), like(deliveries.key, `approval:${exceptionId}:%`), eq(deliveries.status, 'sent')));
  return rows.filter((r): r is { recipient: string; channelId: string; messageTs: string } => Boolean(r.channelId && r.messageTs));
}

/** Where an approval stands, for the digest: each agent's latest exception of the week's cart that still speaks for it. */
export interface ApprovalStanding {
  agent_id: string;
  reason: string;
  status: 'pending' | 'approved' | 'sent_back';
  decided_by: string | null;
  note: string | null;
}

/**
 * Each agent's latest exception for the week: pending or approved while the cart stays committed as it
 * was; sent back until the agent commits again. Superseded ones (a reopen, a later commit) are left out.
 */
export async function teamApprovals(db: DbOrTx, teamId: number, weekStart: string): Promise<ApprovalStanding[]> {
  return rowsOf<ApprovalStanding>(
    db,
    sql`select distinct on (c.agent_id) c.agent_id, x.reason, x.status, x.decided_by, x.note
      from ${exceptions} x
      join carts c on c.id = x.cart_id and c.week_start = ${weekStart}::date
      join people p on p.slack_user_id = c.agent_id and p.team_id = ${teamId}
      where x.status <> 'withdrawn'
        and not exists (
          select 1 from ${cartEvents} e
          where e.cart_id = c.id and e.version > x.version
            and (e.action = 'commit' or (x.status <> 'sent_back' and e.action in ('reopen', 'send_back'))))
      order by c.agent_id, x.id desc`,
  );
}
