// App Home's reminder switches: an agent turns their start-of-day reminder or end-of-day nudge off, or on again.
import type { BlockButtonAction } from '@slack/bolt';
import { switchReminder } from '../../services/reminders.ts';
import { ACTIONS } from '../../../views/ids.ts';
import { parseReminderSwitch } from '../../../views/tasks.ts';
import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { savedThen } from '../errors.ts';
import { guardAction } from '../guard.ts';
import { homeHash, publishHome } from '../home.ts';
import { requestKey } from '../request-key.ts';

export function register(app: Listeners, deps: Deps): void {
  app.action<BlockButtonAction>(
    ACTIONS.reminderSwitch,
    guardAction(deps, { doing: 'switch_reminder' }, async ({ ack, body, action, client }) => {
      await ack();
      const change = parseReminderSwitch(action.value);
      // A garbled value changes nothing; the refreshed Home shows how things stand.
      if (change && !(await switchReminder(deps.database.db, body.user.id, change.kind, change.on, requestKey(body)))) return;
      await savedThen({ changed: change !== null }, 'home', publishHome(client, deps.database.db, deps.languages, body.user.id, deps.now(), homeHash(body)));
    }),
  );
}
