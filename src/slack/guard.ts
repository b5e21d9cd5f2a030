// Every listener ends in something the person sees. Each kind of listener (command, action, view
// submission, options, event) is wrapped once, here:
// - Slack is acknowledged within its three seconds whatever the database does: when a listener
//   has not acknowledged after ACK_BUDGET_MS (it is still waiting on the database before its ack),
//   the wrapper acknowledges for it, saying the bot cannot reach its data and nothing was saved;
//   the listener's own ack then throws, so it writes nothing after the person was told that.
// - After the ack, work that waits on the database longer than SLOW_MS is said to be waiting: the
//   driver keeps a query until the database answers again (postgres.js reconnects), so the person
//   is told nothing is saved yet, and sees the change when it is made. Work still running while the
//   database answers a ping (held up by Slack instead) is logged, and the person told nothing untrue.
// - Whatever the listener throws is caught, logged once with what was asked and by whom (a
//   refusal, AppError, is not a failure and is not logged), and answered on the surface the
//   person is looking at: under the modal's first field before the ack; after it, privately in
//   the conversation (commands, message buttons), in App Home or the open modal (their buttons),
//   or as a DM (a modal that has closed).
// Every answer is in the person's language: before the ack without asking anything (what this
// process last used for them), after it as src/slack/language.ts finds it.
// No rejection leaves a listener: what fails while telling the person is logged too.
// Each listener is handed the bot's own Web API client (web-client.ts) in place of Bolt's.
import type {
  AllMiddlewareArgs,
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
import type { WebClient } from '@slack/web-api';
import { AppError } from '../errors.ts';
import { cantSearchText, doingText, unreachableText, waitingText, type Label, type Mode } from '../../views/errors.ts';
import { textsFor, type T } from '../../views/i18n/index.ts';
import { LIMITS, plain } from '../../views/limits.ts';
import { ephemeral } from '../../views/text.ts';
import { troubleHome, troubleModal } from '../../views/trouble.ts';
import type { Deps, GuardTiming } from './deps.ts';
import { failureText, isLateWindow } from './errors.ts';
import { refusalOf } from './web-client.ts';

export type { Label } from '../../views/errors.ts';

/** What to tell the person, once their language is known: mrkdwn where a message shows it, plain under a field or in an option. */
type Say = (t: T, mode: Mode) => string;

/** Slack waits three seconds for an ack; the work before it gets two, leaving room for the network. */
export const ACK_BUDGET_MS = 2000;
/** After the ack: how long work may wait on the database before the person is told it is waiting. */
export const SLOW_MS = 5000;

/** The bot's own waits (the app is given them as `Deps.timing`; test/slack/app.test.ts pins them). */
export const GUARD_TIMING: Readonly<GuardTiming> = { ackBudgetMs: ACK_BUDGET_MS, slowMs: SLOW_MS };

/** The value of the one option answered while customers cannot be searched: no customer has it. */
const NO_SEARCH = '-';

type Kind = 'command' | 'action' | 'view' | 'options' | 'event';
type Ack = (response?: unknown) => Promise<void>;
type AnyArgs = AllMiddlewareArgs & { body: any; ack?: Ack; respond?: (message: unknown) => Promise<unknown> };

/** Thrown at a listener's ack when the wrapper already answered for it. */
class AnsweredAlready extends Error {
  override name = 'AnsweredAlready';
}

function userOf(body: any): string {
  return String(body?.user_id ?? body?.user?.id ?? body?.event?.user ?? 'someone');
}

/** The first input of a submitted modal: where an error shows. */
function firstInput(body: any): string | undefined {
  const blocks = (body?.view?.blocks ?? []) as { type?: string; block_id?: string }[];
  return blocks.find((b) => b.type === 'input' && b.block_id)?.block_id;
}

/** A text to a person in their DM with the bot (conversations.open answers the same channel every time). */
export async function dm(client: WebClient, user: string, text: string): Promise<void> {
  const channel = (await client.conversations.open({ users: user })).channel?.id;
  if (!channel) throw new Error(`Slack opened no DM with ${user}`);
  await client.chat.postMessage({ channel, text });
}

/** Tells the person, after the ack, on the surface they are looking at, in their language. */
async function tell(kind: Kind, deps: Deps, args: AnyArgs, say: Say): Promise<void> {
  const { body, client } = args;
  const user = userOf(body);
  if (kind === 'options') return;
  const t = await deps.languages.of(client, user);
  const text = say(t, 'mrkdwn');
  if (kind === 'command' || (kind === 'action' && body.response_url && args.respond)) {
    try {
      await args.respond!(ephemeral(text));
    } catch {
      // Slack refused the response_url (it expires after 30 minutes or five posts), or it failed
      // with the rest: told in the DM instead, which fails in turn only if Slack does.
      await dm(client, user, text);
    }
  } else if (kind === 'action' && body.view?.type === 'home') {
    await client.views.publish({ user_id: user, view: troubleHome(t, text) });
  } else if (kind === 'action' && body.view?.id) {
    try {
      await client.views.update({ view_id: body.view.id, view: troubleModal(t, body.view.title?.text ?? t.plain('product.name'), text) });
    } catch (e) {
      // The person closed the window meanwhile: told in their DM instead.
      if (refusalOf(e) !== 'not_found') throw e;
      await dm(client, user, text);
    }
  } else if (kind === 'event' && body.event?.type === 'app_home_opened') {
    await client.views.publish({ user_id: user, view: troubleHome(t, text) });
  } else if (kind !== 'event') {
    await dm(client, user, text);
  }
}

/** Answers for the listener: the ack Slack is waiting for (when it has not been sent), then what happened. */
async function answer(kind: Kind, deps: Deps, args: AnyArgs, acked: boolean, say: Say): Promise<void> {
  if (!acked) {
    // Slack is waiting: no time to look up the language, only to remember it.
    const t = deps.languages.known(userOf(args.body));
    if (kind === 'options') return args.ack!({ options: [{ text: plain(`⚠️ ${say(t, 'plain')}`, LIMITS.optionText), value: NO_SEARCH }] });
    const block = kind === 'view' ? firstInput(args.body) : undefined;
    if (block) return args.ack!({ response_action: 'errors', errors: { [block]: say(t, 'plain') } });
    await args.ack!();
  }
  await tell(kind, deps, args, say);
}

/** The log says what was asked in English, whoever asked. */
const ENGLISH = textsFor('en');

/** Runs a listener with the bot's own Web API client in place of Bolt's (web-client.ts), guarded as above. */
function guarded<A extends { client: unknown }>(kind: Kind, deps: Deps, label: Label, bolt: A, listener: (args: A, ack: Ack) => Promise<void>): Promise<void> {
  const args = { ...bolt, client: deps.slack };
  return guard(kind, deps, label, args as unknown as AnyArgs, (ack) => listener(args, ack));
}

async function guard(kind: Kind, deps: Deps, label: Label, args: AnyArgs, listener: (ack: Ack) => Promise<void>): Promise<void> {
  const context = `${doingText(ENGLISH, label.doing)} (${kind} from ${userOf(args.body)})`;
  let acked = false;
  let answered = false;
  let slow: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  const reply = (say: Say) => answer(kind, deps, args, acked, say).catch((e: unknown) => deps.logger.error(`could not tell the person about ${context}`, e));
  const waiting = () => {
    acked = true;
    if (kind === 'options') return;
    slow = setTimeout(() => {
      // Said only when the database is what it waits on: work held up by Slack's Web API (a rate
      // limit's wait) has saved what it saved, and "I can't reach my data" would be untrue.
      void deps.databaseAnswers().then((answers) => {
        if (finished) return;
        if (answers) {
          deps.logger.warn(`${context}: still running after ${deps.timing.slowMs} ms while the database answers (waiting on Slack?); the person was told nothing`);
          return;
        }
        deps.logger.warn(`${context}: still waiting on the database after ${deps.timing.slowMs} ms; told the person it is not done yet`);
        void reply((t, mode) => waitingText(t, label, mode));
      });
    }, deps.timing.slowMs);
  };
  const ack: Ack = async (response) => {
    if (answered) throw new AnsweredAlready();
    clearTimeout(budget);
    waiting();
    await args.ack!(response);
  };
  // Bolt acknowledges events itself, before any listener runs.
  const budget =
    kind === 'event'
      ? undefined
      : setTimeout(() => {
          if (acked) return;
          answered = true;
          deps.logger.error(`${context}: no answer from the database within ${deps.timing.ackBudgetMs} ms; told the person nothing was saved`);
          void reply(kind === 'options' ? cantSearchText : (t, mode) => unreachableText(t, label, mode));
        }, deps.timing.ackBudgetMs);
  if (kind === 'event') waiting();
  try {
    await listener(ack);
  } catch (e) {
    // Already answered (and logged) when the time ran out: the listener stopped at its ack.
    if (answered) return;
    answered = true;
    // A window opened too late (a slow database) is the bot's slowness, not a fault: a warning.
    if (isLateWindow(e)) deps.logger.warn(`${context}: Slack refused to open the window, its trigger had expired (more than 3 s after the click); told the person to click again`);
    else if (!(e instanceof AppError)) deps.logger.error(`${context} failed`, e);
    clearTimeout(slow);
    await reply(kind === 'options' ? cantSearchText : (t, mode) => failureText(t, label, e, mode));
  } finally {
    finished = true;
    clearTimeout(budget);
    clearTimeout(slow);
  }
}

export function guardCommand(deps: Deps, label: Label, listener: Middleware<SlackCommandMiddlewareArgs>): Middleware<SlackCommandMiddlewareArgs> {
  return (bolt) => guarded('command', deps, { saves: false, ...label }, bolt, (args, ack) => listener({ ...args, ack: ack as (typeof args)['ack'] }));
}

export function guardAction<A extends SlackAction = BlockAction>(deps: Deps, label: Label, listener: Middleware<SlackActionMiddlewareArgs<A>>): Middleware<SlackActionMiddlewareArgs<A>> {
  return (bolt) => guarded('action', deps, label, bolt, (args, ack) => listener({ ...args, ack: ack as (typeof args)['ack'] }));
}

export function guardView<V extends SlackViewAction = ViewSubmitAction>(deps: Deps, label: Label, listener: Middleware<SlackViewMiddlewareArgs<V>>): Middleware<SlackViewMiddlewareArgs<V>> {
  return (bolt) => guarded('view', deps, label, bolt, (args, ack) => listener({ ...args, ack: ack as (typeof args)['ack'] }));
}

export function guardOptions(deps: Deps, label: Label, listener: Middleware<SlackOptionsMiddlewareArgs<BlockSuggestion['type']>>): Middleware<SlackOptionsMiddlewareArgs<BlockSuggestion['type']>> {
  return (bolt) => guarded('options', deps, { saves: false, ...label }, bolt, (args, ack) => listener({ ...args, ack: ack as (typeof args)['ack'] }));
}

export function guardEvent<E extends string>(deps: Deps, label: Label, listener: Middleware<SlackEventMiddlewareArgs<E>>): Middleware<SlackEventMiddlewareArgs<E>> {
  return (bolt) => guarded('event', deps, { saves: false, ...label }, bolt, (args) => listener(args));
}
