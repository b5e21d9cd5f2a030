import type { Deps } from '../deps.ts';
import type { Listeners } from '../router.ts';
import { guardEvent } from '../guard.ts';
import { publishHome } from '../home.ts';

export function register(app: Listeners, deps: Deps): void {
  // Read only: an Events API retry of it publishes the same Home again, and changes nothing.
  app.event(
    'app_home_opened',
    guardEvent(deps, { doing: 'show_home' }, async ({ event, client }) => {
      if (event.tab !== 'home') return;
      await publishHome(client, deps.database.db, deps.languages, event.user, deps.now());
    }),
  );
}
