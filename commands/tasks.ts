import type { App } from '@slack/bolt';
import { taskListFor } from '../src/services/tasks.ts';
import type { Deps } from '../src/slack/deps.ts';
import { guardCommand } from '../src/slack/guard.ts';
import { COMMANDS } from '../src/slack/ids.ts';
import { taskListText } from '../views/tasks.ts';
import { ephemeral } from '../views/text.ts';

export function register(app: App, deps: Deps): void {
  app.command(
    COMMANDS.tasks,
    guardCommand(deps, { what: 'list your tasks' }, async ({ command, ack, respond }) => {
      await ack();
      const arg = command.text.trim().toLowerCase();
      if (arg && arg !== 'today' && arg !== 'week') return void (await respond(ephemeral('`/tasks` lists today’s tasks; `/tasks week` the whole week.')));
      const list = await taskListFor(deps.database.db, command.user_id, deps.now());
      // taskListText is mrkdwn already, its people's text escaped line by line.
      await respond({ response_type: 'ephemeral', text: taskListText(list, arg === 'week' ? 'week' : 'today') });
    }),
  );
}
