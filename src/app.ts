// Builds the Bolt app from the configuration: HTTP (with /healthz; requests checked for their
// timestamp either way and their workspace, see slack/receiver.ts) or Socket Mode, every Web API
// call to SLACK_API_URL when set, one global error handler.
import type { ServerResponse } from 'node:http';
import type { Server } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import { register as registerCommands } from '../commands/index.ts';
import type { Database } from '../db/client.ts';
import type { Config } from './config.ts';
import type { JsonLogger } from './logger.ts';
import type { Deps } from './slack/deps.ts';
import { languages } from './slack/language.ts';
import { registerListeners } from './slack/listeners.ts';
import { guardedReceiver, type Workspace } from './slack/receiver.ts';

export interface TaskCartApp {
  app: App;
  deps: Deps;
  /** Starts listening; resolves with the HTTP port (0 in Socket Mode). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** The composition root's wiring: slash commands (commands/) and every other listener (src/slack/). */
export function registerAll(app: App, deps: Deps): void {
  registerCommands(app, deps);
  registerListeners(app, deps);
}

export function createApp(config: Config, database: Database, logger: JsonLogger, now: () => Date = () => new Date()): TaskCartApp {
  const healthz: CustomRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res: ServerResponse) => {
      void database.ping().then((up) => {
        res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: up ? 'ok' : 'database unavailable' }));
      });
    },
  };
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  // Learnt from auth.test at start, before the server listens: requests from elsewhere are refused.
  let workspace: Workspace | undefined;
  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    ...(socketMode
      ? { socketMode: true, appToken: config.SLACK_APP_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET }
      : { receiver: guardedReceiver({ signingSecret: config.SLACK_SIGNING_SECRET, customRoutes: [healthz], logger, workspace: () => workspace }) }),
    logger,
    clientOptions: config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {},
    // Thin listeners ack at once; nothing waits on the handler to answer Slack.
    processBeforeResponse: false,
    // No state in process memory: any of several bot processes can answer any request.
    convoStore: false,
  });
  const deps: Deps = { database, logger, now, languages: languages(database.db, now) };
  registerAll(app, deps);
  app.error(async (error) => {
    logger.error('unhandled error in a listener', error);
  });

  let server: Server | undefined;
  return {
    app,
    deps,
    async start() {
      const auth = await app.client.auth.test();
      workspace = { teamId: auth.team_id ?? '', enterpriseId: auth.enterprise_id, enterpriseInstall: auth.is_enterprise_install };
      logger.info(`connected to Slack as @${auth.user} in ${auth.team ?? auth.team_id}`);
      const started = (await app.start(config.PORT)) as unknown;
      if (socketMode) {
        logger.info('listening in Socket Mode');
        return 0;
      }
      server = started as Server;
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      logger.info(`listening on http://0.0.0.0:${port}/slack/events (health: /healthz)`);
      return port;
    },
    async stop() {
      await app.stop();
    },
  };
}
