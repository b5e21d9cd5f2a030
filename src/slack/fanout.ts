// The Slack side of a fan-out (proposed carts, digests, reminders): open a DM, post a message once, find a
// message a stopped run posted, and say in one line why Slack refused something and what to do.
import { webApi } from '@slack/bolt';
import { Refused } from '../services/deliveries.ts';
import { singleTryClient } from './web-client.ts';

type WebClient = webApi.WebClient;

/**
 * Metadata event types of the messages a fan-out posts; the payload names the delivery
 * (`delivery_key`) and, for a cart, the cart (`cart_id`). Slack's guide names event types
 * `<resource>_<past-tense action>`.
 */
export const EVENT = { cart: 'cart_posted', digest: 'digest_posted', reminder: 'reminder_posted' } as const;

/** Who a message goes to, for the reasons given when Slack refuses it. */
export interface Target {
  kind: 'person' | 'channel';
  id: string;
}

/** History is read from this long before the claim: Slack's clock and the database's may differ. */
const CLOCK_MARGIN_MS = 10 * 60_000;
/** conversations.history pages: 15 messages (the most Slack allows some apps), at most 20 pages. */
const PAGE = 15;
const MAX_PAGES = 20;
const POST_TIMEOUT_MS = 30_000;

/**
 * A client that posts without retrying: after a timeout, a dropped connection or a 5xx, Slack may
 * have stored the message, and a blind retry would post it twice. Such a post is left `sending`
 * and looked for by the next run instead. 429s, which Slack did not take, are waited out by postOnce.
 * Kept, with its connections to Slack, from one fan-out to the next (web-client.ts singleTryClient).
 */
export function poster(client: WebClient): WebClient {
  return singleTryClient(client, POST_TIMEOUT_MS);
}

/** Posts through a `poster` client; answers the message's ts. */
export async function postOnce(post: WebClient, args: webApi.ChatPostMessageArguments, target: Target): Promise<string> {
  for (;;) {
    try {
      const posted = await post.chat.postMessage(args);
      return posted.ts!;
    } catch (e) {
      const limited = e as { code?: string; retryAfter?: number };
      if (limited.code === webApi.ErrorCode.RateLimitedError) {
        await new Promise((r) => setTimeout(r, (limited.retryAfter ?? 1) * 1000));
        continue;
      }
      throw slackError(e, target, 'post');
    }
  }
}

/** The DM channel with a person (conversations.open answers the same one every time). */
export async function openDm(client: WebClient, userId: string): Promise<string> {
  try {
    const dm = await client.conversations.open({ users: userId });
    return dm.channel!.id!;
  } catch (e) {
    throw slackError(e, { kind: 'person', id: userId }, 'other');
  }
}

/**
 * The ts of the message this app posted in `channel` since `since` whose metadata names the
 * delivery `key`, or null. Newest first, a page at a time; metadata only comes with
 * `include_all_metadata` (and needs the channel's *:history scope).
 */
export async function findPosted(client: WebClient, channel: string, eventType: string, key: string, since: Date, target: Target): Promise<string | null> {
  const oldest = ((since.getTime() - CLOCK_MARGIN_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let history: webApi.ConversationsHistoryResponse;
    try {
      history = await client.conversations.history({ channel, oldest, limit: PAGE, include_all_metadata: true, ...(cursor ? { cursor } : {}) });
    } catch (e) {
      throw slackError(e, target, 'other');
    }
    // Only an app's message (bot_id) counts: a person cannot stop a delivery by posting its metadata.
    const hit = history.messages?.find((m) => m.bot_id && m.metadata?.event_type === eventType && (m.metadata.event_payload as Record<string, unknown> | undefined)?.delivery_key === key);
    if (hit?.ts) return hit.ts;
    cursor = history.response_metadata?.next_cursor;
    if (!history.has_more || !cursor) return null;
  }
  throw new Error(`more than ${PAGE * MAX_PAGES} messages were posted there since it was claimed; it is not posted again, as it may be among them`);
}

/** An error of the Web API as one line: a refusal (nothing posted, a `Refused`) says what to do; anything else, that Slack did not answer. */
export function slackError(e: unknown, target: Target, during: 'post' | 'other'): Error {
  const err = e as { code?: string; data?: { error?: string; needed?: string }; statusCode?: number; original?: Error & { cause?: { code?: string } } };
  if (err.code === webApi.ErrorCode.PlatformError && err.data?.error) return new Refused(refusal(err.data.error, target, err.data.needed));
  const detail = err.code === webApi.ErrorCode.HTTPError ? `HTTP ${err.statusCode}` : (err.original?.cause?.code ?? err.original?.message ?? (e as Error).message);
  return new Error(
    during === 'post'
      ? `Slack did not answer (${detail}) — run it again: the message is looked for there before it is posted again`
      : `Slack did not answer (${detail}) — run it again`,
  );
}

const ANOTHER_CHANNEL = 'or set another channel with `npm run cli -- team set …`';

function refusal(code: string, target: Target, needed?: string): string {
  switch (code) {
    case 'not_in_channel':
      return `the bot is not in that channel — invite @Task Cart with /invite, ${ANOTHER_CHANNEL}`;
    case 'channel_not_found':
      return target.kind === 'channel'
        ? `Slack has no such channel, or it is private and the bot is not in it — invite @Task Cart with /invite, ${ANOTHER_CHANNEL}`
        : `Slack found no DM with ${target.id} — check their slack_user_id in the people file`;
    case 'is_archived':
      return `the channel is archived — unarchive it, ${ANOTHER_CHANNEL}`;
    case 'restricted_action':
    case 'restricted_action_read_only_channel':
    case 'restricted_action_thread_only_channel':
      return `the channel does not let the bot post — allow it in the channel's settings, ${ANOTHER_CHANNEL}`;
    case 'user_not_found':
      return `Slack has no user ${target.id} — correct their slack_user_id in the people file`;
    case 'cannot_dm_bot':
      return `${target.id} is a bot, and a bot cannot be sent a DM — correct their slack_user_id in the people file`;
    case 'user_disabled':
      return `the Slack account of ${target.id} is deactivated — take them off the team in the people file`;
    case 'missing_scope':
      return `the app lacks the ${needed ?? 'needed'} scope — reinstall it to the workspace from manifest.yml (README: Create the Slack app)`;
    case 'not_authed':
    case 'invalid_auth':
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
      return `Slack refused the bot token (${code}) — check SLACK_BOT_TOKEN`;
    default:
      return `Slack answered "${code}"`;
  }
}
