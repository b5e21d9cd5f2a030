// What a click costs a Bolt app that does next to nothing, on this machine: the floor under Task
// Cart's figures. The same clicks as cart-latency.ts (signed, from 50 agents, each carrying the
// cart-sized message it came from; as many clicks of warm-up first, 6,000), to a Bolt app as Slack's samples
// write one (bolt-floor-app.mjs): one listener that acks, or acks and edits the message once, with
// Bolt's WebClient or with Task Cart's (src/slack/web-client.ts). Task Cart does more on each click:
// it saves the cart (one statement where this process kept the cart, two where it reads it first),
// works out the week and its texts, and sends a move's day window back beside the cart.
// The app starts with auth.test once, as Task Cart does: Bolt's `tokenVerificationEnabled: false`
// makes it call auth.test on every request instead, several times an ack's own cost here.
// FLOOR=move is the floor under a moved task: the click comes from a day-sized modal (sent whole,
// as Slack sends it) and the app edits that modal and the cart-sized message at once; FLOOR=drawn, the
// same with the day window and cart message the bot drew for the bench's carts (DRAWN_ENV).
// FLOOR_ONLY=ack|update|lean|move|drawn measures one; FLOOR_PROF=dir profiles the app (node --cpu-prof) and
// prints the paced window on the monotonic clock (µs) to cut the profile to.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BOT_TOKEN, SIGNING_SECRET, payloadBody } from '../support/signed.ts';
import { SlackStandIn, type Call } from '../support/slack-api.ts';
import { DRAWN_ENV, WARM_UP_ROUNDS, cpuOf, poster, wakesOf } from './cart-latency.ts';
import { stopOnInterrupt } from './scratch.ts';

type Floor = 'ack' | 'update' | 'lean' | 'move' | 'drawn';
type Blocks = Array<Record<string, unknown>>;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Task Cart's Web API client alone, as plain JavaScript the app can import (the build bundles it
 * into the program, out of reach): its packages left in node_modules, so that it shares the app's Bolt.
 */
