import type { App } from '@slack/bolt';
import { findPerson } from '../../../db/queries/people.ts';
import { setupHome } from '../../../views/setup.ts';
import type { Deps } from '../deps.ts';

export function register(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const found = await findPerson(deps.database.db, event.user);
    if (!found) {
      await client.views.publish({ user_id: event.user, view: setupHome(event.user) });
      return;
    }
    await client.views.publish({
      user_id: event.user,
      view: {
        type: 'home',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: `Task Cart · ${found.team.name}` } },
          { type: 'section', text: { type: 'mrkdwn', text: `Hi ${found.person.name}! Your task list will show here.` } },
        ],
      },
    });
  });
}
