// App Home, re-published after every change to the agent's cart or task list, in their language.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import type { PersonWithTeam } from '../../db/queries/people.ts';
import { AppError } from '../errors.ts';
import { taskListFor } from '../services/tasks.ts';
import { setupHome } from '../../views/setup.ts';
import { homeView } from '../../views/tasks.ts';
import type { Languages } from './language.ts';

/** Publishes the Home of a Slack user, or of a person already loaded (after a cart change). */
export async function publishHome(client: WebClient, db: Db, languages: Languages, who: string | PersonWithTeam, now: Date): Promise<void> {
  const userId = typeof who === 'string' ? who : who.person.slackUserId;
  try {
    const list = await taskListFor(db, who, now);
    const t = await languages.of(client, list.person);
    await client.views.publish({ user_id: userId, view: homeView(t, list) });
  } catch (e) {
    if (e instanceof AppError && e.code === 'unknown_user') {
      await client.views.publish({ user_id: userId, view: setupHome(await languages.of(client, userId), userId) });
      return;
    }
    throw e;
  }
}
