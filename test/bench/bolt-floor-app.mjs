// The floor of a click: a Bolt app as Slack's own samples write one — Bolt's HTTP receiver, its
// WebClient — with one listener that acks a button and, with FLOOR=update or lean, edits the message
// the button was in (a cart-sized message, 15 blocks). Run by bolt-floor.ts; nothing of Task Cart's but,
// with FLOOR=lean, its Web API client.
// Plain JavaScript, run by node alone, as the bot's compiled program is: no loader in the way.
import bolt from '@slack/bolt';

const port = Number(process.env.PORT);
const app = new bolt.App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: bolt.LogLevel.ERROR,
});

/** About the cart message's size and shape: a header, a line and an Open button per day, suggestions, buttons. */
const FLOOR_MESSAGE = [
  { type: 'header', text: { type: 'plain_text', text: 'Task cart · week of 30 Nov 2026' } },
  ...Array.from({ length: 13 }, (_, i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: `*Day ${i}* ████████░░ 6 h 20 m of 6 h 30 m · 23 tasks · ⚠️ overloaded by 20 m`, verbatim: true },
    accessory: { type: 'button', action_id: `open_${i}`, text: { type: 'plain_text', text: 'Open' }, value: `15:7:2026-12-0${i % 7}` },
  })),
  { type: 'actions', elements: ['Add task', 'Pick customers', 'Auto-balance', 'Commit'].map((text, i) => ({ type: 'button', action_id: `b${i}`, text: { type: 'plain_text', text }, value: '15:7' })) },
];

// FLOOR=lean: the edit goes through Task Cart's Web API client (the compiled src/slack/web-client.ts) instead.
const lean =
  process.env.FLOOR === 'lean'
    ? new (await import(new URL('../../dist/src/slack/web-client.js', import.meta.url).href)).SlackWebClient(process.env.SLACK_BOT_TOKEN, { slackApiUrl: process.env.SLACK_API_URL })
    : null;

app.action(/.*/, async ({ ack, body, client }) => {
  await ack();
  if (process.env.FLOOR !== 'ack' && body.type === 'block_actions' && body.channel) {
    await (lean ?? client).chat.update({ channel: body.channel.id, ts: body.message.ts, text: 'Task cart', blocks: FLOOR_MESSAGE });
  }
});

await app.start(port);
console.log(`listening on ${port}`);
process.on('SIGTERM', () => process.exit(0));
