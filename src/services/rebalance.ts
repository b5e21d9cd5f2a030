// Team rebalancing from /team-carts: a supervisor asks for moves that relieve one agent's
// overloaded days onto teammates with room (src/engine/rebalance.ts decides), sees them as a
// list, and applies them. Applying changes every cart involved in one transaction, each claimed
// at the version the proposal was made on: when any of them changed since, nothing is applied
// and a fresh proposal is made. Only open carts take part: a committed cart is the agent's task
// list, and is not changed behind their back.
import type { Db, DbOrTx } from '../../db/client.ts';
import { cartSnapshot, cartSnapshots } from '../../db/queries/carts.ts';
import { findPerson, type PersonWithTeam } from '../../db/queries/people.ts';
import { claimCartVersion, customerOwners, logCartEvents, moveItemsBetweenCarts, rebalanceApplied, teamPeople, teamWeekCarts } from '../../db/queries/rebalance.ts';
import { claimRequest } from '../../db/queries/requests.ts';
import { applyTeamMoves, checkTeamMoves, isMonday, measure, proposeTeamMoves, type Measure, type Member, type RebalanceBlocked, type Serving, type TeamMove } from '../engine/index.ts';
import { AppError } from '../errors.ts';
import { flaggedDays, isId, stateOf, type CartState, type DayFlag, type MoveNote } from './cart.ts';

/** A cart as a proposal names it: its owner, and the version the proposal was made on. */
export interface CartRef {
  cartId: number;
  version: number;
  agentId: string;
}

/** A move as the supervisor and the agents read it: the task, its days, and who takes it. */
export interface TeamMoveNote extends MoveNote {
  itemId: number;
  receiverId: string;
}

export type Proposal =
  | {
      kind: 'proposal';
      teamId: number;
      weekStart: string;
      giver: CartRef;
      /** The carts that take tasks, in the order the moves name them. */
      receivers: CartRef[];
      moves: TeamMoveNote[];
      /** The giver's overloaded minutes (over the upper threshold, or on a day without capacity) before and after the moves. */
      overBefore: number;
      overAfter: number;
      /** The giver's overloaded days (and days without capacity that have tasks). */
      overloaded: DayFlag[];
    }
  | {
      kind: 'blocked';
      teamId: number;
      weekStart: string;
      agentId: string;
      reason: RebalanceBlocked | 'no_cart' | 'committed';
      overloaded: DayFlag[];
    };

/** What an Apply button carries: the carts at their versions, and each move by item, receiver (index) and day. */
export interface ApplyPlan {
  teamId: number;
  weekStart: string;
  giver: { cartId: number; version: number };
  receivers: Array<{ cartId: number; version: number }>;
  moves: Array<{ itemId: number; receiver: number; day: string }>;
  /** The button's value as it came: recorded on the giver's cart, so a second click is told it was applied. */
  token: string;
}

export type ApplyResult =
  /** A replay of a click already handled: nothing to do, nothing to say. */
  | { kind: 'replayed' }
  /** Applied: the carts as they are now (the giver first), and the moves. */
  | { kind: 'applied'; supervisorId: string; giver: CartState; receivers: CartState[]; moves: TeamMoveNote[]; overBefore: number; overAfter: number; overloaded: DayFlag[] }
  /** This proposal was applied before (a second click): nothing more. */
  | { kind: 'applied_already' }
  /** A cart changed since the proposal (or its rules did): nothing applied; a fresh proposal. */
  | { kind: 'stale'; fresh: Proposal };

/** Only a supervisor (or admin) of the team: checked on the server, whatever the button said. */
async function requireSupervisor(db: DbOrTx, userId: string, teamId: number): Promise<PersonWithTeam> {
  const found = await findPerson(db, userId);
  if (!found) throw new AppError('unknown_user', { userId });
  if (found.person.role === 'agent' || found.team.id !== teamId) throw new AppError('rebalance_not_supervisor');
  return found;
}

const isWeek = (weekStart: string) => /^\d{4}-\d{2}-\d{2}$/.test(weekStart) && isMonday(weekStart);
const overloadedDays = (state: CartState) => flaggedDays(state.measure).filter((d) => d.flag.kind !== 'idle');
const overMinutes = (m: Measure) => m.days.reduce((sum, d) => sum + (d.flag && d.flag.kind !== 'idle' ? d.flag.by : 0), 0);
const memberOf = (s: CartState): Member => ({ agentId: s.cart.agentId, tasks: s.tasks, week: s.week });

