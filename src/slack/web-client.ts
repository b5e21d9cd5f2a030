// The Web API client every listener and job uses: @slack/web-api's WebClient, with the calls Task
// Cart makes on every click (post or edit a message, open or update a view, open a DM) sent as
// JSON over kept-alive connections.
//
// Why: in the profile of an Add task, WebClient cost more CPU than the rest of the bot together
// (issue 13): each call serialises the whole message three times for debug lines that are not
// logged (JSON.stringify of a deep "redact" copy, before and after), form-encodes the blocks, and
// goes through fetch. Slack takes a JSON body for its write methods (its Web API documentation:
// `application/json` with the token as a bearer); the answers are the same, and so are the errors: a
// refusal is WebAPIPlatformError with `data.error`, a 429 holds back that method's calls (see
// RateGate), a network failure or a 5xx is tried again after a pause, then WebAPIRequestError /
// WebAPIHTTPError. Every other method (users.info, conversations.history, files.*…) goes through
// WebClient unchanged.
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { webApi } from '@slack/bolt';

/** Methods made on a click's trigger_id, which Slack takes for 3 s: not kept in line after a 429 (RateGate). */
const ON_TRIGGER = new Set(['views.open', 'views.push']);
/** Methods that take a JSON body (Slack's write methods) and that a click makes. */
const JSON_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'chat.delete', 'views.open', 'views.update', 'views.push', 'views.publish', 'conversations.open']);

/** Rate-limited answers waited out before giving up (Slack says how long each time). */
const RATE_LIMIT_RETRIES = 5;
/** Network failures and 5xx answers tried again, after 0.5 s, 1 s, 2 s. */
const FAILURE_RETRIES = 3;
/** No answer within this long is a network failure. */
const TIMEOUT_MS = 30_000;

interface Answer {
  status: number;
  statusMessage: string;
  headers: Record<string, string>;
  /** The body as it came: decoded only when read (a success nobody reads is never decoded). */
  bytes: Buffer;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** After a 429, a method's calls go one at a time for this long past the wait Slack asked for. */
const CAREFUL_MS = 30_000;
/** One at a time, but a call whose answer is this slow does not hold up the next one longer. */
const TURN_MAX_MS = 2_000;

/**
 * Slack's rate limits count each method's calls for the whole workspace (chat.update: about 50 a
 * minute), so a 429 to one call says every call of that method must wait. After one, no call of the
 * method is sent before Retry-After has passed — as WebClient pauses its whole queue — and then they
 * go one at a time, each after the answer to the one before (or TURN_MAX_MS, should that answer be
 * slow), until CAREFUL_MS after the last 429.
 * Without that, the calls sent together (a burst of clicks) were all told to wait the same time and
 * all sent again at the same moment, to be told again: the last of them gave up after five 429s.
 */
class RateGate {
  /** No call before this (ms since the epoch). */
  private until = 0;
  /** One call at a time until this. */
  private calmAt = 0;
  /** Settled when the last call that took a turn has its answer. */
  private line: Promise<void> = Promise.resolve();

  /** Until the pause Slack asked for is over (a later 429 may lengthen it meanwhile). */
  private async paused(): Promise<void> {
    for (let wait = this.until - Date.now(); wait > 0; wait = this.until - Date.now()) await sleep(wait);
  }

  limited(retryAfterMs: number): void {
    this.until = Math.max(this.until, Date.now() + retryAfterMs);
    this.calmAt = this.until + CAREFUL_MS;
  }

