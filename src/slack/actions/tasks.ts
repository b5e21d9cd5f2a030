// App Home's buttons: Done, Skip and Undo on today's tasks, and Open my cart.
import type { App, BlockButtonAction } from '@slack/bolt';
import { AppError } from '../../errors.ts';
import { openCart } from '../../services/cart.ts';
import { markTask } from '../../services/tasks.ts';
import { postCart } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { guardAction } from '../guard.ts';
import { publishHome } from '../home.ts';
import { ACTIONS } from '../ids.ts';
import { requestKey } from '../request-key.ts';

const STATUS = { [ACTIONS.taskDone]: 'done', [ACTIONS.taskSkip]: 'skipped', [ACTIONS.taskUndo]: 'open' } as const;
const WHAT = { [ACTIONS.taskDone]: 'mark that task done', [ACTIONS.taskSkip]: 'skip that task', [ACTIONS.taskUndo]: 'undo that' } as const;

export function register(app: App, deps: Deps): void {
  for (const [actionId, status] of Object.entries(STATUS)) {
    app.action<BlockButtonAction>(
      actionId,
      guardAction(deps, { what: WHAT[actionId as keyof typeof WHAT] }, async ({ ack, body, action, client }) => {
        await ack();
        const user = body.user.id;
        try {
          if (!(await markTask(deps.database.db, user, Number(action.value), status, requestKey(body)))) return;
        } catch (e) {
          // Not their task or a garbled value: nothing changes; the refreshed Home shows the truth.
          if (!(e instanceof AppError)) throw e;
        }
        await publishHome(client, deps.database.db, user, deps.now());
      }),
    );
  }

  app.action<BlockButtonAction>(
    ACTIONS.homeOpenCart,
    guardAction(deps, { what: 'open your cart' }, async ({ ack, body, client }) => {
      await ack();
      const { state, replayed } = await openCart(deps.database.db, body.user.id, 'next', deps.now(), requestKey(body));
      if (replayed) return;
      await postCart(client, deps.database.db, state);
      await publishHome(client, deps.database.db, body.user.id, deps.now());
    }),
  );
}
