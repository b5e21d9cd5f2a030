// The Web API client of jobs and the command line: the same base URL and client as the bot
// (../slack/web-client.ts), retries on rate limits and server errors. (@slack/web-api comes
// through Bolt, which pins its version.)
import { webApi } from '@slack/bolt';
import { SlackWebClient } from '../slack/web-client.ts';

export function slackClient(token: string, apiUrl?: string): webApi.WebClient {
  return new SlackWebClient(token, {
    slackApiUrl: apiUrl,
    logLevel: webApi.LogLevel.ERROR,
    // 429: the client waits for Retry-After and tries again; 5xx and network errors back off.
    retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes,
    rejectRateLimitedCalls: false,
  });
}