  /**
   * Waits for this call's turn to be sent; the answer's arrival must then be told by calling what it
   * returns. A call that must be made within seconds (`inLine` false: a modal opened on a click's
   * trigger, which Slack takes for 3 s) only waits out the pause: in line it could outlive its trigger.
   */
  async turn(inLine = true): Promise<() => void> {
    if (!inLine || Date.now() >= this.calmAt) {
      await this.paused();
      return () => {};
    }
    const before = this.line;
    let done!: () => void;
    this.line = new Promise<void>((r) => (done = r));
    await before;
    await this.paused();
    const slow = setTimeout(done, TURN_MAX_MS);
    return () => {
      clearTimeout(slow);
      done();
    };
  }
}

/** What Slack answered a refused call with (its `error`: hash_conflict, not_found…); undefined for any other failure. */
export function refusalOf(e: unknown): string | undefined {
  const error = (e as { data?: { error?: unknown } } | null)?.data?.error;
  return typeof error === 'string' ? error : undefined;
}

/**
 * `agent`, never handing out a kept-alive connection idle longer than the server said it keeps one
 * (its `Keep-Alive: timeout`, less a second, as Node's own margin). Node closes a free connection only
 * when the server's close reaches it, and only when the event loop turns (it uses that hint only for an
 * agent with a time limit of its own). After a long stretch without a turn (the embedded database's
 * queries resolve in promise jobs, one after another), a connection the server had closed, or closed
 * before reading the call, was handed out, and the call failed with a reset: a single-try post (a
 * digest, in CI on 2026-11-28) then counted as maybe sent, left for the next run to look for. Such a
 * connection is now closed here, and the call goes out on a new one.
 */
export function freshSockets<A extends HttpAgent>(agent: A): A {
  const idle = new WeakMap<Socket, { since: number; limitMs: number }>();
  // Before the agent's own listener, which lets go of the response the hint is in. A server that
  // announces nothing is trusted to keep the connection until it closes it, as Node trusts it.
  agent.prependListener('free', (socket: Socket & { _httpMessage?: { res?: IncomingMessage } | null }) => {
    const hint = /^timeout=(\d+)/.exec(String(socket._httpMessage?.res?.headers['keep-alive'] ?? ''))?.[1];
    idle.set(socket, { since: performance.now(), limitMs: hint ? Number(hint) * 1000 - 1000 : 0 });
  });
  const free = agent.freeSockets as Record<string, Socket[] | undefined>;
  const addRequest = (agent as unknown as { addRequest: (...args: unknown[]) => void }).addRequest;
  (agent as unknown as { addRequest: (...args: unknown[]) => void }).addRequest = function (this: A, ...args: unknown[]) {
    const now = performance.now();
    for (const [name, sockets] of Object.entries(free)) {
      const kept = (sockets ?? []).filter((socket) => {
        const was = idle.get(socket);
        const stale = was !== undefined && was.limitMs > 0 && now - was.since >= was.limitMs;
        if (stale) socket.destroy();
        return !stale;
      });
      if (kept.length) free[name] = kept;
      else delete free[name];
    }
    return addRequest.apply(this, args);
  };
  return agent;
}

export class SlackWebClient extends webApi.WebClient {
  private readonly secure: boolean;
  private readonly agent: HttpAgent;
  private readonly bearer: string;
  /** WebClient's own is private: the same logger, for the same lines. */
  private readonly log: webApi.WebClientOptions['logger'];
  /** Told by the options as WebClient is: none after `retryConfig: { retries: 0 }` (a post that must not be sent twice). */
  private readonly failureRetries: number;
  private readonly rejectRateLimited: boolean;
  private readonly timeoutMs: number;
  /** Each method's rate limit as Slack last told it. */
  private readonly gates = new Map<string, RateGate>();
  /** Edits of each message (channel and ts) waiting or under way: the newest one's number, and when it is done (edit()). */
  private readonly edits = new Map<string, { newest: number; done: Promise<unknown> }>();
  private editCount = 0;

  constructor(token: string | undefined, options: webApi.WebClientOptions = {}) {
    super(token, options);
    this.log = options.logger;
    this.failureRetries = options.retryConfig?.retries === 0 ? 0 : FAILURE_RETRIES;
    this.rejectRateLimited = options.rejectRateLimitedCalls ?? false;
    this.timeoutMs = options.timeout || TIMEOUT_MS;
    this.secure = this.slackApiUrl.startsWith('https:');
    // As many connections as WebClient's request queue lets through at once.
    this.agent = freshSockets(this.secure ? new HttpsAgent({ keepAlive: true, maxSockets: 100 }) : new HttpAgent({ keepAlive: true, maxSockets: 100 }));
    this.bearer = `Bearer ${token ?? ""}`;
  }

