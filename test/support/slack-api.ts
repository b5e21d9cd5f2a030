// A local stand-in for Slack's Web API, reached by the app through SLACK_API_URL.
// It answers like Slack, records every call, and checks every message and view
// against Slack's limits. `response_url` posts land here too. Posted messages are kept
// per channel, with their metadata, and conversations.history reads them back as Slack does.
// Files are uploaded in Slack's three steps (files.getUploadURLExternal, the bytes POSTed to the
// upload_url it answers — here on the stand-in's own server, the call `upload_url` — and
// files.completeUploadExternal) and kept per channel once shared (`filesIn`). Slack also shows a
// shared file as a message of its own; the stand-in keeps files apart from messages. Each user's App
// Home is kept as the last views.publish left it (`homeOf`), and each modal as views.open, views.push
// and views.update left it (`viewOf`); a publish or an update with another hash than the view's is
// refused with hash_conflict, and an update of a view Slack never showed with not_found, as Slack
// refuses them.
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
  /** How the arguments came: form-encoded or JSON (Slack takes both for its write methods). */
  contentType?: string;
  /** Set when the call met a mishap instead of an answer. */
  mishap?: Mishap;
}

/**
 * What can go wrong between the app and Slack, instead of an answer:
 * - `lost`: the call never reached Slack: the connection drops and nothing is done;
 * - `unanswered`: Slack did it (a message is stored), then the connection dropped before the answer;
 * - `hung`: Slack did it and never answers (a process killed meanwhile never learns the ts).
 */
export type Mishap = 'lost' | 'unanswered' | 'hung';

/** An answer of an override: its own, a mishap, or Slack's own answer after a delay (a slow network). */
type Answer = { status?: number; headers?: Record<string, string>; body: unknown } | { mishap: Mishap } | { delayMs: number };
/** May answer later (a Slack that is slow), by returning a promise. */
type Handler = (args: Record<string, unknown>, call: Call) => Answer | undefined | Promise<Answer | undefined>;

/** A message as Slack keeps it: from this app's bot, with the metadata it was posted with. */
export interface StoredMessage {
  type: 'message';
  ts: string;
  text?: unknown;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  user: string;
  bot_id: string;
  app_id: string;
}

const BOT = { user: 'U0BOT', bot_id: 'B0BOT', app_id: 'A0TASKCART' };

/** A file shared into a channel by files.completeUploadExternal. */
export interface SharedFile {
  id: string;
  channel: string;
  filename: string;
  title: string | undefined;
  altText: string | undefined;
  bytes: Buffer;
  initialComment: string | undefined;
  threadTs: string | undefined;
}

