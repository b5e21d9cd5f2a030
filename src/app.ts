// Builds the Bolt app from the configuration: HTTP (with /healthz; requests checked for their
// timestamp either way and their workspace, see slack/receiver.ts) or Socket Mode, every Web API
// call to SLACK_API_URL when set, one log line per request, one global error handler.
import type { ServerResponse } from 'node:http';
import type { Server } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import { register as registerCommands } from '../commands/index.ts';
import type { Database } from '../db/client.ts';
import type { Config } from './config.ts';
import { DatabaseHealth } from './health.ts';
import type { JsonLogger } from './logger.ts';
import { checkSlack, explainSlackError, SlackStartError, type SlackIdentity } from './slack/connect.ts';
import type { Deps, GuardTiming } from './slack/deps.ts';
import { GUARD_TIMING } from './slack/guard.ts';
import { languages } from './slack/language.ts';
import { registerListeners } from './slack/listeners.ts';
import { InFlight, requestLog } from './slack/middleware/request-log.ts';
import { guardedReceiver } from './slack/receiver.ts';
import { routeListeners, type Listeners } from './slack/router.ts';
import { SlackWebClient } from './slack/web-client.ts';

export interface TaskCartApp {
  app: App;
  deps: Deps;
  health: DatabaseHealth;
  /** Who the bot is in which workspace, from auth.test at start. */
  identity: SlackIdentity | null;
  /**
   * Checks the token with Slack (once, time-boxed) unless `identity` says it was checked, then
   * starts listening; resolves with the HTTP port (0 in Socket Mode). Throws SlackStartError, or a
   * listen error, for start-up to explain.
   */
  start(identity?: SlackIdentity): Promise<number>;
  /** Stops accepting requests, then waits up to `drainMs` for those in flight; resolves with how many were left. */
  stop(drainMs?: number): Promise<number>;
  /** Resolves once no request is in flight: at once when none is. */
  quiet(): Promise<void>;
}

/** How long an idle connection is kept: longer than a load balancer's usual 60 s (README, Running in production). */
const KEEP_ALIVE_MS = 65_000;
/** Requests a connection carries before the bot closes it, so that connections spread over the workers again. */
const REQUESTS_PER_CONNECTION = 100;

/** The composition root's wiring: slash commands (commands/) and every other listener (src/slack/). */
export function registerAll(app: Listeners, deps: Deps): void {
  registerCommands(app, deps);
  registerListeners(app, deps);
}

export function createApp(
  config: Omit<Config, 'WORKERS'>,
  database: Database,
  logger: JsonLogger,
  now: () => Date = () => new Date(),
  health: DatabaseHealth = new DatabaseHealth(database, logger),
  timing: Readonly<GuardTiming> = GUARD_TIMING,
): TaskCartApp {
  const healthz: CustomRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res: ServerResponse) => {
      // Within a second whatever the database does: the check is time-boxed.
      void health.check().then((up) => {
        res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: up ? 'ok' : 'database unavailable' }));
      });
    },
  };
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  const app = new App({
    // The token with who it belongs to, as start() learnt from auth.test (its own, or the primary's):
    // given a token, Bolt would ask auth.test again as it starts, in every worker.
    authorize: async () => ({ botToken: config.SLACK_BOT_TOKEN, botId: bot.identity?.botId, botUserId: bot.identity?.userId }),
    ...(socketMode
      ? { socketMode: true, appToken: config.SLACK_APP_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET }
      : { receiver: guardedReceiver({ signingSecret: config.SLACK_SIGNING_SECRET, customRoutes: [healthz], logger, workspace: () => bot.identity ?? undefined }) }),
    logger,
    // Bolt sets its logger to this level (INFO when not given), overriding LOG_LEVEL otherwise.
    logLevel: logger.getLevel(),
    clientOptions: config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {},
    // Bolt would set itself up while it is built: start() does it, once the token is checked.
    deferInitialization: true,
    // Thin listeners ack at once; nothing waits on the handler to answer Slack.
    processBeforeResponse: false,
    // No state in process memory: any of several bot processes can answer any request.
    convoStore: false,
  });
  const inFlight = new InFlight();
  app.use(requestLog(logger, inFlight));
  // Bolt's client stays for what Bolt does itself; every listener is handed this one (guard.ts).
  const slack = new SlackWebClient(config.SLACK_BOT_TOKEN, { ...(config.SLACK_API_URL && { slackApiUrl: config.SLACK_API_URL }), logger, logLevel: logger.getLevel() });
  const deps: Deps = { database, logger, now, languages: languages(database.db, now), slack, timing, databaseAnswers: () => health.check() };
  routeListeners(app, (on) => registerAll(on, deps));
  app.error(async (error) => {
    const cause = (error as { original?: unknown }).original ?? error;
    if (!health.report(cause)) logger.error('unhandled error in a listener', cause);
  });

  let server: Server | undefined;
  const bot: TaskCartApp = {
    app,
    deps,
    health,
    identity: null,
    async start(identity) {
      // Learnt from auth.test before the server listens: requests from another workspace are refused (receiver.ts).
      bot.identity = identity ?? (await checkSlack(config, logger));
      await app.init();
      logger.info(`connected to Slack as @${bot.identity.user} in ${bot.identity.team}`, { slackTeam: bot.identity.teamId, botUser: bot.identity.userId });
      if (socketMode) {
        try {
          await withTimeout(app.start(), 15_000, () => Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
        } catch (e) {
          await app.stop().catch(() => {});
          throw new SlackStartError(explainSlackError(e, config.SLACK_API_URL ?? 'https://slack.com/api/', 'app'));
        }
        logger.info('listening in Socket Mode');
        return 0;
      }
      server = (await app.start(config.PORT)) as Server;
      // A load balancer or proxy in front keeps its connections to the bot open for reuse (AWS's
      // for 60 s): the bot keeps them longer, or it could close one just as the balancer sends a
      // request on it, which the balancer answers Slack with a 502. Kept connections also spare a
      // burst the new ones (with WORKERS > 1, each handed by the primary to a worker in turn).
      // An idle one does not hold shutdown up: stop() drops it.
      server.keepAliveTimeout = KEEP_ALIVE_MS;
      // node:cluster shares out connections, not requests: a proxy that keeps two connections open
      // could keep all its requests in one worker for hours. Closed after 100 requests (with
      // `Connection: close` on the last answer), a connection is made again and handed out anew.
      server.maxRequestsPerSocket = REQUESTS_PER_CONNECTION;
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      logger.info(`listening on http://0.0.0.0:${port}/slack/events (health: /healthz)`, { port });
      return port;
    },
    async stop(drainMs = 5_000) {
      // Stop accepting; Node's server.close() also drops idle keep-alive connections.
      const closed = app.stop().catch((e: unknown) => logger.warn('closing the HTTP server failed', e));
      const left = await inFlight.idle(drainMs);
      server?.closeAllConnections();
      await closed;
      return left;
    },
    async quiet() {
      while (inFlight.size) await inFlight.idle(60_000);
    },
  };
  return bot;
}

async function withTimeout<T>(work: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(error()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
