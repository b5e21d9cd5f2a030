// Slash commands, one file each. The manifest's commands must match these (a test checks).
import type { Deps } from '../src/slack/deps.ts';
import type { Listeners } from '../src/slack/router.ts';
import * as cart from './cart.ts';
import * as tasks from './tasks.ts';
import * as teamCarts from './team-carts.ts';

export function register(app: Listeners, deps: Deps): void {
  for (const command of [cart, tasks, teamCarts]) command.register(app, deps);
}
