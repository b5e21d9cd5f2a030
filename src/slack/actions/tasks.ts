// App Home's buttons: Done, Skip and Undo on today's tasks, and Open my cart.
import type { App, BlockButtonAction } from '@slack/bolt';
import { AppError } from '../../errors.ts';
import { openCart } from '../../services/cart.ts';
import { markTask } from '../../services/tasks.ts';
import { postCart } from '../cart-message.ts';
import type { Deps } from '../deps.ts';
import { publishHome } from '../home.ts';
import { ACTIONS } from '../ids.ts';

const STATUS = { [ACTIONS.taskDone]: 'done', [ACTIONS.taskSkip]: 'skipped', [ACTIONS.taskUndo]: 'open' } as const;

export function register(app: App, deps: Deps): void {
  for (const [actionId, status] of Object.entries(STATUS)) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const user = body.user.id;
      try {
        await markTask(deps.database.db, user, Number(action.value), status);
      } catch (e) {
        // Not their task or a garbled value: nothing changes; the refreshed Home shows the truth.
        if (!(e instanceof AppError)) deps.logger.error(`${actionId} failed`, e);
      }
      await publishHome(client, deps.database.db, user, deps.now());
    });
  }

  app.action<BlockButtonAction>(ACTIONS.homeOpenCart, async ({ ack, body, client }) => {
    await ack();
    try {
      const { state } = await openCart(deps.database.db, body.user.id, 'next', deps.now());
      await postCart(client, deps.database.db, state);
    } catch (e) {
      if (!(e instanceof AppError)) deps.logger.error('home_open_cart failed', e);
    }
    await publishHome(client, deps.database.db, body.user.id, deps.now());
  });
}
