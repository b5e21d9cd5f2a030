import type { App } from '@slack/bolt';
import type { Deps } from '../deps.ts';
import { publishHome } from '../home.ts';

export function register(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(client, deps.database.db, event.user, deps.now());
  });
}