async function compiledClient(): Promise<string> {
  const file = join(ROOT, 'node_modules/.cache/taskcart-bench/web-client.js');
  await build({ absWorkingDir: ROOT, entryPoints: ['src/slack/web-client.ts'], outfile: file, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  return file;
}

async function measureFloor(floor: Floor): Promise<{ paced: number; burst: number; pacedWakes: number; burstWakes: number }> {
  const slack = await new SlackStandIn().start();
  const port = 3800 + Math.floor(Math.random() * 90);
  // A move's click, in a day window (its own, or the one the bot drew).
  const inModal = floor === 'move' || floor === 'drawn';
  const client = floor === 'lean' || inModal ? { FLOOR_CLIENT: await compiledClient() } : {};
  // FLOOR=drawn: the move, with the day window and cart message the bot drew in the rows before (DRAWN_ENV).
  const drawn = floor === 'drawn' ? { FLOOR: 'move', FLOOR_DRAWN: process.env[DRAWN_ENV]! } : { FLOOR: floor };
  const app = spawn(process.execPath, [...(process.env.FLOOR_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.FLOOR_PROF] : []), fileURLToPath(new URL('./bolt-floor-app.mjs', import.meta.url))], {
    env: { PATH: process.env.PATH ?? '', SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.url, PORT: String(port), ...drawn, ...client },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const forgetApp = stopOnInterrupt(app);
  try {
    await new Promise((resolve) => app.stdout!.once('data', resolve));
    const post = poster(`http://127.0.0.1:${port}`);
    let message: Blocks = [];
    // FLOOR=move: the day-sized modal the app last sent (from its first edit, in the warm-up); each
    // click carries it whole, as Slack sends one, from a window of its own on the stand-in's screen.
    let view: Record<string, unknown> = { type: 'modal', blocks: [] };
    const waiting = new Map<string, () => void>();
    slack.onCall = (c: Call) => {
      if (c.method === 'views.update') view = c.args.view as Record<string, unknown>;
      if (c.method !== 'chat.update') return;
      message = c.args.blocks as Blocks;
      waiting.get(String(c.args.channel))?.();
    };
    let unique = 0;
    /** One click: answered, and with FLOOR=update the message edited. */
    const click = async (id: string) => {
      const channel = `D${id.slice(1)}`;
      const edited = floor !== 'ack' ? new Promise<void>((resolve) => waiting.set(channel, resolve)) : null;
      await post(
        payloadBody({
          type: 'block_actions',
          user: { id, username: id.toLowerCase(), team_id: 'T0DEMO' },
          api_app_id: 'A0TASKCART',
          token: 'legacy',
          team: { id: 'T0DEMO', domain: 'demo' },
          trigger_id: `trigger.${++unique}`,
          ...(inModal
            ? ((shown) => ({ container: { type: 'view', view_id: shown.id }, view: { ...view, ...shown, state: { values: {} } } }))(slack.showModal(view))
            : {
                container: { type: 'message', message_ts: '1', channel_id: channel, is_ephemeral: false },
                channel: { id: channel, name: 'directmessage' },
                message: { type: 'message', user: 'U0BOT', bot_id: 'B0BOT', ts: '1', text: 'Task cart', blocks: message },
                state: { values: {} },
                response_url: slack.responseUrl(id),
              }),
          actions: [
            inModal
              ? { type: 'static_select', action_id: 'day_task_menu', block_id: 'task_3', selected_option: { text: { type: 'plain_text', text: 'Move to day 4' }, value: 'm:3:2026-12-04' }, action_ts: `${Math.floor(Date.now() / 1000)}.${String(unique).padStart(6, '0')}` }
              : { type: 'button', action_id: 'b0', block_id: 'b', value: '15:7', action_ts: `${Math.floor(Date.now() / 1000)}.${String(unique).padStart(6, '0')}` },
          ],
        }),
      );
      await edited;
    };
    const agents = Array.from({ length: 50 }, (_, i) => `U0FLOOR${String(i).padStart(3, '0')}`);
    // The bot's warm-up: each agent clicks three times a round (cart-latency.ts WARM_UP_ROUNDS).
    for (let round = 0; round < 3 * WARM_UP_ROUNDS; round++) await Promise.all(agents.map(click));
    await new Promise((r) => setTimeout(r, 500));
    let before = cpuOf(app.pid!);
    let woken = wakesOf(app.pid!);
    const from = process.hrtime.bigint() / 1000n;
    await Promise.all(
      agents.map(async (id) => {
        for (let k = 0; k < 6; k++) {
          await new Promise((r) => setTimeout(r, 500 + Math.random() * 1000));
          await click(id);
        }
      }),
    );
    const paced = (cpuOf(app.pid!) - before) / (agents.length * 6);
    const pacedWakes = (wakesOf(app.pid!) - woken) / (agents.length * 6);
    if (process.env.FLOOR_PROF) console.error(`measured window µs ${from} ${process.hrtime.bigint() / 1000n}`);
    before = cpuOf(app.pid!);
    woken = wakesOf(app.pid!);
    for (let b = 0; b < 4; b++) {
      await Promise.all(agents.map(click));
      await new Promise((r) => setTimeout(r, 300));
    }
    const burst = (cpuOf(app.pid!) - before) / (agents.length * 4);
    const burstWakes = (wakesOf(app.pid!) - woken) / (agents.length * 4);
    return { paced, burst, pacedWakes, burstWakes };
  } finally {
    app.kill('SIGTERM');
    await new Promise((r) => app.on('exit', r));
    forgetApp();
    await slack.stop();
  }
}

/** Prints the floor: a Bolt app's CPU per click, paced and in bursts: acking only, and acking and editing the message with either client. */
export async function benchBoltFloor(): Promise<void> {
  console.log('\n### The floor: a Bolt app that does next to nothing, the same clicks');
  console.log('| Bolt app (its HTTP receiver and WebClient) | bot CPU ms per click, paced | bot CPU ms per click, bursts of 50 | woken per click, paced / bursts |');
  console.log('|---|---:|---:|---:|');
  const drawn = process.env[DRAWN_ENV] && existsSync(process.env[DRAWN_ENV]) ? statSync(process.env[DRAWN_ENV]).size : 0;
  const floors: Floor[] = ['ack', 'update', 'lean', 'move', ...(drawn ? (['drawn'] as const) : [])];
  for (const floor of (process.env.FLOOR_ONLY ? [process.env.FLOOR_ONLY] : floors) as Floor[]) {
    const { paced, burst, pacedWakes, burstWakes } = await measureFloor(floor);
    const what = { ack: 'acks the click', update: 'acks, then edits the message (chat.update, 15 blocks)', lean: "the same, the edit through Task Cart's Web API client (src/slack/web-client.ts)",
      move: "a click in a day-sized modal (36 tasks, 27 kB), then the modal and the message edited at once, through Task Cart's client: what a move sends and receives",
      drawn: `the same with the largest day window and its cart message as the bot drew them for the bench's carts above (${Math.round(drawn / 1000)} kB of JSON together)`,
    }[floor];
    console.log(`| ${what} | ${paced.toFixed(1)} | ${burst.toFixed(1)} | ${pacedWakes.toFixed(1)} / ${burstWakes.toFixed(1)} |`);
  }
}