  override async apiCall(method: string, options: Record<string, unknown> = {}): Promise<webApi.WebAPICallResult> {
    // A call with a token of its own, or a method Slack wants form-encoded: WebClient's way.
    if (!JSON_METHODS.has(method) || options.token !== undefined) return super.apiCall(method, options);
    const { channel, ts } = options;
    if (method === 'chat.update' && typeof channel === 'string' && typeof ts === 'string') return this.edit(channel, ts, options);
    return this.send(method, options);
  }

  /**
   * Edits of one message go one at a time, in the order they were asked for, and an edit still
   * waiting — for the one before it, or out a 429 — when a newer edit of that message is asked for
   * is dropped: each carries the whole message, so the newest is all that counts. Without this, two
   * edits of a cart message (two quick clicks) that both waited out the same Retry-After were sent
   * again at the same moment, and the older could land last: the message then showed the cart as it
   * was before. A dropped edit answers as a success, with `superseded: true`. Edits by another
   * process are not ordered against these (cart-message.ts showCart shows a cart another worker
   * saved meanwhile after its own edit).
   */
  private edit(channel: string, ts: string, options: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    const key = `${channel} ${ts}`;
    const n = ++this.editCount;
    const newest = () => this.edits.get(key)?.newest === n;
    const superseded = { ok: true, channel, ts, superseded: true } as webApi.WebAPICallResult;
    const before = this.edits.get(key)?.done ?? Promise.resolve();
    const result = before.then(() => (newest() ? this.send('chat.update', options, { wanted: newest, answer: superseded }) : superseded));
    const mine = { newest: n, done: result.catch(() => undefined) };
    this.edits.set(key, mine);
    void mine.done.then(() => {
      if (this.edits.get(key) === mine) this.edits.delete(key);
    });
    return result;
  }

  /** Sends a call, retrying as WebClient would; with `still`, a call no longer wanted after a wait answers `still.answer` instead. */
  private async send(method: string, options: Record<string, unknown>, still?: { wanted: () => boolean; answer: webApi.WebAPICallResult }): Promise<webApi.WebAPICallResult> {
    // Encoded once, off the JavaScript heap: a retry sends the same bytes, and the tens of kilobytes
    // of a message or modal waiting for Slack's answer are not copied by the collector meanwhile.
    const body = Buffer.from(JSON.stringify(options));
    let limited = 0;
    let failed = 0;
    /** Waits; then the answer of a call no longer wanted, or null to go on. */
    const waited = async (ms: number) => {
      await sleep(ms);
      return still && !still.wanted() ? still.answer : null;
    };
    let gate = this.gates.get(method);
    if (!gate) this.gates.set(method, (gate = new RateGate()));
    for (;;) {
      const sent = await gate.turn(!ON_TRIGGER.has(method));
      if (still && !still.wanted()) {
        sent();
        return still.answer;
      }
      let answer: Answer;
      try {
        answer = await this.post(method, body).finally(sent);
      } catch (e) {
        // A kept-alive connection Slack closed just as it was reused: the request never left, send it again now.
        if ((e as { reused?: boolean }).reused && this.failureRetries > 0) continue;
        if (failed < this.failureRetries) {
          const gone = await waited(500 * 2 ** failed++);
          if (gone) return gone;
          continue;
        }
        throw new webApi.WebAPIRequestError(e as Error);
      }
      if (answer.status === 429) {
        // Whole seconds, as Slack says it; one when it says nothing usable.
        const said = Number(answer.headers['retry-after']);
        const retryAfter = Number.isFinite(said) && said >= 0 ? said : 1;
        gate.limited(retryAfter * 1000);
        if (this.rejectRateLimited || limited++ >= RATE_LIMIT_RETRIES) throw new webApi.WebAPIRateLimitedError(retryAfter);
        this.log?.info(`API Call failed due to rate limiting. Will retry in ${retryAfter} seconds.`);
        continue;
      }
      if (answer.status >= 500 && failed < this.failureRetries) {
        const gone = await waited(500 * 2 ** failed++);
        if (gone) return gone;
        continue;
      }
      if (answer.status !== 200) throw new webApi.WebAPIHTTPError(answer.status, answer.statusMessage, answer.headers, answer.bytes.toString('utf8'));
      if (quietSuccess(answer.bytes)) return lazyResult(answer.bytes);
      const text = answer.bytes.toString('utf8');
      let result: webApi.WebAPICallResult;
      try {
        result = JSON.parse(text) as webApi.WebAPICallResult;
      } catch {
        result = { ok: false, error: text } as webApi.WebAPICallResult;
      }
      for (const warning of result.response_metadata?.warnings ?? []) this.log?.warn(warning);
      if (!result.ok) throw new webApi.WebAPIPlatformError(result as webApi.WebAPICallResult & { error: string });
      return result;
    }
  }

