// A supervisor's Approve and Send back on an exception's DM. Each acks at once, then the decision is
// made once (src/services/approvals.ts); every supervisor's copy of the DM is then edited to say who
// decided, and the agent is told (after a send back, their cart message shows it open again). A
// click after the decision changes nothing and says who decided; a replay says nothing at all.
import type { BlockButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { AppError } from '../../errors.ts';
import { approvalToDecide, decide, type DecisionResult } from '../../services/approvals.ts';
import { submitSendBack } from '../../services/forms.ts';
import { alreadyDecidedText, decodeSendBackRef, parseApprovalValue, sendBackModal } from '../../../views/approval.ts';
import { fieldErrorText } from '../../../views/errors.ts';
import { textsFor } from '../../../views/i18n/index.ts';
import { ACTIONS, INPUTS, VIEWS } from '../../../views/ids.ts';
import { ephemeral } from '../../../views/text.ts';
import { refreshApprovals, tellAgent } from '../approval-message.ts';
import { afterChange } from '../cart-message.ts';
import { savedThen } from '../errors.ts';
import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { dm, guardAction, guardView } from '../guard.ts';
import { requestKey } from '../request-key.ts';
import { inputValue, type ViewValues } from '../view-values.ts';

export function register(app: Listeners, deps: Deps): void {
  const db = deps.database.db;
  const { languages } = deps;
  const approvalDeps = { db, languages, logger: deps.logger };

  /** What a decision shows: every supervisor's copy, the agent's DM and cart; `say` answers the one who clicked. */
  async function after(client: WebClient, userId: string, result: DecisionResult, say: (text: string) => Promise<unknown>): Promise<void> {
    if (result.outcome === 'replayed') return;
    const { approval } = result;
    const shown = refreshApprovals(approvalDeps, client, approval);
    if (result.outcome !== 'decided') {
      await Promise.all([shown, say(alreadyDecidedText(await languages.of(client, userId), approval))]);
      return;
    }
    const cart = result.cart;
    await savedThen(
      { changed: true },
      'decision',
      Promise.all([
        shown,
        tellAgent(approvalDeps, client, approval),
        cart && afterChange(await languages.of(client, cart.person), client, db, languages, { state: cart, changed: true, listChanged: true, notice: { kind: 'sent_back', by: userId, note: approval.note ?? '' } }, deps.now()),
      ]),
    );
  }

  app.action<BlockButtonAction>(
    ACTIONS.approve,
    guardAction(deps, { doing: 'approve' }, async ({ ack, body, action, client, respond }) => {
      await ack();
      const id = parseApprovalValue(action.value ?? '');
      if (id === null) throw new AppError('unknown_button');
      const result = await decide(db, body.user.id, id, { kind: 'approve' }, deps.now(), requestKey(body));
      await after(client, body.user.id, result, (text) => respond(ephemeral(text)));
    }),
  );

  // Send back asks for the note first: refused at once for anyone but the team's supervisors, and answered with who decided once it is decided.
  app.action<BlockButtonAction>(
    ACTIONS.sendBack,
    guardAction(deps, { doing: 'send_back' }, async ({ ack, body, action, client, respond }) => {
      await ack();
      const id = parseApprovalValue(action.value ?? '');
      if (id === null) throw new AppError('unknown_button');
      const approval = await approvalToDecide(db, body.user.id, id, deps.now());
      const t = await languages.of(client, body.user.id);
      if (approval.status !== 'pending') {
        await Promise.all([respond(ephemeral(alreadyDecidedText(t, approval))), refreshApprovals(approvalDeps, client, approval)]);
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: sendBackModal(t, approval) });
    }),
  );

  app.view(
    VIEWS.sendBack,
    guardView(deps, { doing: 'send_back' }, async ({ ack, body, view, client }) => {
      const ref = decodeSendBackRef(view.private_metadata);
      if (!ref) throw new AppError('unknown_window');
      const note = inputValue(view.state.values as ViewValues, INPUTS.note);
      const submitted = await submitSendBack(db, body.user.id, ref.exceptionId, note, deps.now(), { requestKey: requestKey(body), accepted: () => ack() });
      // Not acknowledged yet: said in the modal's own language.
      if (!submitted.ok) return ack({ response_action: 'errors', errors: { [INPUTS.note]: fieldErrorText(textsFor(ref.language), submitted.errors.note) } });
      // The modal has closed: anything to say to the supervisor comes as a DM.
      await after(client, body.user.id, submitted.result, (text) => dm(client, body.user.id, text));
    }),
  );
}
