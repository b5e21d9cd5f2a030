// Requests as Slack sends them: form bodies signed with the signing secret.
import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'e0b7c1d2a3f4e5d6c7b8a9f0e1d2c3b4';
export const BOT_TOKEN = 'xoxb-1234-5678-testtoken';

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The headers Slack sends with a request: its stamp and its signature. */
export function signedHeaders(body: string, opts: { secret?: string; timestamp?: number; contentType?: string } = {}): Record<string, string> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return { 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign(body, timestamp, opts.secret) };
}

export interface SlackResponse {
  status: number;
  body: string;
  json: () => Record<string, unknown>;
}

export async function post(
  baseUrl: string,
  body: string,
  opts: { secret?: string; timestamp?: number; headers?: Record<string, string>; contentType?: string } = {},
): Promise<SlackResponse> {
  const res = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers: { ...signedHeaders(body, opts), ...opts.headers }, body });
  const text = await res.text();
  return { status: res.status, body: text, json: () => (text ? (JSON.parse(text) as Record<string, unknown>) : {}) };
}

/** A slash command's form body. */
export function commandBody(command: string, userId: string, text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0DEMO',
    team_domain: 'demo',
    channel_id: `D${userId.slice(1)}`,
    channel_name: 'directmessage',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command,
    text,
    api_app_id: 'A0TASKCART',
    response_url: responseUrl,
    trigger_id: `trigger.${Date.now()}.${Math.random().toString(36).slice(2)}`,
  }).toString();
}

/** An interaction (block action, view submission, options request): a form with one `payload` field. */
export function payloadBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An Events API callback as JSON. */
export function eventBody(event: Record<string, unknown>, eventId = `Ev${Date.now()}${Math.random().toString(36).slice(2, 6)}`): string {
  return JSON.stringify({
    token: 'legacy',
    team_id: 'T0DEMO',
    api_app_id: 'A0TASKCART',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}
