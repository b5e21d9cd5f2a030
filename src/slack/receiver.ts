// The HTTP door: Bolt's own receiver, with two checks Bolt does not make: a request stamped more
// than five minutes from now in either direction is refused (Bolt refuses old ones only, so a
// request stamped in the future could be replayed for as long as its stamp lies ahead), and so is
// one from another workspace than the bot's own.
//
// A request to /slack/events is read, verified and parsed once, here, with Bolt's own functions,
// and handed to the app as Bolt's receiver hands it (`HTTPResponseAck`, the same error handling).
// Bolt's receiver would read, verify and parse it all again: a real click carries the whole
// message or modal it came from, tens of kilobytes of JSON (issue 13's profile).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, HTTPReceiver, HTTPResponseAck, verifySlackRequest, type App, type CustomRoute, type Logger } from '@slack/bolt';
import { cutBlocks } from './click-body.ts';

/** How far a request's timestamp may be from now, either way: Slack's own window. */
export const REPLAY_WINDOW_S = 5 * 60;

/** The workspace the bot was installed in, from auth.test at start. */
export interface Workspace {
  teamId: string;
  enterpriseId?: string | undefined;
  /** Installed for a whole Enterprise Grid organisation: requests come from any of its workspaces. */
  enterpriseInstall?: boolean | undefined;
}

/** Where each kind of request carries its workspace: commands and events at the top, interactions in `team` (or the user's). */
export function workspaceOf(body: any): { teamId?: string; enterpriseId?: string } {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    teamId: str(body?.team_id) ?? str(body?.team?.id) ?? str(body?.user?.team_id),
    enterpriseId: str(body?.enterprise_id) ?? str(body?.enterprise?.id) ?? str(body?.user?.enterprise_id),
  };
}

/** Whether a request's stamp lies within Slack's five minutes of now, either way; why not otherwise. */
export function staleness(headers: IncomingMessage['headers'], nowMs: number): string | null {
  const stamp = Number(headers['x-slack-request-timestamp']);
  if (!Number.isFinite(stamp)) return 'no timestamp';
  const skew = Math.round(stamp - nowMs / 1000);
  return Math.abs(skew) > REPLAY_WINDOW_S ? `stamped ${Math.abs(skew)} s in the ${skew > 0 ? 'future' : 'past'}` : null;
}

/** Whether a signed request comes from the bot's own workspace; why not otherwise. */
export function foreignness(body: any, home: Workspace | undefined): string | null {
  // Slack's own checks of the endpoint carry no workspace.
  if (body?.ssl_check === '1' || body?.type === 'url_verification') return null;
  if (!home) return 'the bot does not know its workspace yet';
  const from = workspaceOf(body);
  const ours = home.enterpriseInstall ? from.enterpriseId === home.enterpriseId : from.teamId === home.teamId;
  return ours ? null : `from another workspace (${from.teamId ?? 'none'})`;
}

type SignedRequest = Parameters<typeof HTTPModuleFunctions.parseHTTPRequestBody>[0];

/** A request's body as text, decoded once when its signature is checked and read again by the parse. */
const texts = new WeakMap<SignedRequest, string>();

/** A form body made of one field, `payload=` (every click): querystring would find nothing else in it. */
const lonePayload = (req: IncomingMessage, raw: string) => req.headers['content-type'] === 'application/x-www-form-urlencoded' && raw.startsWith('payload=') && !raw.includes('&');

/**
 * Bolt's parseAndVerifyHTTPRequest, less its decoding of a click's whole body: Bolt decodes every
 * form body only to look for Slack's `ssl_check` field (answered unsigned), which a body of one
 * `payload=` field cannot hold. Such a body's signature is checked by Bolt's own verifySlackRequest,
 * as Bolt checks it; any other body goes through Bolt's function as it is.
 */
export async function verifiedRequest(req: IncomingMessage, signingSecret: string): Promise<SignedRequest> {
  const buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit);
  const raw = buffered.rawBody.toString();
  texts.set(buffered, raw);
  if (!lonePayload(req, raw)) return HTTPModuleFunctions.parseAndVerifyHTTPRequest({ signingSecret, bodyLimit: HTTPModuleFunctions.defaultBodyLimit }, buffered);
  verifySlackRequest({
    signingSecret,
    body: raw,
    headers: {
      'x-slack-signature': HTTPModuleFunctions.getHeader(req, 'x-slack-signature'),
      'x-slack-request-timestamp': Number(HTTPModuleFunctions.getHeader(req, 'x-slack-request-timestamp')),
    },
  });
  return buffered;
}

