// Done, Skip and Undo on today's tasks (in App Home and in the reminder DMs), and App Home's Open my cart.
import type { BlockButtonAction } from '@slack/bolt';
import { AppError } from '../../errors.ts';
import { openCart } from '../../services/cart.ts';
import { markTask } from '../../services/tasks.ts';
import type { Doing } from '../../../views/errors.ts';
import { ACTIONS } from '../../../views/ids.ts';
import { parseReminderBlock } from '../../../views/reminder.ts';
import { postCart } from '../cart-message.ts';
import { savedThen } from '../errors.ts';
import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { guardAction } from '../guard.ts';
import { homeHash, publishHome } from '../home.ts';
import { refreshReminders } from '../reminder-message.ts';
import { requestKey } from '../request-key.ts';

const STATUS = { [ACTIONS.taskDone]: 'done', [ACTIONS.taskSkip]: 'skipped', [ACTIONS.taskUndo]: 'open' } as const;
const DOING: Record<keyof typeof STATUS, Doing> = { [ACTIONS.taskDone]: 'mark_done', [ACTIONS.taskSkip]: 'skip', [ACTIONS.taskUndo]: 'undo' };

export function register(app: Listeners, deps: Deps): void {
  const db = deps.database.db;
  const { languages } = deps;
  for (const [actionId, status] of Object.entries(STATUS)) {
    app.action<BlockButtonAction>(
      actionId,
      guardAction(deps, { doing: DOING[actionId as keyof typeof STATUS] }, async ({ ack, body, action, client }) => {
        await ack();
        const user = body.user.id;
        let changed = false;
        try {
          if (!(await markTask(db, user, Number(action.value), status, requestKey(body)))) return;
          changed = true;
        } catch (e) {
          // Not their task or a garbled value: nothing changes; the refreshed Home shows the truth.
          if (!(e instanceof AppError)) throw e;
        }
        // App Home and the day's reminders both show the change: the message clicked in, edited in place.
        const reminder = parseReminderBlock(action.block_id);
        const container = body.container as { type?: string; channel_id?: string; message_ts?: string } | undefined;
        const clicked = reminder && container?.type === 'message' && container.channel_id && container.message_ts ? { ...reminder, channelId: container.channel_id, ts: container.message_ts } : null;
        await savedThen({ changed }, 'tasks', Promise.all([publishHome(client, db, languages, user, deps.now(), homeHash(body)), refreshReminders(client, db, languages, user, deps.now(), clicked)]));
      }),
    );
  }

  // "Open my cart": the planning week's cart, as /cart opens it.
  app.action<BlockButtonAction>(
    ACTIONS.homeOpenCart,
    guardAction(deps, { doing: 'open_cart' }, async ({ ack, body, client }) => {
      await ack();
      const { state, replayed } = await openCart(db, body.user.id, 'next', deps.now(), requestKey(body));
      if (replayed) return;
      await postCart(await languages.of(client, state.person), client, db, state, deps.now());
      await publishHome(client, db, languages, state.person, deps.now(), homeHash(body));
    }),
  );
}
