// The floor of a click: a Bolt app as Slack's own samples write one — Bolt's HTTP receiver, its
// WebClient — with one listener that acks a button and, with FLOOR=update or lean, edits the message
// the button was in (a cart-sized message, 15 blocks); with FLOOR=move, a click in a day-sized modal
// edits the modal and the message, as a moved task does. Run by bolt-floor.ts; nothing of Task
// Cart's but, with FLOOR=lean and move, its Web API client; with FLOOR_DRAWN, the day window and cart
// message the bot drew in the bench's rows (a file of JSON).
// Plain JavaScript, run by node alone, as the bot's compiled program is: no loader in the way.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import bolt from '@slack/bolt';
import { FLOOR_MESSAGE, dayView } from './floor-shapes.mjs';

const port = Number(process.env.PORT);
const app = new bolt.App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: bolt.LogLevel.ERROR,
});

// FLOOR=lean and move: the edits go through Task Cart's Web API client (src/slack/web-client.ts, compiled
// by bolt-floor.ts to the file FLOOR_CLIENT names) instead.
const lean = process.env.FLOOR_CLIENT
  ? new (await import(pathToFileURL(process.env.FLOOR_CLIENT).href)).SlackWebClient(process.env.SLACK_BOT_TOKEN, { slackApiUrl: process.env.SLACK_API_URL })
  : null;

// FLOOR_DRAWN: a file with a day window and a cart message as the bot drew them (bolt-floor.ts), sent instead.
const drawn = process.env.FLOOR_DRAWN ? JSON.parse(readFileSync(process.env.FLOOR_DRAWN, 'utf8')) : null;
const moveView = () => drawn?.view ?? dayView();
const moveMessage = drawn?.message ?? FLOOR_MESSAGE;

app.action(/.*/, async ({ ack, body, client }) => {
  await ack();
  // FLOOR=move: a click in a day-sized modal edits the modal and the cart message at once, as a move does.
  if (process.env.FLOOR === 'move' && body.view) {
    await Promise.all([lean.views.update({ view_id: body.view.id, hash: body.view.hash, view: moveView() }), lean.chat.update({ channel: `D${body.user.id.slice(1)}`, ts: '1', text: 'Task cart', blocks: moveMessage })]);
  } else if (process.env.FLOOR !== 'ack' && body.type === 'block_actions' && body.channel) {
    await (lean ?? client).chat.update({ channel: body.channel.id, ts: body.message.ts, text: 'Task cart', blocks: FLOOR_MESSAGE });
  }
});

await app.start(port);
console.log(`listening on ${port}`);
process.on('SIGTERM', () => process.exit(0));
