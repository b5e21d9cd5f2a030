// Reminders end to end (issue 12, point 2): the scheduler ticks with a clock; a zh-CN agent in
// Shanghai and an en-US agent in New York get today's tasks at 09:00 their time, in their language,
// with Done and Skip that work (signed requests) and edit that DM in place and App Home; nothing on a
// day off, a holiday or a weekend; the end-of-day nudge only with open tasks; one reminder each
// however many schedulers tick or runs repeat, and after a run killed once Slack had stored the DM;
// App Home's switches stop and restart them; `npm run cli -- remind --at` sends them by hand.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveries, scheduleRuns, tasks } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { runReminders } from '../../src/jobs/remind.ts';
import { QUEUES, startScheduler, type Scheduler } from '../../src/jobs/scheduler.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { createLogger } from '../../src/logger.ts';
import { changeCart, openCart } from '../../src/services/cart.ts';
import { markTask } from '../../src/services/tasks.ts';
import { ACTIONS } from '../../views/ids.ts';
import { eventually, useTestApp } from '../support/app.ts';
import { commandLine } from '../support/cli.ts';
import { program } from '../support/spawn.ts';
import { chineseIn, englishIn, textsOf } from '../support/language.ts';
import { actionTs, Agent, type Blocks } from '../support/slack-client.ts';
import { BOT_TOKEN, eventBody, payloadBody, post } from '../support/signed.ts';
import type { StoredMessage } from '../support/slack-api.ts';
import { tempDir } from '../support/temp.ts';

const ZH = 'U0ZHAGENT' as const;
const EN = 'U0ENAGENT' as const;
const TEAM = 'Global Care';
const MONDAY = '2026-11-30';
/** Monday to Saturday of the working week: three tasks a day each, Saturday's committed with a reason. */
const DAYS = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'];
/** Friday 27 Nov, 15:00 in Shanghai: both agents commit next week's cart. */
const FRIDAY = new Date('2026-11-27T07:00:00Z');
const TITLES = { [ZH]: (n: number) => `回访王先生第${n}次`, [EN]: (n: number) => `Call back Acme ${n}` };

async function load(db: Parameters<typeof importCsv>[0], kind: Parameters<typeof importCsv>[1], csv: string) {
  const r = await importCsv(db, kind, csv);
  if (r.errors.length) throw new Error(`${kind}: ${JSON.stringify(r.errors[0])}`);
}

const ctx = useTestApp(
  { beforeAll, afterAll, beforeEach },
  {
    now: FRIDAY,
    seed: async (t) => {
      // Saturday's tasks and the light days make the carts flagged: the team lets them be committed with a reason.
      await load(t.db, 'teams', `team,timezone,allow_flagged_commit\n${TEAM},Asia/Shanghai,yes\n`);
      await load(t.db, 'people', `slack_user_id,name,team,role,timezone\n${ZH},王芳,${TEAM},agent,Asia/Shanghai\n${EN},Emma Stone,${TEAM},agent,America/New_York\nU0SUP,Zhao Li,${TEAM},supervisor,\n`);
      const rows = ['external_id,agent,type,title,date,effort_minutes'];
      for (const agent of [ZH, EN]) {
        let n = 0;
        for (const day of DAYS) for (let i = 0; i < 3; i++) rows.push(`${agent}-${++n},${agent},follow_up,${TITLES[agent](n)},${day},${10 + i * 5}`);
      }
      await load(t.db, 'tasks', rows.join('\n'));
      await t.db.execute(`update teams set created_at = '2026-01-01T00:00:00Z'` as never);
      for (const agent of [ZH, EN]) {
        const { state } = await openCart(t.db, agent, { weekStart: MONDAY }, FRIDAY);
        const result = await changeCart(t.db, agent, state.cart.id, state.cart.version, { kind: 'commit', reason: 'Training on Thursday, and the Saturday shift' }, FRIDAY);
        if (result.state.cart.status !== 'committed') throw new Error(`the cart of ${agent} was not committed`);
      }
    },
  },
);

let schedulers: Scheduler[] = [];
let logs: string[] = [];