  private post(method: string, body: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const send = this.secure ? httpsRequest : httpRequest;
      const req = send(
        `${this.slackApiUrl}${method}`,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: { authorization: this.bearer, 'content-type': 'application/json; charset=utf-8', 'content-length': body.length },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('error', reject);
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers as Record<string, string>, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from Slack within ${this.timeoutMs / 1000} s`)));
      req.on('error', (e: NodeJS.ErrnoException) => reject(req.reusedSocket && e.code === 'ECONNRESET' ? Object.assign(e, { reused: true }) : e));
      req.end(body);
    });
  }
}

/**
 * A success with nothing to warn of: Slack's answers begin with `{"ok":true`, and its warnings come
 * in `response_metadata` (a message that merely mentions the word is read in full, as before).
 */
const OK = Buffer.from('{"ok":true');
const quietSuccess = (bytes: Buffer) => bytes.subarray(0, OK.length).equals(OK) && !bytes.includes('"response_metadata"');

/**
 * A success read only when something of it is asked for. Slack answers views.update with the whole
 * view and chat.update with the whole message (a day window: some 29 kB, 0.17 ms to decode and parse,
 * more in garbage to collect), and a click reads neither answer: it only needs to know the call succeeded.
 * Anything else asked of the result (a field, its keys, a spread, JSON) reads it all, once.
 */
function lazyResult(bytes: Buffer): webApi.WebAPICallResult {
  let full: Record<string, unknown> | undefined;
  const read = () => (full ??= JSON.parse(bytes.toString('utf8')) as Record<string, unknown>);
  return new Proxy({} as webApi.WebAPICallResult, {
    // `then`: awaiting the result looks for it; Slack's answers have none.
    get: (_, key) => (key === 'ok' ? true : key === 'then' ? undefined : Reflect.get(read(), key)),
    has: (_, key) => Reflect.has(read(), key),
    ownKeys: () => Reflect.ownKeys(read()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(read(), key);
      return d && { ...d, configurable: true };
    },
  });
}

const singleTry = new Map<string, SlackWebClient>();

/**
 * A client of `client`'s token and Web API that sends each call once, within `timeoutMs`: no retry
 * after a failure, and a 429 rejected with its Retry-After for the caller to wait out. For what a
 * retry would send twice (a fan-out's post) or make late (a user's locale). One for each token, Web
 * API and time limit, kept: it keeps its connections to Slack open between calls.
 */
export function singleTryClient(client: webApi.WebClient, timeoutMs: number): SlackWebClient {
  const key = `${client.token ?? ''}|${client.slackApiUrl}|${timeoutMs}`;
  let once = singleTry.get(key);
  if (!once) {
    once = new SlackWebClient(client.token, { slackApiUrl: client.slackApiUrl, logLevel: webApi.LogLevel.ERROR, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: timeoutMs });
    singleTry.set(key, once);
  }
  return once;
}
