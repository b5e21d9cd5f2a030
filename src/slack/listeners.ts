// Every listener of an interaction or an event, registered in one place: events, actions, views.
// (Slash commands live in commands/; src/app.ts, the composition root, registers both.)
import type { Deps } from './deps.ts';
import type { Listeners } from './router.ts';
import { register as registerCartActions } from './actions/cart.ts';
import { register as registerAddTask } from './actions/add-task.ts';
import { register as registerDay } from './actions/day.ts';
import { register as registerPick } from './actions/pick.ts';
import { register as registerReminders } from './actions/reminders.ts';
import { register as registerTaskActions } from './actions/tasks.ts';
import { register as registerTeam } from './actions/team.ts';
import { register as registerHome } from './events/app-home-opened.ts';
import { register as registerApprovals } from './actions/approvals.ts';
import { register as registerRebalance } from './actions/rebalance.ts';

export function registerListeners(app: Listeners, deps: Deps): void {
  registerHome(app, deps);
  registerCartActions(app, deps);
  registerTaskActions(app, deps);
  registerDay(app, deps);
  registerAddTask(app, deps);
  registerPick(app, deps);
  registerTeam(app, deps);
  registerReminders(app, deps);
  registerApprovals(app, deps);
  registerRebalance(app, deps);
}