async function load(db: DbOrTx, cartId: number, now: Date): Promise<CartState | null> {
  const snapshot = await cartSnapshot(db, cartId);
  return snapshot ? stateOf(snapshot, now) : null;
}

/** Carts read in one round trip, in the order asked; null for one that is gone. */
async function loadAll(db: DbOrTx, cartIds: readonly number[], now: Date): Promise<Array<CartState | null>> {
  const read = new Map((await cartSnapshots(db, cartIds)).map((s) => [s.cart.id, stateOf(s, now)]));
  return cartIds.map((id) => read.get(id) ?? null);
}

/** Who may take which of the giver's customers. */
async function servingFor(db: DbOrTx, person: PersonWithTeam, giver: CartState): Promise<Serving> {
  const [owners, team] = await Promise.all([customerOwners(db, giver.tasks.flatMap((t) => (t.customerId ? [t.customerId] : []))), teamPeople(db, person.team.id)]);
  return { teamCustomers: person.team.teamCustomers, owners, team: new Set(team) };
}

/** The moves that would relieve `agentId`'s overloaded days of the week onto teammates with room. */
export async function proposeRebalance(db: Db, supervisorId: string, ask: { teamId: number; weekStart: string; agentId: string }, now: Date): Promise<Proposal> {
  const sup = await requireSupervisor(db, supervisorId, ask.teamId);
  if (!isWeek(ask.weekStart)) throw new AppError('unknown_team_button');
  const rows = await teamWeekCarts(db, ask.teamId, ask.weekStart);
  const mine = rows.find((r) => r.agentId === ask.agentId);
  const blocked = (reason: Extract<Proposal, { kind: 'blocked' }>['reason'], overloaded: DayFlag[] = []): Proposal => ({ kind: 'blocked', teamId: ask.teamId, weekStart: ask.weekStart, agentId: ask.agentId, reason, overloaded });
  if (!mine) return blocked('no_cart');
  const giver = await load(db, mine.id, now);
  if (!giver) return blocked('no_cart');
  if (giver.cart.status === 'committed') return blocked('committed', overloadedDays(giver));
  // The teammates' open carts, in one round trip. A task the giver already marked done or skipped, or
  // that a later cart carried over (a cart reopened after its commit), is read as fixed (db/queries/carts.ts): never given away.
  const read = await loadAll(db, rows.filter((r) => r.id !== mine.id && r.status === 'open').map((r) => r.id), now);
  const others = read.filter((s): s is CartState => s !== null);
  const plan = proposeTeamMoves(memberOf(giver), others.map(memberOf), await servingFor(db, sup, giver));
  if (!plan.moves.length) return blocked(plan.blocked ?? 'no_room', overloadedDays(giver));
  const receivers = [...new Set(plan.moves.map((m) => m.receiverId))].map((id) => others.find((o) => o.cart.agentId === id)!);
  const ref = (s: CartState): CartRef => ({ cartId: s.cart.id, version: s.cart.version, agentId: s.cart.agentId });
  return {
    kind: 'proposal',
    teamId: ask.teamId,
    weekStart: ask.weekStart,
    giver: ref(giver),
    receivers: receivers.map(ref),
    moves: notes(giver, plan.moves),
    overBefore: overMinutes(giver.measure),
    overAfter: overMinutes(measure(applyTeamMoves(memberOf(giver), others.map(memberOf), plan.moves).giver.tasks, giver.week)),
    overloaded: overloadedDays(giver),
  };
}

function notes(giver: CartState, moves: readonly TeamMove[]): TeamMoveNote[] {
  const byId = new Map(giver.tasks.map((t) => [t.id, t]));
  return moves.map((m) => {
    const t = byId.get(m.taskId)!;
    return { itemId: Number(t.id), receiverId: m.receiverId, type: t.type, label: t.label, customer: t.customerName, effort: t.effort, from: m.from, to: m.to };
  });
}

/** Thrown inside the transaction to undo it: a cart changed since the proposal. */
class Stale extends Error {
  override name = 'Stale';
}

const MAX_CARTS = 11;

/**
 * Applies a proposal: every cart it names, at the version it names, in one transaction — or
 * nothing, and a fresh proposal. The moves are checked again by the engine (who owns a customer,
 * time off and team settings are not versioned with the carts). A replay of the click changes
 * nothing; a second click on the same proposal is told it was applied.
 */
