// The bot's first word with Slack at start-up: auth.test, once, within a time limit and without
// the Web API client's retries (which would spend minutes on an unreachable Slack). Each way it can
// fail becomes one line saying what is wrong and what to do.
// The Web API client package itself (what Bolt re-exports as `webApi`): the primary of several
// workers (src/cluster.ts) checks the token without loading Bolt, which it never serves with.
import * as webApi from '@slack/web-api';
import type { JsonLogger } from '../logger.ts';

export const SLACK_TIMEOUT_MS = 10_000;
const SETUP = 'see "Create the Slack app" in README.md';

export interface SlackIdentity {
  user: string;
  userId: string;
  botId: string | undefined;
  team: string;
  teamId: string;
  /** Enterprise Grid: the organisation, and whether the bot was installed for all of it. */
  enterpriseId?: string | undefined;
  enterpriseInstall?: boolean | undefined;
}

/** A start-up problem with Slack, said in one line for a person. */
export class SlackStartError extends Error {
  override name = 'SlackStartError';
}

export async function checkSlack(config: { SLACK_BOT_TOKEN: string; SLACK_API_URL?: string | undefined }, logger: JsonLogger): Promise<SlackIdentity> {
  // The failure is said once, by the caller; the client's own warnings would say it twice.
  const quiet = logger.child({});
  quiet.setLevel(webApi.LogLevel.ERROR);
  const client = new webApi.WebClient(config.SLACK_BOT_TOKEN, {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    retryConfig: { retries: 0 },
    timeout: SLACK_TIMEOUT_MS,
    logger: quiet,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const auth = await Promise.race([
      client.auth.test(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), SLACK_TIMEOUT_MS + 500);
      }),
    ]);
    return { user: auth.user ?? '', userId: auth.user_id ?? '', botId: auth.bot_id, team: auth.team ?? auth.team_id ?? '', teamId: auth.team_id ?? '', enterpriseId: auth.enterprise_id, enterpriseInstall: auth.is_enterprise_install };
  } catch (e) {
    throw new SlackStartError(explainSlackError(e, config.SLACK_API_URL ?? 'https://slack.com/api/', 'bot'));
  } finally {
    clearTimeout(timer);
  }
}

/** One line for an error Slack's Web API client threw at start-up (auth.test, or Socket Mode's connection). */
export function explainSlackError(e: unknown, apiUrl: string, token: 'bot' | 'app'): string {
  const err = e as { code?: string; name?: string; data?: { error?: string }; statusCode?: number; original?: unknown; message?: string };
  const variable = token === 'bot' ? 'SLACK_BOT_TOKEN' : 'SLACK_APP_TOKEN';
  const where = token === 'bot' ? 'the Bot User OAuth Token (xoxb-…) from OAuth & Permissions' : 'an app-level token (xapp-…) with connections:write from Basic Information → App-Level Tokens';
  if (err.code === webApi.ErrorCode.PlatformError) {
    const code = err.data?.error ?? 'unknown';
    if (['invalid_auth', 'not_authed', 'not_allowed_token_type'].includes(code)) {
      return `Slack refused the ${token} token (${code}): put ${where} in ${variable}; ${SETUP}`;
    }
    if (['account_inactive', 'token_revoked', 'token_expired', 'app_uninstalled', 'team_disabled', 'missing_scope', 'no_permission'].includes(code)) {
      return `Slack says the ${token} token can no longer be used (${code}): reinstall the app to the workspace and put the new token in ${variable}; ${SETUP}`;
    }
    return `Slack refused the ${token} token (${code}): check ${variable}; ${SETUP}`;
  }
  if (err.code === webApi.ErrorCode.HTTPError) {
    const status = err.statusCode ?? 0;
    return status >= 500
      ? `Slack answered HTTP ${status} at ${apiUrl}: Slack may be having trouble (https://slack-status.com); try again in a few minutes`
      : `Slack answered HTTP ${status} at ${apiUrl}: check SLACK_API_URL (unset it to reach Slack itself)`;
  }
  const cause = networkCause(err.code === webApi.ErrorCode.RequestError ? err.original : e);
  if (cause === 'timeout') {
    return `Slack did not answer within ${SLACK_TIMEOUT_MS / 1000} s at ${apiUrl}: check this machine's network, proxy and firewall${apiUrl.startsWith('https://slack.com/') ? '' : ', or SLACK_API_URL'}`;
  }
  return `cannot reach Slack at ${apiUrl} (${cause}): check this machine's network, proxy and firewall${apiUrl.startsWith('https://slack.com/') ? '' : ', or SLACK_API_URL'}`;
}

/** The deepest cause under undici's "fetch failed": `connect ECONNREFUSED 127.0.0.1:9`, `getaddrinfo ENOTFOUND slack.com`, or 'timeout'. */
function networkCause(e: unknown): string {
  let current = e as { name?: string; message?: string; code?: string; cause?: unknown } | undefined;
  let said = (e as Error | undefined)?.message ?? String(e);
  for (let i = 0; i < 5 && current; i++) {
    if (current.name === 'TimeoutError' || current.name === 'AbortError' || current.code === 'ETIMEDOUT' || current.code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
    if (current.message && current.message !== 'fetch failed') said = current.message;
    current = current.cause as typeof current;
  }
  return said;
}