beforeEach(async () => {
  await ctx.t.exec('drop schema if exists pgboss cascade');
  ctx.app.slack.users.set(ZH, { locale: 'zh-CN', tz: 'Asia/Shanghai' });
  ctx.app.slack.users.set(EN, { locale: 'en-US', tz: 'America/New_York' });
  logs = [];
});
afterEach(async () => {
  for (const s of schedulers) await s.stop(1000);
  schedulers = [];
});

const slack = () => ctx.app.slack;
const dm = (agent: string) => `D${agent.slice(1)}`;
/** The reminders in an agent's DM as they stand (edited in place by clicks). */
const reminders = (agent: string) => slack().messagesIn(dm(agent)).filter((m) => m.metadata?.event_type === 'reminder_posted');
const textOf = (m: StoredMessage | { blocks?: unknown }) => textsOf(m.blocks).join('\n');

async function scheduler(): Promise<Scheduler> {
  const s = await startScheduler({
    database: ctx.t,
    databaseUrl: ctx.t.url,
    client: slackClient(BOT_TOKEN, slack().url),
    logger: createLogger({ level: 'info', write: (l) => logs.push(l) }),
    now: () => ctx.app.clock.now,
    schedule: false,
    retry: { retryLimit: 1, retryDelay: 1, retryBackoff: false },
  });
  schedulers.push(s);
  return s;
}

/** Sets the clock (the bot's and the scheduler's) and ticks: what the tick queued for reminders. */
async function tickAt(s: Scheduler, iso: string): Promise<string[]> {
  ctx.app.clock.now = new Date(iso);
  return (await s.tick()).filter((q) => q.kind.startsWith('reminder')).map((q) => `${q.kind} ${q.key} ${q.zone}`);
}

/** Waits for the job of a reminder slot to finish: its log line. */
async function slotDone(kind: 'reminder-start' | 'reminder-end', zone: string, day: string): Promise<Record<string, any>> {
  const line = await eventually(() => {
    const found = logs.map((l) => JSON.parse(l) as Record<string, any>).find((l) => typeof l.msg === 'string' && l.msg.startsWith(`${kind} of ${TEAM} (${zone}) for ${day}:`));
    if (!found) throw new Error(`no ${kind} run for ${zone} ${day} yet`);
    return found;
  }, 30_000);
  return line;
}

/** Waits until no slot job is queued, waiting to be retried or running: whatever was queued has run. */
async function slotsRun(s: Scheduler): Promise<void> {
  await eventually(async () => expect(await s.boss.getQueueSize(QUEUES.slot, { before: 'completed' })).toBe(0), 30_000);
}

/** The buttons of a message's actions blocks, with their block. */
function buttons(blocks: unknown): Array<{ action_id: string; value: string; block_id: string; text: string }> {
  return (blocks as Blocks).flatMap((b) => (b.type === 'actions' ? (b.elements as Array<Record<string, any>>).map((e) => ({ action_id: e.action_id, value: e.value, block_id: b.block_id, text: e.text.text })) : []));
}

/** A click on a button of a message in the agent's DM, signed as Slack sends it. */
async function clickIn(agent: string, message: StoredMessage, button: { action_id: string; value: string; block_id: string }) {
  const body = payloadBody({
    type: 'block_actions',
    user: { id: agent, username: agent.toLowerCase(), team_id: 'T0DEMO' },
    api_app_id: 'A0TASKCART',
    token: 'legacy',
    team: { id: 'T0DEMO', domain: 'demo' },
    trigger_id: `trigger.${Math.random()}`,
    container: { type: 'message', message_ts: message.ts, channel_id: dm(agent), is_ephemeral: false },
    channel: { id: dm(agent), name: 'directmessage' },
    message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
    response_url: slack().responseUrl(`click-${agent}`),
    actions: [{ type: 'button', action_id: button.action_id, block_id: button.block_id, value: button.value, action_ts: actionTs() }],
  });
  const res = await post(ctx.app.baseUrl, body);
  expect(res.status).toBe(200);
  await new Agent(ctx.app, agent).settle();
}

/** The agent's App Home as last published. */
const home = (agent: string) => slack().callsTo('views.publish').filter((c) => c.args.user_id === agent).at(-1)?.args.view as { blocks: Blocks } | undefined;

