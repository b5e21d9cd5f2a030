import type { App } from '@slack/bolt';
import { taskListFor } from '../src/services/tasks.ts';
import type { Deps } from '../src/slack/deps.ts';
import { replyError } from '../src/slack/errors.ts';
import { COMMANDS } from '../src/slack/ids.ts';
import { taskListText } from '../views/tasks.ts';

export function register(app: App, deps: Deps): void {
  app.command(COMMANDS.tasks, async ({ command, ack, respond }) => {
    await ack();
    const arg = command.text.trim().toLowerCase();
    if (arg && arg !== 'today' && arg !== 'week') {
      return void (await respond({ response_type: 'ephemeral', text: '`/tasks` lists today’s tasks; `/tasks week` the whole week.' }));
    }
    try {
      const list = await taskListFor(deps.database.db, command.user_id, deps.now());
      await respond({ response_type: 'ephemeral', text: taskListText(list, arg === 'week' ? 'week' : 'today') });
    } catch (e) {
      await replyError(respond, deps.logger, '/tasks', e);
    }
  });
}
