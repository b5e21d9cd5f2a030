// Each request's listener found by its id in a map, behind one Bolt listener per kind of request.
//
// Bolt keeps its listeners in a list and, for every request, runs each one's matchers on its own
// copy of the arguments until the id does not match: with this app's 30 listeners that cost about
// 0.3 ms of CPU a click, more than the cart engine (measured 2026-11-26 with `app.processEvent`,
// 30 listeners 340–390 µs a request, 5 listeners 92–105 µs). So Bolt gets one listener per kind
// (block actions, view submissions, options, slash commands, each event type) and the id picks
// the listener here. The listener files keep the shape of Slack's starter template —
// `register(app, deps)` calling `app.action(id, listener)` — against `Listeners`, the part of
// Bolt's `App` they use.
import type {
  App,
  BlockAction,
  BlockSuggestion,
  Middleware,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewAction,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';

/** Where listeners are registered: Bolt's `app.action` and its kin, one listener per id. */
export interface Listeners {
  action<A extends SlackAction = BlockAction>(actionId: string, listener: Middleware<SlackActionMiddlewareArgs<A>>): void;
  view<V extends SlackViewAction = ViewSubmitAction>(callbackId: string, listener: Middleware<SlackViewMiddlewareArgs<V>>): void;
  options(actionId: string, listener: Middleware<SlackOptionsMiddlewareArgs<BlockSuggestion['type']>>): void;
  command(name: string, listener: Middleware<SlackCommandMiddlewareArgs>): void;
  event<E extends string>(type: E, listener: Middleware<SlackEventMiddlewareArgs<E>>): void;
}

type Kind = keyof Listeners;
// The arguments differ by kind; each map only ever holds listeners of its own kind.
type AnyListener = (args: any) => Promise<void>;

/** Registers what `register` declares on `app`, routed by id; the same id twice is a mistake, refused. */
export function routeListeners(app: App, register: (on: Listeners) => void): void {
  const routes: Record<Kind, Map<string, AnyListener>> = { action: new Map(), view: new Map(), options: new Map(), command: new Map(), event: new Map() };
  const add = (kind: Kind) => (id: string, listener: unknown) => {
    if (routes[kind].has(id)) throw new Error(`two listeners for the ${kind} ${id}`);
    routes[kind].set(id, listener as AnyListener);
  };
  register({ action: add('action'), view: add('view'), options: add('options'), command: add('command'), event: add('event') });
  // An id no listener has (a button of an older version of the app) is left unanswered, as Bolt
  // leaves a request no listener matches: its receiver logs it and answers 404 after 3 s.
  if (routes.action.size) app.action({ type: 'block_actions' }, async (args) => routes.action.get(args.action.action_id)?.(args));
  if (routes.view.size) app.view({ type: 'view_submission' }, async (args) => routes.view.get(args.view.callback_id)?.(args));
  if (routes.options.size) app.options({ type: 'block_suggestion' }, async (args) => routes.options.get(args.options.action_id)?.(args));
  if (routes.command.size) app.command(/(?:)/, async (args) => routes.command.get(args.command.command)?.(args));
  for (const [type, listener] of routes.event) app.event(type, listener);
}
