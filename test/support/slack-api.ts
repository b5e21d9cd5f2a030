// A local stand-in for Slack's Web API, reached by the app through SLACK_API_URL.
// It answers like Slack, records every call, and checks every message and view
// against Slack's limits. `response_url` posts land here too.
import { performance } from 'node:perf_hooks';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkBlocks, checkView } from './limits.ts';

export interface Call {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  /** performance.now() when it arrived. */
  at: number;
  /** What the stand-in answered. */
  result?: unknown;
}

type Answer = { status?: number; headers?: Record<string, string>; body: unknown } | undefined;
/** May answer later (a Slack that is slow), by returning a promise. */
type Handler = (args: Record<string, unknown>, call: Call) => Answer | Promise<Answer>;

export class SlackStandIn {
  calls: Call[] = [];
  /** Posts to response_url, as { id, body }. */
  responses: { id: string; body: Record<string, unknown> }[] = [];
  violations: string[] = [];
  private server: Server | null = null;
  private overrides = new Map<string, Handler>();
  /** Called with every call as it arrives (benchmarks index them by agent). */
  onCall: ((call: Call) => void) | null = null;
  private ts = 1_700_000_000;
  private viewSeq = 0;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id = 'r1'): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  /**
   * Enforce a workspace-wide limit on chat.postMessage, as Slack does: past `perSecond`
   * (with a burst of the same size) it answers 429 with Retry-After. Also one per second per channel.
   */
  rateLimit(perSecond: number): void {
    let tokens = perSecond;
    let last = performance.now();
    const lastInChannel = new Map<string, number>();
    this.limited = 0;
    this.on('chat.postMessage', (args) => {
      const now = performance.now();
      tokens = Math.min(perSecond, tokens + ((now - last) / 1000) * perSecond);
      last = now;
      const channel = String(args.channel);
      const tooSoon = now - (lastInChannel.get(channel) ?? -Infinity) < 1000;
      if (tokens < 1 || tooSoon) {
        this.limited += 1;
        return { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } };
      }
      tokens -= 1;
      lastInChannel.set(channel, now);
      return undefined;
    });
  }

  /** How many calls rateLimit answered with 429. */
  limited = 0;

  /** Replace the answer to one method (return undefined to fall back to the default). */
  on(method: string, handler: Handler): void {
    this.overrides.set(method, handler);
  }

  callsTo(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls = [];
    this.responses = [];
    this.violations = [];
    this.overrides.clear();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readBody(req).then(async (raw) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const args = parseArgs(raw, req.headers['content-type'] ?? '');
        if (url.pathname.startsWith('/respond/')) {
          this.responses.push({ id: url.pathname.slice('/respond/'.length), body: args });
          this.check('response_url', args);
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          return;
        }
        const method = url.pathname.replace(/^\/api\//, '');
        const auth = req.headers.authorization ?? null;
        const call: Call = { method, args, token: auth?.replace(/^Bearer /, "") ?? (args.token as string) ?? null, at: performance.now() };
        this.calls.push(call);
        this.onCall?.(call);
        this.check(method, args);
        const answer = (await this.overrides.get(method)?.(args, call)) ?? { body: this.answer(method, args) };
        call.result = answer.body;
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private check(method: string, args: Record<string, unknown>): void {
    const where = `${method}`;
    if (args.blocks) this.violations.push(...checkBlocks(args.blocks, 'message').map((v) => `${where}: ${v}`));
    if (args.view) this.violations.push(...checkView(args.view as Record<string, unknown>).map((v) => `${where}: ${v}`));
    if (typeof args.text === 'string' && args.text.length > 40_000) this.violations.push(`${where}: text over 40,000`);
  }

  private answer(method: string, args: Record<string, unknown>): unknown {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://demo.slack.com/', team: 'Demo Center', user: 'taskcart', team_id: 'T0DEMO', user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users ?? 'X').slice(1)}` } };
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts: `${this.ts++}.000100`, message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.ts++}.000200` };
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        const id = (args.view_id as string) ?? `V${++this.viewSeq}`;
        return { ok: true, view: { ...(args.view as object), id, hash: `h${this.ts++}` } };
      }
      case 'users.info':
        return { ok: true, user: { id: args.user, tz: 'Asia/Shanghai', locale: 'en-US' } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseArgs(raw: string, type: string): Record<string, unknown> {
  if (!raw) return {};
  if (type.includes('json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