export async function applyRebalance(db: Db, supervisorId: string, plan: ApplyPlan, now: Date, requestKey?: string): Promise<ApplyResult> {
  const sup = await requireSupervisor(db, supervisorId, plan.teamId);
  const refs = [plan.giver, ...plan.receivers];
  if (!isWeek(plan.weekStart) || refs.length > MAX_CARTS || refs.some((r) => !isId(r.cartId)) || new Set(refs.map((r) => r.cartId)).size !== refs.length) throw new AppError('unknown_team_button');
  if (!plan.moves.length || plan.moves.some((m) => !isId(m.itemId) || !plan.receivers[m.receiver])) throw new AppError('unknown_team_button');
  const giverNow = await load(db, plan.giver.cartId, now);
  if (!giverNow || giverNow.person.team.id !== plan.teamId || giverNow.cart.weekStart !== plan.weekStart) throw new AppError('unknown_team_button');
  try {
    const done = await db.transaction(async (tx) => {
      if (requestKey && !(await claimRequest(tx, requestKey))) return null;
      const states: CartState[] = [];
      for (const r of refs) {
        const s = await load(tx, r.cartId, now);
        if (!s || s.person.team.id !== plan.teamId || s.person.person.role !== 'agent' || s.cart.weekStart !== plan.weekStart) throw new AppError('unknown_team_button');
        if (s.cart.version !== r.version || s.cart.status !== 'open') throw new Stale();
        states.push(s);
      }
      const [giver, ...receivers] = states as [CartState, ...CartState[]];
      const byId = new Map(giver.tasks.map((t) => [t.id, t]));
      const moves: TeamMove[] = plan.moves.map((m) => ({ taskId: String(m.itemId), from: byId.get(String(m.itemId))?.day ?? '', to: m.day, receiverId: receivers[m.receiver]!.cart.agentId }));
      // A task done or skipped since the proposal is left where it is by the move itself (moveItemsBetweenCarts), which then moves fewer.
      if (!checkTeamMoves(memberOf(giver), receivers.map(memberOf), await servingFor(tx, sup, giver), moves)) throw new Stale();
      // Claimed in the order of their ids, so two rebalances touching the same carts wait for each other rather than deadlock.
      const versions = new Map<number, number>();
      for (const s of [...states].sort((a, b) => a.cart.id - b.cart.id)) {
        const version = await claimCartVersion(tx, s.cart.id, s.cart.version, now);
        if (version === null) throw new Stale();
        versions.set(s.cart.id, version);
      }
      const cartOf = new Map(receivers.map((r) => [r.cart.agentId, r.cart.id]));
      const moved = await moveItemsBetweenCarts(tx, giver.cart.id, moves.map((m) => ({ itemId: Number(m.taskId), toCart: cartOf.get(m.receiverId)!, day: m.to })));
      if (moved !== moves.length) throw new Stale();
      const list = notes(giver, moves);
      const line = (m: TeamMoveNote) => ({ itemId: m.itemId, from: m.from, to: m.to, agent: m.receiverId });
      await logCartEvents(tx, [
        { cartId: giver.cart.id, actorId: supervisorId, action: 'rebalanced_out', version: versions.get(giver.cart.id)!, detail: { proposal: plan.token, moves: list.map(line) } },
        ...receivers.map((r) => ({
          cartId: r.cart.id,
          actorId: supervisorId,
          action: 'rebalanced_in',
          version: versions.get(r.cart.id)!,
          detail: { from: giver.cart.agentId, moves: list.filter((m) => m.receiverId === r.cart.agentId).map(line) },
        })),
      ]);
      return { giver, list };
    });
    if (!done) return { kind: 'replayed' };
    const fresh = await loadAll(db, refs.map((r) => r.cartId), now);
    const [giver, ...receivers] = fresh as [CartState, ...CartState[]];
    return {
      kind: 'applied',
      supervisorId,
      giver,
      receivers,
      moves: done.list,
      overBefore: overMinutes(done.giver.measure),
      overAfter: overMinutes(giver.measure),
      overloaded: overloadedDays(done.giver),
    };
  } catch (e) {
    if (!(e instanceof Stale)) throw e;
    if (await rebalanceApplied(db, plan.giver.cartId, plan.token)) return { kind: 'applied_already' };
    return { kind: 'stale', fresh: await proposeRebalance(db, supervisorId, { teamId: plan.teamId, weekStart: plan.weekStart, agentId: giverNow.cart.agentId }, now) };
  }
}
