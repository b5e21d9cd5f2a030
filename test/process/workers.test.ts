// Several bot processes on one PostgreSQL: WORKERS=2 under one primary (node:cluster), and two bots
// started apart on two ports (as on two hosts behind a load balancer). Clicks on one cart handled
// by two processes at once lose nothing; a proposal with two processes up sends each agent one
// cart; a worker that dies is started again; SIGTERM to the primary stops them all.
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { connectionRoom } from '../../db/queries/server.ts';
import { importCsv } from '../../src/import/run.ts';
import { openCart } from '../../src/services/cart.ts';
import { ACTIONS, INPUTS, VALUE, VIEWS } from '../../views/ids.ts';
import { testDatabase, type TestDatabase } from '../support/db.ts';
import { BOT_TOKEN, SIGNING_SECRET, commandBody, payloadBody, post, signedHeaders } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';
import { freePort, runEntry, until, type Running } from '../support/spawn.ts';
import { tempDir } from '../support/temp.ts';

const pg = process.env.DATABASE_URL;
const AGENTS = ['U0TWO1', 'U0TWO2', 'U0TWO3', 'U0TWO4'];

describe.skipIf(!pg)('several bot processes on one PostgreSQL (DATABASE_URL runs only: the embedded database serves one process)', () => {
  let t: TestDatabase;
  let slack: SlackStandIn;
  const bots: Running[] = [];
  /** A bot on this file's database and stand-in, on a port of its own; not waited for. */
  const launch = async (env: Record<string, string | undefined> = {}) => {
    const port = await freePort();
    const bot = runEntry('src/main.ts', [], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      DATABASE_URL: t.url!,
      PORT: String(port),
      WORKERS: '1',
      ...env,
    });
    bots.push(bot);
    return { bot, url: `http://127.0.0.1:${port}` };
  };
  /** A bot, once every process of it has started its scheduler. */
  const start = async (env: Record<string, string> = {}) => {
    const { bot, url } = await launch(env);
    const workers = Number(env.WORKERS ?? 1);
    await until(() => bot.out.filter((l) => l.includes('scheduler started')).length >= workers, 60_000, 'the bot to start');
    return { bot, url };
  };
  const errors = (bot: Running) => bot.logs().filter((l) => l.level === 'error');
  const ok = async (res: Promise<{ status: number }>) => expect((await res).status).toBe(200);
  /** An agent's Add task submitted for a cart, with the view's id `VTWO<i>`. */
  const addTask = (agent: string, cartId: number, title: string, day: string, i: number) =>
    payloadBody({
      type: 'view_submission',
      user: { id: agent, team_id: 'T0DEMO' },
      team: { id: 'T0DEMO' },
      view: {
        id: `VTWO${i}`,
        hash: `h${i}`,
        type: 'modal',
        callback_id: VIEWS.addTask,
        private_metadata: `${cartId}:en`,
        state: {
          values: {
            [INPUTS.title]: { [VALUE]: { type: 'plain_text_input', value: title } },
            [INPUTS.type]: { [VALUE]: { type: 'static_select', selected_option: { value: 'custom' } } },
            [INPUTS.day]: { [VALUE]: { type: 'static_select', selected_option: { value: day } } },
            [INPUTS.effort]: { [VALUE]: { type: 'plain_text_input', value: '10' } },
            [INPUTS.priority]: { [VALUE]: { type: 'static_select', selected_option: { value: 'normal' } } },
          },
        },
      },
    });
  /** A request on a connection of its own: the primary hands each new connection to the next free worker. */
  const postApart = (url: string, body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${url}/slack/events`, { method: 'POST', agent: false, headers: signedHeaders(body) }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    t = await testDatabase();
    slack = await new SlackStandIn().start();
    // A team whose weekly proposal was due two minutes ago (made at start), created a week before it.
    const zone = 'Asia/Shanghai';
    const due = DateTime.now().setZone(zone).minus({ minutes: 2 });
    await importCsv(t.db, 'teams', `team,timezone,proposal_day,proposal_time\nTwo,${zone},${due.toFormat('ccc')},${due.toFormat('HH:mm')}\n`);
    await importCsv(t.db, 'people', ['slack_user_id,name,team,role', ...AGENTS.map((id) => `${id},Agent ${id},Two,agent`)].join('\n'));
    await t.exec(`update teams set created_at = now() - interval '8 days'`);
  });
  afterAll(async () => {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await slack.stop();
    await t.close();
  });

  it('WORKERS=2: one primary, two workers on one port; the proposal sends each agent one cart; a worker killed is started again; SIGTERM stops all within 10 s', async () => {
    const tmp = tempDir('tmp');
    const { bot, url } = await start({ WORKERS: '2', LOG_LEVEL: 'debug', TMPDIR: tmp });
    await until(() => bot.out.some((l) => l.includes('2 workers serving')), 20_000, 'both workers');
    const pids = new Set(bot.logs().filter((l) => String(l.msg).startsWith('listening on')).map((l) => l.pid));
    expect(pids.size).toBe(2);
    expect(pids.has(bot.child.pid)).toBe(false);
    // Each worker's log of its cart changes, in the primary's folder (src/peer-log.ts), this user's only.
    const folders = readdirSync(tmp).filter((f) => f.startsWith('taskcart-peers-'));
    expect(folders).toHaveLength(1);
    const peerFolder = join(tmp, folders[0]!);
    expect(statSync(peerFolder).mode & 0o777).toBe(0o700);
    expect(readdirSync(peerFolder).sort()).toEqual([...pids].map((pid) => `${pid}.0.log`).sort());
    // The migrations were applied once, by the primary.
    expect(bot.logs().filter((l) => String(l.msg).startsWith('database: PostgreSQL')).map((l) => l.pid)).toEqual([bot.child.pid]);
    for (let i = 0; i < 6; i++) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Slack was asked who the token is once, by the primary: the workers were told.
    expect(slack.callsTo('auth.test')).toHaveLength(1);

    // Both workers ticked at start; the proposal slot ran once: one cart for each agent.
    const carts = () => slack.callsTo('chat.postMessage').filter((c) => String(c.args.channel).startsWith('D0TWO')).map((c) => String(c.args.channel));
    await until(() => carts().length >= AGENTS.length, 40_000, 'the carts of the proposal');
    await new Promise((r) => setTimeout(r, 3000)); // room for a second run, were there one
    expect(carts().sort()).toEqual(AGENTS.map((id) => `D${id.slice(1)}`));
    const runs = await t.query<{ n: number }>(`select count(*)::int as n from schedule_runs where kind = 'proposal'`);
    expect(runs[0]!.n).toBe(1);

    // One agent's Add task, four times in a row, each on a connection of its own, so each worker in
    // turn, each once the cart message showed the one before (as the agent clicks): every one lands,
    // and the worker that did not save a change follows it in the cart it keeps.
    const [cart] = await t.query<{ id: number; week_start: string }>(`select id, to_char(week_start, 'YYYY-MM-DD') as week_start from carts where agent_id = $1`, [AGENTS[1]]);
    const followed = () => bot.logs().filter((l) => String(l.msg).startsWith(`cart ${cart!.id} version`) && String(l.msg).endsWith('saved by another worker: followed'));
    const edits = () => slack.callsTo('chat.update').filter((c) => c.args.channel === `D${AGENTS[1]!.slice(1)}`).length;
    for (let i = 0; i < 4; i++) {
      const before = edits();
      expect(await postApart(url, addTask(AGENTS[1]!, cart!.id, `Turn ${i}`, cart!.week_start, 100 + i))).toBe(200);
      await until(() => edits() > before, 20_000, `the cart message after addition ${i}`);
    }
    await until(async () => (await t.query(`select 1 from cart_items where cart_id = $1 and title like 'Turn %'`, [cart!.id])).length === 4, 20_000, 'the four additions');
    await until(() => followed().length >= 2, 10_000, 'a worker following the other’s change');
    // Both workers took some of them.
    expect(new Set(bot.logs().filter((l) => l.kind === 'view_submission' && l.user === AGENTS[1]).map((l) => l.pid)).size).toBe(2);
    // Four more at once, through both workers: conflicting clicks, none lost, none applied twice.
    expect(await Promise.all([0, 1, 2, 3].map((i) => postApart(url, addTask(AGENTS[1]!, cart!.id, `Together ${i}`, cart!.week_start, 110 + i))))).toEqual([200, 200, 200, 200]);
    await until(async () => (await t.query(`select 1 from cart_items where cart_id = $1 and title like 'Together %'`, [cart!.id])).length === 4, 20_000, 'the four at once');
    const events = await t.query<{ version: number }>(`select version from cart_events where cart_id = $1 and action = 'add' order by id`, [cart!.id]);
    expect(events).toHaveLength(8);
    expect(new Set(events.map((e) => e.version)).size).toBe(8);

    const victim = [...pids][0] as number;
    process.kill(victim, 'SIGKILL');
    await until(() => bot.out.some((l) => l.includes(`worker ${victim} was killed (SIGKILL): starting another in 1 s`)), 10_000, 'the restart');
    await until(() => bot.out.some((l) => l.includes(`started in place of ${victim}`)), 40_000, 'the new worker');
    for (let i = 0; i < 4; i++) expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const asked = Date.now();
    bot.child.kill('SIGTERM');
    const { code } = await bot.exited;
    expect(code).toBe(0);
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(bot.logs().at(-1)?.msg).toBe('stopped');
    expect(existsSync(peerFolder)).toBe(false);
    expect(errors(bot).map((l) => l.msg)).toEqual([expect.stringContaining(`worker ${victim} was killed`)]);
    // Nothing left running: every worker is gone.
    for (const pid of bot.logs().filter((l) => String(l.msg).startsWith('listening on')).map((l) => l.pid as number)) expect(() => process.kill(pid, 0)).toThrow();
  }, 180_000);

  it('WORKERS=2 where no folder can be made for the workers’ logs (a read-only file system): it says so, and every change of two workers on one cart still lands', async () => {
    const notAFolder = join(tempDir('tmp'), 'a-file');
    writeFileSync(notAFolder, '');
    const { bot, url } = await start({ WORKERS: '2', LOG_LEVEL: 'debug', TMPDIR: notAFolder });
    await until(() => bot.out.some((l) => l.includes('2 workers serving')), 20_000, 'both workers');
    expect(bot.logs().filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      `the workers will not follow each other's cart changes: no folder can be made in ${notAFolder} (ENOTDIR); each reads again a cart another changed`,
    ]);
    const { state } = await openCart(t.db, AGENTS[2]!, 'next', new Date());
    // Additions one after another, each on a connection of its own, until both workers have taken some:
    // node:cluster hands a connection to whichever worker is free first, so four in a row can all reach
    // one (CI, 2026-11-28); at most twelve.
    const handled = () => bot.logs().filter((l) => l.kind === 'view_submission' && l.user === AGENTS[2]);
    let posted = 0;
    while (posted < 4 || (new Set(handled().map((l) => l.pid)).size < 2 && posted < 12)) {
      expect(await postApart(url, addTask(AGENTS[2]!, state.cart.id, `Apart ${posted}`, state.week.days[0]!.day, 200 + posted))).toBe(200);
      posted += 1;
      await until(() => handled().length === posted, 20_000, `addition ${posted} handled`);
    }
    await until(async () => (await t.query(`select 1 from cart_items where cart_id = $1 and title like 'Apart %'`, [state.cart.id])).length === posted, 20_000, 'every addition');
    expect(new Set(handled().map((l) => l.pid)).size).toBe(2);
    expect(bot.logs().filter((l) => String(l.msg).includes('saved by another worker'))).toEqual([]);
    expect(errors(bot)).toEqual([]);
    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
  }, 120_000);

  it('WORKERS=2 when the folder of the workers’ logs is deleted under them (a cleaner of the temporary folder): the primary makes another, says so once, and the workers follow each other there', async () => {
    const tmp = tempDir('tmp');
    const { bot, url } = await start({ WORKERS: '2', LOG_LEVEL: 'debug', TMPDIR: tmp });
    await until(() => bot.out.some((l) => l.includes('2 workers serving')), 20_000, 'both workers');
    const pids = [...new Set(bot.logs().filter((l) => String(l.msg).startsWith('listening on')).map((l) => l.pid as number))];
    const peerFolders = () => readdirSync(tmp).filter((f) => f.startsWith('taskcart-peers-')).map((f) => join(tmp, f));
    const [first] = peerFolders();
    rmSync(first!, { recursive: true, force: true });
    const moved = () => bot.logs().filter((l) => l.level === 'warn' && String(l.msg).startsWith(`the workers' logs of their cart changes were deleted (${first}`));
    // Noticed at a worker's next look at the folder: every CATCH_UP_MS (5 s) when it has no click.
    await until(() => moved().length === 1 && peerFolders().length === 1, 20_000, 'a new folder');
    const [second] = peerFolders();
    expect(moved()[0]!.msg).toContain(`they log in ${second} now`);
    expect(statSync(second!).mode & 0o777).toBe(0o700);
    await until(() => readdirSync(second!).length === 2, 5_000, 'both workers’ logs in it');
    expect(readdirSync(second!).sort()).toEqual(pids.map((pid) => `${pid}.0.log`).sort());

    // Additions one after another through both workers: the one that did not save a change follows it.
    const { state } = await openCart(t.db, AGENTS[3]!, 'next', new Date());
    const followed = () => bot.logs().filter((l) => String(l.msg).startsWith(`cart ${state.cart.id} version`) && String(l.msg).endsWith('saved by another worker: followed'));
    const edits = () => slack.callsTo('chat.update').filter((c) => c.args.channel === `D${AGENTS[3]!.slice(1)}`).length + slack.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${AGENTS[3]!.slice(1)}`).length;
    for (let i = 0; i < 4; i++) {
      const before = edits();
      expect(await postApart(url, addTask(AGENTS[3]!, state.cart.id, `Moved ${i}`, state.week.days[0]!.day, 300 + i))).toBe(200);
      await until(() => edits() > before, 20_000, `the cart message after addition ${i}`);
    }
    await until(async () => (await t.query(`select 1 from cart_items where cart_id = $1 and title like 'Moved %'`, [state.cart.id])).length === 4, 20_000, 'the four additions');
    await until(() => followed().length >= 1, 10_000, 'a worker following the other’s change in the new folder');
    expect(moved()).toHaveLength(1);
    expect(errors(bot)).toEqual([]);
    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
    expect(existsSync(second!)).toBe(false);
  }, 120_000);

  it('knows how many more connections PostgreSQL takes: the server’s, and the database’s and the role’s limits where they bind', async () => {
    const server = await connectionRoom(t.db);
    const [shown] = await t.query<{ max_connections: string }>('show max_connections');
    expect(server.max).toBe(Number(shown!.max_connections));
    expect(server.free).toBeGreaterThan(0);
    expect(server.free).toBeLessThanOrEqual(server.max);
    // A role of its own, limited to 5, on this file's database limited to 40 (neither binds a superuser).
    const role = `taskcart_room_${process.pid}`;
    const url = new URL(t.url!);
    const database = decodeURIComponent(url.pathname.slice(1));
    await t.exec(`create role ${role} login connection limit 5; alter database "${database}" connection limit 40`);
    url.username = role;
    const limited = await openDatabase({ databaseUrl: url.toString(), max: 1, migrate: false });
    try {
      expect(await connectionRoom(limited.db)).toEqual({ max: server.max, free: 5 });
      await t.exec(`alter role ${role} connection limit -1`);
      // The database's 40, less this file's few connections to it; ten fewer when it allows ten fewer.
      const at40 = (await connectionRoom(limited.db)).free;
      expect(at40).toBeLessThanOrEqual(40);
      expect(at40).toBeGreaterThan(30);
      await t.exec(`alter database "${database}" connection limit 30`);
      expect((await connectionRoom(limited.db)).free).toBe(at40 - 10);
      // A superuser is bound by neither.
      expect((await connectionRoom(t.db)).free).toBeGreaterThan(40);
    } finally {
      await limited.close();
      await t.exec(`alter database "${database}" connection limit -1; drop role ${role}`);
    }
  });

  it.skipIf(availableParallelism() < 2)('WORKERS unset (one a core) where PostgreSQL takes fewer connections: starts as many workers as fit, and says so', async () => {
    // A role with all of postgres's rights but superuser, limited to 10 connections: room for one worker of 7.
    const role = `taskcart_small_${process.pid}`;
    await t.exec(`create role ${role} login connection limit 10; grant postgres to ${role}`);
    try {
      const url = new URL(t.url!);
      url.username = role;
      const { bot, url: base } = await launch({ DATABASE_URL: url.toString(), WORKERS: undefined });
      await until(() => bot.out.some((l) => l.includes('1 worker serving')), 60_000, 'one worker');
      const warned = bot.logs().filter((l) => l.level === 'warn').map((l) => String(l.msg));
      expect(warned).toEqual([`WORKERS is unset, so one a core: ${availableParallelism()} workers may hold ${availableParallelism() * 7} PostgreSQL connections (7 each) and the server takes 10 more now (max_connections ${(await connectionRoom(t.db)).max}); starting 1. Raise max_connections, or set WORKERS.`]);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      bot.child.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
      expect(errors(bot)).toEqual([]);
    } finally {
      await t.exec(`drop owned by ${role}; drop role ${role}`);
    }
  }, 90_000);

  it('WORKERS=2 stopped while its workers are still starting: they stop, and the primary says so cleanly (exit 0)', async () => {
    const { bot } = await launch({ WORKERS: '2' });
    // The primary has checked everything and forks its workers now: they are loading the program.
    await until(() => bot.out.some((l) => l.includes('database: PostgreSQL')), 60_000, 'the primary’s checks');
    bot.child.kill('SIGTERM');
    const { code } = await bot.exited;
    expect(bot.logs().at(-1)?.msg).toBe('stopped');
    expect(errors(bot)).toEqual([]);
    expect(code).toBe(0);
  }, 60_000);

  it('two bots apart on one database (two hosts): additions at once through both all land; two clicks on the same version: one lands, the other is told it was an older copy', async () => {
    const [a, b] = [await start(), await start()];
    const agent = AGENTS[0]!;
    const channel = `D${agent.slice(1)}`;
    // The agent's cart (made by the proposal above, or now).
    await ok(post(a.url, commandBody('/cart', agent, '', slack.responseUrl('cart'))));
    // The cart is made after the command's ack: wait for it.
    const cartOf = async () => (await t.query<{ id: number }>(`select id from carts where agent_id = $1`, [agent]))[0]?.id;
    await until(async () => (await cartOf()) !== undefined, 20_000, 'the cart');
    const cartId = (await cartOf())!;
    const titles = Array.from({ length: 8 }, (_, i) => `Across ${i}`);
    const weekDays = async (id: number) => {
      const week_start = (await t.query<{ week_start: string }>(`select to_char(week_start, 'YYYY-MM-DD') as week_start from carts where id = $1`, [id]))[0]!.week_start;
      return [0, 1, 2, 3, 4].map((d) => DateTime.fromISO(week_start).plus({ days: d }).toISODate()!);
    };
    const days = await weekDays(cartId);
    await Promise.all(titles.map((title, i) => ok(post(i % 2 ? b.url : a.url, addTask(agent, cartId, title, days[i % 5]!, i)))));
    await until(async () => (await t.query(`select 1 from cart_items where cart_id = $1 and title like 'Across %'`, [cartId])).length === titles.length, 20_000, 'every addition');
    const version = (await t.query<{ version: number }>(`select version from carts where id = $1`, [cartId]))[0]!.version;
    expect(version).toBeGreaterThanOrEqual(titles.length);

    // Two moves at the same version, one through each bot: one lands, the other is refused as an older copy.
    const items = await t.query<{ id: number; day: string }>(`select id, to_char(planned_day, 'YYYY-MM-DD') as day from cart_items where cart_id = $1 and title like 'Across %' order by id limit 2`, [cartId]);
    const updates = () => slack.callsTo('views.update').length;
    const before = updates();
    const move = (url: string, item: { id: number; day: string }, n: number) => {
      const to = days.find((d) => d !== item.day)!;
      // A day window of its own for each (two devices), as the bot opened it.
      const window = slack.showModal({ type: 'modal', callback_id: VIEWS.day, blocks: [] });
      return ok(
        post(
          url,
          payloadBody({
            type: 'block_actions',
            user: { id: agent, team_id: 'T0DEMO' },
            team: { id: 'T0DEMO' },
            container: { type: 'view', view_id: window.id },
            view: { ...window, type: 'modal', callback_id: VIEWS.day, private_metadata: `${cartId}:${version}:${item.day}:0`, state: { values: {} } },
            actions: [{ type: 'static_select', action_id: ACTIONS.dayTaskMenu, block_id: 'b', selected_option: { value: `m:${item.id}:${to}` }, action_ts: `${Math.floor(Date.now() / 1000)}.00000${n}` }],
          }),
        ),
      );
    };
    await Promise.all([move(a.url, items[0]!, 1), move(b.url, items[1]!, 2)]);
    await until(() => updates() >= before + 2, 20_000, 'both day windows answered');
    const [after] = await t.query<{ version: number }>(`select version from carts where id = $1`, [cartId]);
    expect(after!.version).toBe(version + 1);
    // Exactly one of the two items is on another day now (each compared with its own day before).
    const now = await t.query<{ id: number; day: string }>(`select id, to_char(planned_day, 'YYYY-MM-DD') as day from cart_items where id = any($1::int[])`, [items.map((i) => i.id)]);
    expect(items.filter((i) => now.find((n) => n.id === i.id)!.day !== i.day)).toHaveLength(1);
    const told = slack.callsTo('views.update').slice(before).map((c) => JSON.stringify(c.args.view));
    expect(told.filter((v) => v.includes('older copy'))).toHaveLength(1);
    // The cart message shows every change that landed. Its edit and the day window's go out at once, so
    // the window's answer may come first: wait for the edit, then stop both bots (each finishes what it
    // has under way) and look again, so that no older copy's edit landed after it.
    const lastShown = () => JSON.stringify(slack.callsTo('chat.update').filter((c) => c.args.channel === channel).at(-1)?.args.blocks);
    await until(() => lastShown().includes(`${cartId}:${version + 1}`), 20_000, 'the cart message showing the move');
    for (const { bot } of [a, b]) expect(errors(bot)).toEqual([]);
    for (const { bot } of [a, b]) bot.child.kill('SIGTERM');
    for (const { bot } of [a, b]) expect((await bot.exited).code).toBe(0);
    expect(lastShown()).toContain(`${cartId}:${version + 1}`);
  }, 180_000);
});