export class SlackStandIn {
  calls: Call[] = [];
  /** TCP connections the bot opened to the stand-in (a client keeps its own open between calls). */
  connections = 0;
  /** Posts to response_url, as { id, body }. */
  responses: { id: string; body: Record<string, unknown> }[] = [];
  violations: string[] = [];
  private server: Server | null = null;
  private overrides = new Map<string, Handler>();
  /** Called with every call as it arrives (benchmarks index them by agent). */
  onCall: ((call: Call) => void) | null = null;
  /** Messages per channel, oldest first. */
  private messages = new Map<string, StoredMessage[]>();
  /** Messages deleted, as `channel/ts`. */
  private deleted = new Set<string>();
  /** Each user's App Home. */
  private homes = new Map<string, { id: string; hash: string; view: Record<string, unknown> }>();
  /** Each modal opened, as it shows now. */
  private views = new Map<string, { hash: string; view: Record<string, unknown> }>();
  private lastMicros = 0n;
  private viewSeq = 0;
  /** Files asked for by files.getUploadURLExternal, with their bytes once POSTed to their upload_url. */
  private uploads = new Map<string, { filename: string; length: number; altText: string | undefined; bytes: Buffer | null; shared: boolean }>();
  private fileSeq = 0;
  /** Files shared into channels, in order. */
  private shared: SharedFile[] = [];
  port = 0;
  /**
   * Each test user's Slack profile as users.info answers it; anyone not set is an English
   * (en-US) user in Shanghai. `locale` comes only with include_locale, as Slack sends it.
   */
  users = new Map<string, { locale?: string; tz?: string }>();

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id = 'r1'): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  /**
   * Enforce a workspace-wide limit on a method (chat.postMessage unless told), as Slack does: past
   * `perSecond` (with a burst of the same size) it answers 429 with Retry-After: 1. chat.postMessage
   * also takes one a second per channel.
   */
  rateLimit(perSecond: number, method = 'chat.postMessage'): void {
    let tokens = perSecond;
    let last = performance.now();
    const lastInChannel = new Map<string, number>();
    this.limited = 0;
    this.on(method, (args) => {
      const now = performance.now();
      tokens = Math.min(perSecond, tokens + ((now - last) / 1000) * perSecond);
      last = now;
      const channel = String(args.channel);
      const tooSoon = method === 'chat.postMessage' && now - (lastInChannel.get(channel) ?? -Infinity) < 1000;
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

  /** The files shared into a channel, oldest first. */
  filesIn(channel: string): SharedFile[] {
    return this.shared.filter((f) => f.channel === channel);
  }

  /** Every file shared, oldest first. */
  sharedFiles(): SharedFile[] {
    return [...this.shared];
  }

  /** A message deleted (by an admin, a retention policy): gone from its channel, and edits of it refused with message_not_found. */
  deleteMessage(channel: string, ts: string): void {
    this.messages.set(channel, (this.messages.get(channel) ?? []).filter((m) => m.ts !== ts));
    this.deleted.add(`${channel}/${ts}`);
  }

  /** A user's App Home as Slack shows it now (the last publish it took), with its id and hash. */
  homeOf(user: string): { id: string; hash: string; view: Record<string, unknown> } | undefined {
    return this.homes.get(user);
  }

  /** A modal on someone's screen that the bot opened earlier, as views.open would answer it: its id and hash. */
  showModal(view: Record<string, unknown>): { id: string; hash: string } {
    const id = `V${++this.viewSeq}`;
    const hash = `h${this.nextTs()}`;
    this.views.set(id, { hash, view });
    return { id, hash };
  }

  /** The person closed a modal: Slack no longer has it, and an update of it is refused (not_found). */
  closeModal(id: string): void {
    this.views.delete(id);
  }

  /** A modal as Slack shows it now (the last views.open, views.push or views.update it took), with its hash. */
  viewOf(id: string): { hash: string; view: Record<string, unknown> } | undefined {
    return this.views.get(id);
  }

  /** The messages of a channel as they stand, oldest first. */
  messagesIn(channel: string): StoredMessage[] {
    return [...(this.messages.get(channel) ?? [])];
  }

  reset(): void {
    this.calls = [];
    this.connections = 0;
    this.responses = [];
    this.violations = [];
    this.overrides.clear();
    this.messages.clear();
    this.homes.clear();
    this.views.clear();
    this.deleted.clear();
    this.users.clear();
    this.uploads.clear();
    this.shared = [];
  }

  /** A message ts as Slack makes them: seconds and microseconds of now, unique and increasing. */
  private nextTs(): string {
    const now = BigInt(Date.now()) * 1000n;
    this.lastMicros = now > this.lastMicros ? now : this.lastMicros + 1n;
    return `${this.lastMicros / 1_000_000n}.${String(this.lastMicros % 1_000_000n).padStart(6, '0')}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readBody(req).then(async (body) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const upload = url.pathname.startsWith('/upload/');
        const raw = upload ? '' : body.toString('utf8');
        // An upload_url takes the file's bytes as they are: its call is `upload_url`, with `file_id` and `bytes`.
        const args = upload ? { file_id: url.pathname.slice('/upload/'.length), bytes: body } : parseArgs(raw, req.headers['content-type'] ?? '');
        if (url.pathname.startsWith('/respond/')) {
          // `on('response_url', …)` may refuse a post as Slack does (404 `expired_url` after 30 minutes
          // or five uses, a 5xx while it is down): then nothing is shown, and nothing is kept here.
          const call: Call = { method: 'response_url', args, token: null, at: performance.now(), contentType: req.headers['content-type'] ?? '' };
          const refused = await this.overrides.get('response_url')?.(args, call);
          if (refused && 'body' in refused) {
            res.writeHead(refused.status ?? 404, { 'content-type': 'text/plain' }).end(String(refused.body));
            return;
          }
          this.responses.push({ id: url.pathname.slice('/respond/'.length), body: args });
          this.check('response_url', args);
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          return;
        }
        const method = upload ? 'upload_url' : url.pathname.replace(/^\/api\//, '');
        const auth = req.headers.authorization ?? null;
        const call: Call = { method, args, token: auth?.replace(/^Bearer /, "") ?? (args.token as string) ?? null, at: performance.now(), contentType: req.headers['content-type'] ?? '' };
        this.calls.push(call);
        this.onCall?.(call);
        this.check(method, args);
        let answer = (await this.overrides.get(method)?.(args, call)) ?? { body: this.answer(method, args) };
        if ('delayMs' in answer) {
          const { delayMs } = answer;
          await new Promise((r) => setTimeout(r, delayMs));
          answer = { body: this.answer(method, args) };
        }
        if ('mishap' in answer) {
          call.mishap = answer.mishap;
          if (answer.mishap !== 'lost') call.result = this.answer(method, args);
          if (answer.mishap !== 'hung') req.socket.destroy();
          return;
        }
        call.result = answer.body;
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
      });
    });
    this.server.on('connection', () => void this.connections++);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  /** Closes a connection idle for `ms`, and says so in its answers' Keep-Alive (Node's server: 5 s). */
  closeIdleAfter(ms: number): void {
    this.server!.keepAliveTimeout = ms;
  }

  async stop(): Promise<void> {
    // Hung calls and idle keep-alive connections would hold close() open.
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private check(method: string, args: Record<string, unknown>): void {
    const where = `${method}`;
    if (args.blocks) this.violations.push(...checkBlocks(args.blocks, 'message').map((v) => `${where}: ${v}`));
    if (args.view) this.violations.push(...checkView(args.view as Record<string, unknown>).map((v) => `${where}: ${v}`));
    if (typeof args.text === 'string' && args.text.length > 40_000) this.violations.push(`${where}: text over 40,000`);
    if (args.metadata !== undefined) {
      // Slack's guide: an event type and a payload object of snake_case properties (no nested objects).
      const m = args.metadata as { event_type?: unknown; event_payload?: unknown };
      if (typeof m.event_type !== 'string' || !/^[a-z][a-z0-9_]*$/.test(m.event_type)) this.violations.push(`${where}: metadata event_type ${JSON.stringify(m.event_type)}`);
      if (!m.event_payload || typeof m.event_payload !== 'object' || Array.isArray(m.event_payload)) this.violations.push(`${where}: metadata without an event_payload object`);
      else
        for (const [k, v] of Object.entries(m.event_payload))
          if (!/^[a-z][a-z0-9_]*$/.test(k) || (v !== null && typeof v === 'object')) this.violations.push(`${where}: metadata property ${k}`);
    }
  }

  private answer(method: string, args: Record<string, unknown>): unknown {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://demo.slack.com/', team: 'Demo Center', user: 'taskcart', team_id: 'T0DEMO', user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users ?? 'X').slice(1)}` } };
      case 'chat.postMessage': {
        const channel = String(args.channel);
        const message: StoredMessage = { type: 'message', ts: this.nextTs(), text: args.text, blocks: args.blocks, ...BOT };
        if (args.metadata) message.metadata = args.metadata as StoredMessage['metadata'];
        this.messages.set(channel, [...(this.messages.get(channel) ?? []), message]);
        return { ok: true, channel, ts: message.ts, message: { ...message, metadata: undefined } };
      }
      case 'chat.update': {
        if (this.deleted.has(`${String(args.channel)}/${String(args.ts)}`)) return { ok: false, error: 'message_not_found' };
        // Lenient where Slack is not: a ts the stand-in never stored is answered ok (tests set some by hand).
        const stored = this.messages.get(String(args.channel))?.find((m) => m.ts === args.ts);
        if (stored) Object.assign(stored, { text: args.text, blocks: args.blocks }, args.metadata ? { metadata: args.metadata } : {});
        // As Slack answers: the message as it now is, blocks and all.
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text, message: { type: 'message', user: BOT.user, bot_id: BOT.bot_id, text: args.text, blocks: args.blocks } };
      }
      case 'conversations.history':
        return this.history(args);
      case 'files.getUploadURLExternal': {
        const length = Number(args.length);
        if (!args.filename || !Number.isSafeInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(++this.fileSeq).padStart(8, '0')}`;
        this.uploads.set(id, { filename: String(args.filename), length, altText: args.alt_text === undefined ? undefined : String(args.alt_text), bytes: null, shared: false });
        return { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id };
      }
      case 'upload_url': {
        const upload = this.uploads.get(String(args.file_id));
        const bytes = args.bytes as Buffer;
        if (!upload) return { ok: false, error: 'file_not_found' };
        if (bytes.length !== upload.length) this.violations.push(`upload_url: ${bytes.length} bytes POSTed for a file of length ${upload.length}`);
        upload.bytes = bytes;
        return { ok: true };
      }
      case 'files.completeUploadExternal': {
        const files = (Array.isArray(args.files) ? args.files : []) as Array<{ id?: string; title?: string }>;
        const channel = args.channel_id ?? args.channels;
        if (!files.length || !channel) return { ok: false, error: 'invalid_arguments' };
        for (const f of files) {
          const upload = this.uploads.get(String(f.id));
          // Slack answers so when the bytes never reached the upload_url.
          if (!upload || !upload.bytes) return { ok: false, error: 'file_not_found' };
        }
        for (const f of files) {
          const upload = this.uploads.get(String(f.id))!;
          if (upload.shared) continue; // Slack shares a file once, however often it is completed
          upload.shared = true;
          this.shared.push({
            id: String(f.id),
            channel: String(channel),
            filename: upload.filename,
            title: f.title,
            altText: upload.altText,
            bytes: upload.bytes!,
            initialComment: args.initial_comment === undefined ? undefined : String(args.initial_comment),
            threadTs: args.thread_ts === undefined ? undefined : String(args.thread_ts),
          });
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'views.open':
      case 'views.push': {
        const shown = this.showModal(args.view as Record<string, unknown>);
        return { ok: true, view: { ...(args.view as object), ...shown } };
      }
      case 'views.publish': {
        // One Home per user, as Slack keeps it: a publish with the hash of an older one is refused.
        const user = String(args.user_id);
        const was = this.homes.get(user);
        if (args.hash !== undefined && was && args.hash !== was.hash) return { ok: false, error: 'hash_conflict' };
        const home = { id: was?.id ?? `V${++this.viewSeq}`, hash: `h${this.nextTs()}`, view: args.view as Record<string, unknown> };
        this.homes.set(user, home);
        return { ok: true, view: { ...home.view, id: home.id, hash: home.hash } };
      }
      case 'views.update': {
        // A modal changed since the hash the update carries (another update landed first) is not overwritten.
        const id = String(args.view_id);
        const was = this.views.get(id);
        if (!was) return { ok: false, error: 'not_found' };
        if (args.hash !== undefined && args.hash !== was.hash) return { ok: false, error: 'hash_conflict' };
        const shown = { hash: `h${this.nextTs()}`, view: args.view as Record<string, unknown> };
        this.views.set(id, shown);
        return { ok: true, view: { ...shown.view, id, hash: shown.hash } };
      }
      case 'users.info': {
        const profile = { locale: 'en-US', tz: 'Asia/Shanghai', ...this.users.get(String(args.user)) };
        const withLocale = args.include_locale === true || args.include_locale === 'true';
        return { ok: true, user: { id: args.user, tz: profile.tz, ...(withLocale && { locale: profile.locale }) } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /**
   * conversations.history as Slack answers it: newest first, `oldest` / `latest` exclusive unless
   * `inclusive`, `limit` (default 100, at most 999) a page, an opaque cursor while `has_more`;
   * a message's metadata only with `include_all_metadata`.
   */
  private history(args: Record<string, unknown>): unknown {
    const micros = (ts: unknown) => {
      const [s = '0', f = ''] = String(ts).split('.');
      return BigInt(s) * 1_000_000n + BigInt(f.padEnd(6, '0').slice(0, 6) || '0');
    };
    const yes = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;
    const inclusive = yes(args.inclusive);
    const oldest = args.oldest !== undefined ? micros(args.oldest) : null;
    const latest = args.latest !== undefined ? micros(args.latest) : null;
    const within = (m: StoredMessage) => {
      const t = micros(m.ts);
      return (oldest === null || (inclusive ? t >= oldest : t > oldest)) && (latest === null || (inclusive ? t <= latest : t < latest));
    };
    const all = (this.messages.get(String(args.channel)) ?? []).filter(within).reverse();
    const limit = Math.min(999, Math.max(1, Number(args.limit ?? 100) || 100));
    const offset = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString().replace('offset:', '')) : 0;
    const page = all.slice(offset, offset + limit);
    const hasMore = offset + limit < all.length;
    return {
      ok: true,
      messages: page.map(({ metadata, ...m }) => (yes(args.include_all_metadata) && metadata ? { ...m, metadata } : m)),
      has_more: hasMore,
      pin_count: 0,
      response_metadata: { next_cursor: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' },
    };
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
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
