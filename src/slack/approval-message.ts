// The Slack side of an exception (src/services/approvals.ts): its DM to each supervisor of the team,
// sent after the commit was acknowledged and shown to the agent, each in the supervisor's language
// and at most once (a post Slack may have stored is never sent again); a DM Slack did not take is
// tried again by a job the scheduler queues, 2, 4, 8… minutes after the try before (retryApprovals); after a
// decision, every supervisor's copy edited in place to say who decided, and the agent told in their
// own language. Nothing here fails the agent's commit: what Slack refuses is logged.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import { approvalMessages } from '../../db/queries/approvals.ts';
import type { JsonLogger } from '../logger.ts';
import { approvalsDue, loadApproval, notifySupervisors, type Approval } from '../services/approvals.ts';
import { agentDecisionText, approvalMessage } from '../../views/approval.ts';
import { openDm, postOnce, poster } from './fanout.ts';
import type { Languages } from './language.ts';

/** The metadata event type of a supervisor's DM; its payload names the delivery. */
export const APPROVAL_EVENT = 'approval_posted';

export interface ApprovalDeps {
  db: Db;
  languages: Languages;
  logger: JsonLogger;
}

/** The exception's DM to each supervisor of its team who has not had it; never throws. */
export async function sendApprovals(deps: ApprovalDeps, client: WebClient, exceptionId: number, now: Date): Promise<void> {
  const { db, languages, logger } = deps;
  try {
    const approval = await loadApproval(db, exceptionId, now);
    if (!approval) return;
    const post = poster(client);
    const report = await notifySupervisors(db, exceptionId, {
      channel: (supervisor) => openDm(client, supervisor),
      async post(supervisor, channel, deliveryKey) {
        const t = await languages.of(client, supervisor);
        const message = { channel, ...approvalMessage(t, approval), metadata: { event_type: APPROVAL_EVENT, event_payload: { delivery_key: deliveryKey } } };
        return postOnce(post, message, { kind: 'person', id: supervisor });
      },
    });
    for (const f of report.failed) logger.error(`the exception ${exceptionId} of ${approval.agentId} was not sent to supervisor ${f.supervisor}: ${f.reason}`);
    if (!report.sent.length && !report.failed.length) logger.warn(`the exception ${exceptionId} of ${approval.agentId} has no supervisor left to send it to (${approval.teamName})`);
  } catch (e) {
    logger.error(`the exception ${exceptionId} could not be sent to the supervisors`, e);
  }
}

/**
 * The DMs of pending exceptions that Slack did not take (or that a stopped process never sent),
 * each after its wait (approvalsToRetry); the scheduler's job of them calls it. Answers how many
 * exceptions it tried; never throws.
 */
export async function retryApprovals(deps: ApprovalDeps, client: WebClient, now: Date): Promise<number> {
  let due: number[];
  try {
    due = await approvalsDue(deps.db);
  } catch (e) {
    deps.logger.error('the approval DMs to send again could not be read', e);
    return 0;
  }
  for (const id of due) await sendApprovals(deps, client, id, now);
  return due.length;
}

/** Every supervisor's copy of the DM, as the exception stands now (who decided, no buttons); never throws. */
export async function refreshApprovals(deps: ApprovalDeps, client: WebClient, approval: Approval): Promise<void> {
  const { db, languages, logger } = deps;
  try {
    const messages = await approvalMessages(db, approval.id);
    await Promise.all(
      messages.map(async (m) => {
        const t = await languages.of(client, m.recipient);
        await client.chat.update({ channel: m.channelId, ts: m.messageTs, ...approvalMessage(t, approval) }).catch((e: unknown) => logger.warn(`the exception ${approval.id}'s DM to ${m.recipient} could not be updated`, e));
      }),
    );
  } catch (e) {
    logger.error(`the exception ${approval.id}'s DMs could not be updated`, e);
  }
}

/** The agent's own DM about the decision, in their language; never throws. */
export async function tellAgent(deps: ApprovalDeps, client: WebClient, approval: Approval): Promise<void> {
  try {
    const t = await deps.languages.of(client, approval.agentId);
    await client.chat.postMessage({ channel: await openDm(client, approval.agentId), text: agentDecisionText(t, approval) });
  } catch (e) {
    deps.logger.error(`the agent ${approval.agentId} could not be told of the decision on exception ${approval.id}`, e);
  }
}
