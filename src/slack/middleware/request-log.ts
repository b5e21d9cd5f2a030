// One log line per Slack request (slash command, action, view submission or close, options
// request, event): who, what, how long and how it ended. Every line logged while the request is
// handled carries its user and what; an error logged by the listener, or one it throws, makes the
// outcome `error`. It also counts requests in flight, so that shutdown can wait for them.
import { performance } from 'node:perf_hooks';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { inLogScope, type JsonLogger, type LogScope } from '../../logger.ts';

/** What a request is, in the words of Slack's payloads. */
export function describeRequest(body: Record<string, any>): { kind: string; what: string; user: string | undefined; team: string | undefined } {
  const team = body.team_id ?? body.team?.id ?? body.user?.team_id;
  if (typeof body.command === 'string') return { kind: 'command', what: body.command, user: body.user_id, team };
  switch (body.type) {
    case 'block_actions':
      return { kind: 'action', what: body.actions?.[0]?.action_id ?? '?', user: body.user?.id, team };
    case 'view_submission':
    case 'view_closed':
      return { kind: body.type === 'view_submission' ? 'view_submission' : 'view_closed', what: body.view?.callback_id ?? '?', user: body.user?.id, team };
    case 'block_suggestion':
      return { kind: 'options', what: body.action_id ?? '?', user: body.user?.id, team };
    case 'shortcut':
    case 'message_action':
      return { kind: 'shortcut', what: body.callback_id ?? '?', user: body.user?.id, team };
    case 'event_callback':
      return { kind: 'event', what: body.event?.type ?? '?', user: body.event?.user, team };
    default:
      return { kind: String(body.type ?? 'request'), what: '?', user: body.user?.id ?? body.user_id, team };
  }
}

/** Requests being handled now; shutdown waits until none is left. */
export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  begin(): () => void {
    this.count += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.count -= 1;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    };
  }

  /** Resolves when no request is in flight, or after `ms`, with how many are left. */
  async idle(ms: number): Promise<number> {
    if (this.count === 0) return 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.count;
  }
}

export function requestLog(logger: JsonLogger, inFlight: InFlight): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const { kind, what, user, team } = describeRequest(body as Record<string, any>);
    const scope: LogScope = { fields: { user, what }, errors: 0 };
    const started = performance.now();
    const end = inFlight.begin();
    let failure: unknown;
    try {
      await inLogScope(scope, next);
    } catch (e) {
      failure = e;
    } finally {
      end();
    }
    const outcome = failure !== undefined || scope.errors > 0 ? 'error' : 'ok';
    const ms = Math.round((performance.now() - started) * 10) / 10;
    logger[outcome === 'ok' ? 'info' : 'warn'](`${kind} ${what}`, { kind, what, user, team, ms, outcome });
    // Bolt's global error handler logs it, with its stack.
    if (failure !== undefined) throw failure;
  };
}
