// The key of a request from Slack that changes something: a replay of it, or Slack's retry,
// carries the same key, and the change is made once (db/queries/requests.ts).
// - a modal's submission: its view id and hash (the hash changes whenever the modal does);
// - a click: who clicked what, at the action's own timestamp;
// - a slash command: its trigger_id.
// (The one event the bot listens to, app_home_opened, only reads: a retry of it publishes the same Home.)
export function requestKey(body: any): string | undefined {
  if (body?.type === 'view_submission' && body.view?.id) return `view:${body.view.id}:${body.view.hash ?? ''}`;
  if (body?.type === 'block_actions') {
    const action = body.actions?.[0];
    return action?.action_ts && body.user?.id ? `action:${body.user.id}:${action.action_id}:${action.action_ts}` : undefined;
  }
  if (body?.command && body.trigger_id) return `command:${body.trigger_id}`;
  return undefined;
}
