// /tasks: today (`/tasks`, `/tasks 今天`), the working week (`/tasks week`, `/tasks 本周`), or the
// plan committed for the planning week (`/tasks next`, `/tasks 下周`).
import { taskListFor } from '../src/services/tasks.ts';
import type { Deps } from '../src/slack/deps.ts';
import type { Listeners } from '../src/slack/router.ts';
import { guardCommand } from '../src/slack/guard.ts';
import { helpText, parseArg, unknownArgText } from '../views/help.ts';
import { COMMANDS } from '../views/ids.ts';
import { taskListText } from '../views/tasks.ts';
import { ephemeral } from '../views/text.ts';

export function register(app: Listeners, deps: Deps): void {
  app.command(
    COMMANDS.tasks,
    guardCommand(deps, { doing: 'list_tasks' }, async ({ command, ack, respond, client }) => {
      await ack();
      const arg = parseArg('tasks', command.text);
      if (arg === 'help' || arg === null) {
        const t = await deps.languages.of(client, command.user_id);
        return void (await respond(ephemeral(arg === null ? unknownArgText(t, 'tasks', command.text) : helpText(t, 'tasks'))));
      }
      const list = await taskListFor(deps.database.db, command.user_id, deps.now());
      const t = await deps.languages.of(client, list.person);
      await respond(ephemeral(taskListText(t, list, arg === 'this' ? 'week' : arg === 'next' ? 'next' : 'today')));
    }),
  );
}