/**
 * Bolt's parseHTTPRequestBody, with a click's one form field (`payload=`, the JSON of the click and
 * of the message or modal it came from, tens of kilobytes) read faster: the blocks of that message
 * or modal, which the bot never reads, are cut before anything is decoded (click-body.ts), and the
 * rest is decoded by the runtime's own decodeURIComponent rather than querystring's JavaScript loop.
 * Whatever that does not read exactly — another field beside it, malformed escapes or bytes, JSON
 * that does not parse — goes to Bolt's function whole, which parses it or throws as it always did.
 */
export function parseRequestBody(req: SignedRequest): any {
  const raw = texts.get(req) ?? req.rawBody.toString();
  // Not kept past the parse: the request object lives as long as its handler.
  texts.delete(req);
  if (lonePayload(req, raw)) {
    try {
      const cut = cutBlocks(raw, req.rawBody);
      const body = decodedPayload(cut);
      // A body cut because a nested object said block_actions, where the click itself is something else: read whole.
      return cut === raw || body?.type === 'block_actions' ? body : decodedPayload(raw);
    } catch {
      // Bolt's own parse below says what is wrong with it.
    }
  }
  return HTTPModuleFunctions.parseHTTPRequestBody(req);
}

const decodedPayload = (form: string): any => JSON.parse(decodeURIComponent(form.slice('payload='.length).replace(/\+/g, ' ')));

/** Bolt's receiver, remembering the app it serves (Bolt keeps it private). */
class Receiver extends HTTPReceiver {
  served?: App;
  override init(app: App): void {
    super.init(app);
    this.served = app;
  }
}

/** As Bolt's receiver by default: a request no listener acknowledged is answered 404 after this long. */
const UNHANDLED_AFTER_MS = 3001;

export function guardedReceiver(options: {
  signingSecret: string;
  customRoutes: CustomRoute[];
  logger: Logger;
  workspace: () => Workspace | undefined;
  nowMs?: () => number;
}): HTTPReceiver {
  const { logger, signingSecret } = options;
  const nowMs = options.nowMs ?? Date.now;
  const receiver = new Receiver({ signingSecret, customRoutes: options.customRoutes, logger, processBeforeResponse: false });
  const bolt = receiver.requestListener;
  const refuse = (res: ServerResponse, status: number, why: string) => {
    logger.warn(`refused a request: ${why}`);
    res.writeHead(status);
    res.end();
  };
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/slack/events') return bolt(req, res);
    void (async () => {
      const stale = staleness(req.headers, nowMs());
      if (stale) return refuse(res, 401, stale);
      // The signature first, so nothing unsigned is read further.
      let signed: Awaited<ReturnType<typeof HTTPModuleFunctions.parseAndVerifyHTTPRequest>>;
      let body: any;
      try {
        signed = await verifiedRequest(req, signingSecret);
        body = parseRequestBody(signed);
      } catch (e) {
        if (HTTPModuleFunctions.isRawBodyError(e) && (e as { statusCode?: number }).statusCode === 413) return refuse(res, 413, 'its body is too large');
        // A malformed body, or a bad signature: Bolt answers it (400 or 401) and logs why.
        return bolt(req, res);
      }
      const foreign = foreignness(body, options.workspace());
      if (foreign) return refuse(res, 401, foreign);
      // Slack's checks of the endpoint, answered as Bolt answers them.
      if (body?.ssl_check === '1') return HTTPModuleFunctions.buildSSLCheckResponse(res);
      if (body?.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
      const ack = new HTTPResponseAck({
        logger,
        processBeforeResponse: false,
        unhandledRequestHandler: HTTPModuleFunctions.defaultUnhandledRequestHandler,
        unhandledRequestTimeoutMillis: UNHANDLED_AFTER_MS,
        httpRequest: signed,
        httpRequestBody: body,
        httpResponse: res,
      });
      try {
        await receiver.served!.processEvent({
          body,
          ack: ack.bind(),
          retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
          retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
          customProperties: {},
        });
      } catch (error) {
        const handled = await HTTPModuleFunctions.defaultProcessEventErrorHandler({ error: error as Error, logger, request: req, response: res, storedResponse: ack.storedResponse });
        if (handled) ack.ack();
      }
    })().catch((e: unknown) => {
      logger.error('a request could not be handled', e);
      if (!res.headersSent) {
        res.writeHead(500);
        res.end();
      }
    });
  };
  return receiver;
}