async function openHome(agent: string) {
  const before = slack().callsTo('views.publish').length;
  await post(ctx.app.baseUrl, eventBody({ type: 'app_home_opened', user: agent, channel: dm(agent), tab: 'home' }), { contentType: 'application/json' });
  await eventually(() => expect(slack().callsTo('views.publish').length).toBeGreaterThan(before), 15_000);
  await new Agent(ctx.app, agent).settle();
}

const statusOf = async (id: string) => (await ctx.t.db.select({ status: tasks.status }).from(tasks).where(eq(tasks.id, Number(id))))[0]!.status;

describe('reminders', () => {
  it('a zh-CN agent in Shanghai and an en-US agent in New York get today’s tasks at 09:00 their time, in their language; Done and Skip work and edit that DM and App Home', async () => {
    const s = await scheduler();
    // Tuesday 08:59 in Shanghai (Monday 19:59 in New York): nothing yet.
    expect(await tickAt(s, '2026-12-01T00:59:00Z')).toEqual([]);
    // 09:00 in Shanghai: the Shanghai agents' slot, once.
    expect(await tickAt(s, '2026-12-01T01:00:00Z')).toEqual(['reminder-start 2026-12-01 Asia/Shanghai']);
    expect(await tickAt(s, '2026-12-01T01:01:00Z')).toEqual([]);
    await eventually(() => expect(reminders(ZH)).toHaveLength(1), 30_000);
    const [zh] = reminders(ZH);
    const zhText = textOf(zh!);
    expect(zhText).toContain('今天 12月1日 周二');
    expect(zhText).toContain('3 项任务');
    for (const n of [4, 5, 6]) expect(zhText).toContain(TITLES[ZH](n));
    expect(zhText).not.toContain(TITLES[ZH](1)); // Monday's
    expect(englishIn(zhText)).toEqual([]);
    expect(buttons(zh!.blocks).map((b) => b.text)).toEqual(['完成', '跳过', '完成', '跳过', '完成', '跳过']);
    expect(reminders(EN)).toEqual([]);

    // Done on the first task, Skip on the second: the DM is edited in place, App Home too.
    const [done, , , skip] = buttons(zh!.blocks);
    await clickIn(ZH, zh!, done!);
    expect(await statusOf(done!.value)).toBe('done');
    await clickIn(ZH, reminders(ZH)[0]!, skip!);
    expect(await statusOf(skip!.value)).toBe('skipped');
    expect(reminders(ZH)).toHaveLength(1);
    const edited = reminders(ZH)[0]!;
    expect(edited.ts).toBe(zh!.ts);
    expect(slack().callsTo('chat.update').every((c) => c.args.channel === dm(ZH) && c.args.ts === zh!.ts)).toBe(true);
    expect(textOf(edited)).toContain(`✅ *跟进回访* — ${TITLES[ZH](4)}`);
    expect(textOf(edited)).toContain(`⏭️ *跟进回访* — ${TITLES[ZH](5)}`);
    expect(textOf(edited)).toContain('已完成 1/3');
    expect(buttons(edited.blocks).map((b) => b.text)).toEqual(['撤销', '撤销', '完成', '跳过']);
    expect(JSON.stringify(home(ZH)!.blocks)).toContain(`✅ *跟进回访* — ${TITLES[ZH](4)}`);

    // 09:00 in New York (14:00 UTC): the New York agents' slot; the English reminder.
    expect(await tickAt(s, '2026-12-01T14:00:00Z')).toEqual(['reminder-start 2026-12-01 America/New_York']);
    await eventually(() => expect(reminders(EN)).toHaveLength(1), 30_000);
    const enText = textOf(reminders(EN)[0]!);
    expect(enText).toContain('Today, Tue 1 Dec');
    expect(enText).toContain('3 tasks');
    for (const n of [4, 5, 6]) expect(enText).toContain(TITLES[EN](n));
    expect(chineseIn(enText)).toEqual([]);
    const [enDone] = buttons(reminders(EN)[0]!.blocks);
    await clickIn(EN, reminders(EN)[0]!, enDone!);
    expect(await statusOf(enDone!.value)).toBe('done');
    expect(textOf(reminders(EN)[0]!)).toContain(`✅ *Follow-up* — ${TITLES[EN](4)}`);
    expect(reminders(ZH)).toHaveLength(1);
    expect(slack().violations).toEqual([]);
  }, 90_000);

  it('sends nothing on a day off, on a team holiday or at the weekend, and reminds the others', async () => {
    // Entered after the lists were committed: the tasks are still on those days.
    await load(ctx.t.db, 'time-off', `slack_user_id,team,from,to,reason\n${ZH},,2026-12-02,2026-12-02,Sick\n,${TEAM},2026-12-03,2026-12-03,Company holiday\n`);
    const s = await scheduler();
    // Wednesday: the Shanghai agent is off; the New York agent is not.
    expect(await tickAt(s, '2026-12-02T01:00:00Z')).toEqual(['reminder-start 2026-12-02 Asia/Shanghai']);
    expect((await slotDone('reminder-start', 'Asia/Shanghai', '2026-12-02')).quiet).toBe(1);
    expect(await tickAt(s, '2026-12-02T14:00:00Z')).toEqual(['reminder-start 2026-12-02 America/New_York']);
    await eventually(() => expect(reminders(EN)).toHaveLength(1), 30_000);
    expect(textOf(reminders(EN)[0]!)).toContain('Wed 2 Dec');
    // Thursday: the team's holiday, in both zones.
    expect(await tickAt(s, '2026-12-03T01:00:00Z')).toEqual(['reminder-start 2026-12-03 Asia/Shanghai']);
    expect(await tickAt(s, '2026-12-03T14:00:00Z')).toEqual(['reminder-start 2026-12-03 America/New_York']);
    expect((await slotDone('reminder-start', 'America/New_York', '2026-12-03')).quiet).toBe(1);
    expect(await tickAt(s, '2026-12-03T09:00:00Z')).toEqual(['reminder-end 2026-12-03 Asia/Shanghai']);
    expect((await slotDone('reminder-end', 'Asia/Shanghai', '2026-12-03')).quiet).toBe(1);
    // Saturday is not a work day: no slot at all, though three tasks each were committed for it.
    for (const at of ['2026-12-05T01:00:00Z', '2026-12-05T09:00:00Z', '2026-12-05T14:00:00Z', '2026-12-05T22:00:00Z']) expect(await tickAt(s, at)).toEqual([]);
    await slotsRun(s); // any job queued, reported or not, has run
    expect(reminders(ZH)).toEqual([]);
    expect(reminders(EN)).toHaveLength(1);
  }, 90_000);

  it('nudges near the end of the day only an agent with tasks still open, saying how many and the minutes left', async () => {
    const s = await scheduler();
    // Tuesday in App Home: the Shanghai agent does one task of three (10:00 there); the New York agent all three (10:00 there).
    ctx.app.clock.now = new Date('2026-12-01T02:00:00Z');
    await openHome(ZH);
    const a = new Agent(ctx.app, ZH);
    await a.clickInHome(ACTIONS.taskDone, a.button(ACTIONS.taskDone, home(ZH)!.blocks).value);
    await a.settle();
    ctx.app.clock.now = new Date('2026-12-01T15:00:00Z');
    await openHome(EN);
    for (let i = 0; i < 3; i++) {
      const b = new Agent(ctx.app, EN);
      await b.clickInHome(ACTIONS.taskDone, b.button(ACTIONS.taskDone, home(EN)!.blocks).value);
      await b.settle();
    }

    // 17:00 in Shanghai: half an hour before the day ends at 17:30.
    expect(await tickAt(s, '2026-12-01T09:00:00Z')).toEqual(['reminder-end 2026-12-01 Asia/Shanghai']);
    await eventually(() => expect(reminders(ZH)).toHaveLength(1), 30_000);
    const nudge = reminders(ZH)[0]!;
    expect(textOf(nudge)).toContain('今天还有 2 项任务未完成');
    expect(textOf(nudge)).toContain('离下班还有 30 分');
    expect(buttons(nudge.blocks).map((b) => b.text)).toEqual(['完成', '跳过', '完成', '跳过']);
    // Both done from the nudge: it says so, edited in place.
    await clickIn(ZH, nudge, buttons(nudge.blocks)[0]!);
    await clickIn(ZH, reminders(ZH)[0]!, buttons(reminders(ZH)[0]!.blocks)[0]!);
    expect(textOf(reminders(ZH)[0]!)).toContain('今天的任务都已完成或跳过');
    expect(buttons(reminders(ZH)[0]!.blocks)).toEqual([]);

    // 17:00 in New York: everything is done, so no nudge.
    expect(await tickAt(s, '2026-12-01T22:00:00Z')).toEqual(['reminder-end 2026-12-01 America/New_York']);
    expect(await slotDone('reminder-end', 'America/New_York', '2026-12-01')).toMatchObject({ sent: 0, quiet: 1 });
    expect(reminders(EN)).toEqual([]);
  }, 90_000);

  it('two scheduler instances ticking at once, and runs again by hand, send one reminder each', async () => {
    const [a, b] = [await scheduler(), await scheduler()];
    ctx.app.clock.now = new Date('2026-12-01T01:05:00Z');
    const queued = (await Promise.all([a.tick(), b.tick()])).flat().filter((q) => q.kind.startsWith('reminder'));
    expect(queued.map((q) => `${q.kind} ${q.zone}`)).toEqual(['reminder-start Asia/Shanghai']);
    await eventually(() => expect(reminders(ZH)).toHaveLength(1), 30_000);
    const client = slackClient(BOT_TOKEN, slack().url);
    const again = await Promise.all([1, 2].map(() => runReminders(ctx.t.db, client, { at: ctx.app.clock.now, now: ctx.app.clock.now, perSecond: 1000 })));
    expect(again.flatMap((r) => r.reports).map((r) => [r.zone, r.sent, r.alreadySent])).toEqual([
      ['Asia/Shanghai', 0, 1],
      ['Asia/Shanghai', 0, 1],
    ]);
    await slotsRun(a); // a second job, were there one, has run
    expect(reminders(ZH)).toHaveLength(1);
    expect(slack().callsTo('chat.postMessage').filter((c) => c.args.channel === dm(ZH))).toHaveLength(1);
    expect(await ctx.t.db.select().from(scheduleRuns).where(eq(scheduleRuns.kind, 'reminder-start'))).toHaveLength(1);
  }, 90_000);

  it('a run stopped after Slack stored the reminder: the next run finds it in the DM and posts nothing again; its buttons edit it', async () => {
    const at = '2026-12-01T01:10:00Z';
    if (ctx.t.url) {
      // A real kill: the command line posts, Slack stores the message and never answers, and the process is killed.
      slack().on('chat.postMessage', () => ({ mishap: 'hung' }));
      const dir = tempDir('taskcart-');
      const env = { ...process.env, DATABASE_URL: ctx.t.url, DATA_DIR: join(dir, 'data'), SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack().url };
      const child = spawn(process.execPath, [...program('src/cli/index.ts'), 'remind', '--at', at], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      let exited = false;
      child.on('exit', () => (exited = true));
      while (slack().messagesIn(dm(ZH)).length < 1) {
        expect(exited, 'the run ended before it was killed').toBe(false);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGKILL');
      while (!exited) await new Promise((r) => setTimeout(r, 20));
    } else {
      // The embedded database serves one process: Slack stores the message and the connection drops before its answer.
      slack().on('chat.postMessage', () => ({ mishap: 'unanswered' }));
      const [first] = (await runReminders(ctx.t.db, slackClient(BOT_TOKEN, slack().url), { at: new Date(at), now: new Date(at), perSecond: 1000 })).reports;
      expect(first).toMatchObject({ sent: 0, unconfirmed: [ZH] });
    }
    expect(slack().messagesIn(dm(ZH))).toHaveLength(1);
    const [row] = await ctx.t.db.select().from(deliveries).where(eq(deliveries.key, `reminder:start:${ZH}:2026-12-01`));
    expect(row).toMatchObject({ status: 'sending', channelId: dm(ZH) });

    // The scheduler's slot runs minutes later: it looks in the DM, finds the message and records it.
    slack().on('chat.postMessage', () => undefined);
    const s = await scheduler();
    expect(await tickAt(s, '2026-12-01T01:15:00Z')).toEqual(['reminder-start 2026-12-01 Asia/Shanghai']);
    expect(await slotDone('reminder-start', 'Asia/Shanghai', '2026-12-01')).toMatchObject({ sent: 0, recovered: 1 });
    expect(slack().messagesIn(dm(ZH))).toHaveLength(1);
    const stored = slack().messagesIn(dm(ZH))[0]!;
    expect(await ctx.t.db.select().from(deliveries).where(and(eq(deliveries.key, `reminder:start:${ZH}:2026-12-01`), eq(deliveries.status, 'sent')))).toEqual([
      expect.objectContaining({ messageTs: stored.ts }),
    ]);
    const [look] = slack().callsTo('conversations.history');
    expect(look!.args).toMatchObject({ channel: dm(ZH), include_all_metadata: 'true' });

    // Done in App Home edits that recovered reminder too.
    await openHome(ZH);
    const a = new Agent(ctx.app, ZH);
    await a.clickInHome(ACTIONS.taskDone, a.button(ACTIONS.taskDone, home(ZH)!.blocks).value);
    await a.settle();
    expect(slack().callsTo('chat.update').at(-1)!.args).toMatchObject({ channel: dm(ZH), ts: stored.ts });
    expect(textOf(slack().messagesIn(dm(ZH))[0]!)).toContain(`✅ *跟进回访* — ${TITLES[ZH](4)}`);
  }, 90_000);

  it('App Home’s switches stop each reminder and start it again', async () => {
    const s = await scheduler();
    ctx.app.clock.now = new Date('2026-11-30T00:30:00Z');
    await openHome(ZH);
    const switches = () => new Agent(ctx.app, ZH).elements(home(ZH)!.blocks).filter((e) => e.action_id === ACTIONS.reminderSwitch);
    expect(switches().map((e) => [e.value, e.text.text])).toEqual([
      ['start:off', '关闭'],
      ['end:off', '关闭'],
    ]);
    expect(textsOf(home(ZH)!.blocks).join('\n')).toContain('09:00 上班提醒，发送今天的任务：*已开启*');
    expect(textsOf(home(ZH)!.blocks).join('\n')).toContain('17:00 下班前提醒');
    const flip = async (value: string) => {
      await new Agent(ctx.app, ZH).clickInHome(ACTIONS.reminderSwitch, value);
      await new Agent(ctx.app, ZH).settle();
    };
    await flip('start:off');
    await flip('end:off');
    expect(switches().map((e) => [e.value, e.text.text])).toEqual([
      ['start:on', '开启'],
      ['end:on', '开启'],
    ]);
    expect(textsOf(home(ZH)!.blocks).join('\n')).toContain('*已关闭*');

    // Monday: neither comes.
    expect(await tickAt(s, '2026-11-30T01:00:00Z')).toEqual(['reminder-start 2026-11-30 Asia/Shanghai']);
    expect((await slotDone('reminder-start', 'Asia/Shanghai', '2026-11-30')).quiet).toBe(1);
    expect(await tickAt(s, '2026-11-30T09:00:00Z')).toEqual(['reminder-end 2026-11-30 Asia/Shanghai']);
    expect((await slotDone('reminder-end', 'Asia/Shanghai', '2026-11-30')).quiet).toBe(1);
    expect(reminders(ZH)).toEqual([]);

    // Turned on again: Tuesday's come.
    await flip('start:on');
    await flip('end:on');
    expect(await tickAt(s, '2026-12-01T01:00:00Z')).toEqual(['reminder-start 2026-12-01 Asia/Shanghai']);
    await eventually(() => expect(reminders(ZH)).toHaveLength(1), 30_000);
    expect(await tickAt(s, '2026-12-01T09:00:00Z')).toEqual(['reminder-end 2026-12-01 Asia/Shanghai']);
    await eventually(() => expect(reminders(ZH)).toHaveLength(2), 30_000);
    // A whole team can be switched off: then App Home says so and offers no switch.
    await ctx.t.db.execute(`update teams set reminders = false` as never);
    await openHome(ZH);
    expect(switches()).toEqual([]);
    expect(textsOf(home(ZH)!.blocks).join('\n')).toContain('你的团队没有开启提醒');
    expect(await tickAt(s, '2026-12-02T01:00:00Z')).toEqual([]);
  }, 90_000);

  it('the command line sends them as if it were --at, once, and says what it did in each zone', async () => {
    const cli = (await commandLine(ctx.t, slack().url)).inProcess;
    const first = await cli('remind', '--team', TEAM, '--at', '2026-12-01T09:05+08:00');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout.split('\n')).toEqual([
      'Global Care (Asia/Shanghai), start-of-day reminders for 2026-12-01: 1 sent, 0 found posted by a stopped run, 0 already sent, 0 with nothing to remind, 0 not sent, of 1 agents',
      'Global Care (America/New_York): nothing due at Mon 2026-11-30 20:05 there',
      '',
    ]);
    expect(reminders(ZH)).toHaveLength(1);
    expect(textOf(reminders(ZH)[0]!)).toContain('今天 12月1日 周二');
    const again = await cli('remind', '--team', TEAM, '--at', '2026-12-01T01:05Z', '--kind', 'start');
    expect(again.stdout).toContain('Global Care (Asia/Shanghai), start-of-day reminders for 2026-12-01: 0 sent, 0 found posted by a stopped run, 1 already sent');
    // Two hours after the start: too late for the morning's list.
    const late = await cli('remind', '--at', '2026-12-01T11:00+08:00');
    expect(late.stdout).toContain('Global Care (Asia/Shanghai): nothing due at Tue 2026-12-01 11:00 there');
    const nudge = await cli('remind', '--at', '2026-12-01T17:10+08:00', '--kind', 'end');
    expect(nudge.stdout).toContain('Global Care (Asia/Shanghai), end-of-day nudges for 2026-12-01: 1 sent');
    expect(reminders(ZH)).toHaveLength(2);
    expect(textOf(reminders(ZH)[1]!)).toContain('离下班还有 20 分');
    // Called wrongly: the usage, exit code 2, nothing sent.
    const wrong = await cli('remind', '--at', '2026-12-01 09:00');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--at must be an ISO time with its offset');
    expect((await cli('remind', '--kind', 'lunch')).stderr).toContain('--kind is start or end (got "lunch")');
    expect((await cli('remind', '--team', 'Nobody', '--at', '2026-12-01T09:05+08:00')).stderr).toContain('unknown team "Nobody"');
    expect(reminders(ZH)).toHaveLength(2);
  }, 120_000);
});

describe('App Home after two quick clicks', () => {
  /** Tuesday 10:00 in Shanghai: three tasks today, Home open. */
  async function homeToday() {
    ctx.app.clock.now = new Date('2026-12-01T02:00:00Z');
    await openHome(ZH);
    const a = new Agent(ctx.app, ZH);
    const [first, second] = a.elements(home(ZH)!.blocks).filter((e) => e.action_id === ACTIONS.taskDone).map((e) => e.value as string);
    return { a, first: first!, second: second! };
  }
  const shown = () => slack().homeOf(ZH)!.view.blocks as Blocks;
  const undoable = (blocks: Blocks) => new Agent(ctx.app, ZH).elements(blocks).filter((e) => e.action_id === ACTIONS.taskUndo).map((e) => e.value as string);
  const publishes = () => slack().callsTo('views.publish').filter((c) => c.args.user_id === ZH);
  /**
   * Two Done clicks, the second while Slack holds the first one's Home a moment (a slow network);
   * `click` sends each, from a message or from Home. Answers the publishes they made.
   */
  async function twoDones(click: (taskId: string) => Promise<void>, first: string, second: string) {
    let held = false;
    slack().on('views.publish', (args) => {
      if (args.user_id !== ZH || held) return undefined;
      held = true;
      return { delayMs: 400 };
    });
    const before = publishes().length;
    await click(first);
    await eventually(() => expect(publishes().length).toBe(before + 1));
    await click(second);
    await new Agent(ctx.app, ZH).settle();
    return publishes().slice(before);
  }

  it('shows both tasks done when the first Done’s Home reaches Slack after the second’s would have', async () => {
    const { a, first, second } = await homeToday();
    // Both from a message (a reminder, /tasks): no Home hash comes with them, so only this process's
    // order keeps the older list from landing last.
    await twoDones((id) => a.click(ACTIONS.taskDone, id), first, second);
    expect(undoable(shown()).sort()).toEqual([first, second].sort());
    expect(textsOf(shown()).join('\n')).toContain('已完成 2/3');
    expect(await statusOf(first)).toBe('done');
    expect(await statusOf(second)).toBe('done');
  }, 60_000);

  it('two Done clicks in Home while the first Home is on its way: one publish each, the second read after the first landed', async () => {
    const { a, first, second } = await homeToday();
    // The Home on screen has not changed yet: the second click carries the same hash as the first.
    const made = await twoDones((id) => a.clickInHome(ACTIONS.taskDone, id), first, second);
    expect(undoable(shown()).sort()).toEqual([first, second].sort());
    // Not refused by Slack: the second publish did not send the hash its own process had made old.
    expect(made.map((c) => (c.result as { error?: string }).error ?? 'ok')).toEqual(['ok', 'ok']);
  }, 60_000);

  it('a Done saved whose Home Slack refuses to publish: Home says it is saved, in Chinese, never that nothing was', async () => {
    const { a, first } = await homeToday();
    let refused = false;
    slack().on('views.publish', (args) => {
      if (args.user_id !== ZH || refused) return undefined;
      refused = true;
      return { body: { ok: false, error: 'invalid_arguments' } };
    });
    await a.clickInHome(ACTIONS.taskDone, first);
    await a.settle();
    expect(await statusOf(first)).toBe('done');
    expect(textsOf(shown()).join('\n')).toContain('你的更改已经保存，但我这边出了问题，没能显示出来。任务清单（`/tasks`）里可以看到。');
    expect(textsOf(shown()).join('\n')).not.toContain('什么都没有保存');
  }, 60_000);

  it('a reminder switched off whose Home Slack refuses to publish: Home says it is saved, and the next Home shows it off', async () => {
    ctx.app.clock.now = new Date('2026-11-30T00:30:00Z');
    await openHome(ZH);
    let refused = false;
    slack().on('views.publish', (args) => {
      if (args.user_id !== ZH || refused) return undefined;
      refused = true;
      return { body: { ok: false, error: 'invalid_arguments' } };
    });
    await new Agent(ctx.app, ZH).clickInHome(ACTIONS.reminderSwitch, 'start:off');
    await new Agent(ctx.app, ZH).settle();
    expect(textsOf(shown()).join('\n')).toContain('你的更改已经保存，但我这边出了问题，没能显示出来。下次打开这个主页时就能看到。');
    await openHome(ZH);
    expect(textsOf(home(ZH)!.blocks).join('\n')).toMatch(/09:00 上班提醒，发送今天的任务：\*已关闭\*/);
  }, 60_000);

  it('reads the list again when another process published this Home since the click', async () => {
    const { a, first, second } = await homeToday();
    // Between this process's read and its publish, another worker marks the second task done and publishes.
    let other = false;
    slack().on('views.publish', async (args) => {
      if (args.user_id !== ZH || other) return undefined;
      other = true;
      expect(await markTask(ctx.t.db, ZH, Number(second), 'done')).toBe(true);
      await fetch(`${slack().url}views.publish`, { method: 'POST', headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ user_id: ZH, view: { type: 'home', blocks: [] } }) });
      return undefined;
    });
    const before = publishes().length;
    await a.clickInHome(ACTIONS.taskDone, first);
    await a.settle();
    // The click's publish is refused (hash_conflict), and the Home published after it is read anew.
    const mine = publishes().slice(before).filter((c) => (c.args.view as { blocks: Blocks }).blocks.length > 0);
    expect(mine.map((c) => (c.result as { ok: boolean; error?: string }).error ?? 'ok')).toEqual(['hash_conflict', 'ok']);
    expect(mine[1]!.args.hash).toBeUndefined();
    expect(undoable(shown()).sort()).toEqual([first, second].sort());
    // Nothing went wrong for the agent: no error in their DM.
    expect(slack().callsTo('chat.postEphemeral').filter((c) => c.args.user === ZH)).toEqual([]);
  }, 60_000);
});
