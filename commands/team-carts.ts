import type { App } from '@slack/bolt';
import type { Deps } from '../src/slack/deps.ts';
import { COMMANDS } from '../src/slack/ids.ts';
import { registerComingSoon } from './coming-soon.ts';

export function register(app: App, deps: Deps): void {
  registerComingSoon(app, deps, COMMANDS.teamCarts, 'The team view is coming soon.');
}
