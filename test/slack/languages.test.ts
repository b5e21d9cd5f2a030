// Each person in their own language, end to end through signed requests and the Web API stand-in:
// a zh-CN agent and an en-US agent each go through the whole loop (/cart, Add task, Pick
// customers, Auto-balance, Commit, /tasks, App Home) and see only their language; a zh-CN
// supervisor reads /team-carts and the digest in Chinese; a team whose language is zh-CN gets its
// channel digest in Chinese. The language comes from users.info (asked once a day, kept on the
// person), else the team's, else English — and is never waited for before an ack.
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { people, tasks, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { ACTIONS, INPUTS, VALUE } from '../../views/ids.ts';
import { eventually, useTestApp } from '../support/app.ts';
import { chineseIn, englishIn, textsOf } from '../support/language.ts';
import { BOT_TOKEN, eventBody, post } from '../support/signed.ts';
import { Agent, type View } from '../support/slack-client.ts';

/** Friday 27 Nov 2026, 15:00 in Shanghai: the planning week starts Monday 30 Nov. */
const NOW = new Date('2026-11-27T07:00:00Z');
const ZH_AGENT = 'U0ZHAGENT';
const EN_AGENT = 'U0ENAGENT';
const ZH_SUP = 'U0ZHSUP';
const EN_SUP = 'U0ENSUP';
const TEAM = '华东客服中心';
const DAYS = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];

/** Each agent's data is in their own language, so anything of the other language they see is the bot's. */
const DATA = {
  [ZH_AGENT]: { prefix: 'Z', name: '王芳', customer: (n: number) => `王先生${n}号`, title: (n: number) => `回访客户第${n}次`, newTitle: '回电说明发票问题', reason: '本月两次购买' },
  [EN_AGENT]: { prefix: 'E', name: 'Emma Stone', customer: (n: number) => `Acme Client ${n}`, title: (n: number) => `Call back customer ${n}`, newTitle: 'Call back about the invoice', reason: 'Bought twice this month' },
};

async function load(db: Parameters<typeof importCsv>[0], kind: Parameters<typeof importCsv>[1], csv: string) {
  const r = await importCsv(db, kind, csv);
  if (r.errors.length) throw new Error(`${kind}: ${JSON.stringify(r.errors[0])}`);
}

const ctx = useTestApp(
  { beforeAll, afterAll, beforeEach },
  {
    now: NOW,
    seed: async (t) => {
      const db = t.db;
      await load(db, 'teams', `team,timezone\n${TEAM},Asia/Shanghai\n`);
      await load(db, 'people', `slack_user_id,name,team,role\n${ZH_AGENT},王芳,${TEAM},agent\n${EN_AGENT},Emma Stone,${TEAM},agent\n${ZH_SUP},赵丽,${TEAM},supervisor\n${EN_SUP},Grace Hopper,${TEAM},supervisor\n`);
      const customers = ['customer_id,name,owner'];
      const recs = ['customer_id,type,score,reason'];
      const rows = ['external_id,agent,type,title,date,customer_id,effort_minutes'];
      for (const [agent, d] of Object.entries(DATA)) {
        for (let i = 1; i <= 60; i++) customers.push(`${d.prefix}${i},${d.customer(i)},${agent}`);
        recs.push(`${d.prefix}60,cross_sell,0.95,${d.reason}`);
        // Monday 420 m (overloaded by 30), Thursday 120 m (idle), the other days 300 m.
        let n = 0;
        [420, 300, 300, 120, 300].forEach((minutes, day) => {
          for (let left = minutes; left > 0; left -= 30) {
            n += 1;
            rows.push(`${d.prefix}t${n},${agent},follow_up,${d.title(n)},${DAYS[day]},${d.prefix}${n},30`);
          }
        });
      }
      await load(db, 'customers', customers.join('\n'));
      await load(db, 'recommendations', recs.join('\n'));
      await load(db, 'tasks', rows.join('\n'));
    },
  },
);

beforeEach(() => {
  ctx.app.slack.users.set(ZH_AGENT, { locale: 'zh-CN', tz: 'Asia/Shanghai' });
  ctx.app.slack.users.set(ZH_SUP, { locale: 'zh-CN', tz: 'Asia/Shanghai' });
  ctx.app.slack.users.set(EN_AGENT, { locale: 'en-US', tz: 'America/New_York' });
  ctx.app.slack.users.set(EN_SUP, { locale: 'en-GB', tz: 'Europe/London' });
});

const sel = (value: string) => ({ type: 'static_select', selected_option: { value } });
const txt = (value: string) => ({ type: 'plain_text_input', value });

/** Everything the app sent to Slack from call `from` on, and the answers to its requests, as the texts a person reads. */
function seenSince(from: number, responsesFrom: number, answers: unknown[]): string {
  const shown = ctx.app.slack.calls.slice(from).filter((c) => /^(chat\.|views\.)/.test(c.method));
  return [...textsOf(shown.map((c) => c.args)), ...textsOf(ctx.app.slack.responses.slice(responsesFrom).map((r) => r.body)), ...textsOf(answers)].join('\n');
}

/** Clicks a cart button and waits until the message shows what it did (a slow database is not mistaken for a settled one). */
async function press(a: Agent, action: string) {
  const shown = () => ctx.app.slack.calls.filter((c) => c.method === 'chat.update' || c.method === 'chat.postMessage').length;
  const before = shown();
  await a.click(action, a.button(action).value);
  await eventually(() => expect(shown()).toBeGreaterThan(before), 15_000);
  await a.settle();
}

/** One agent's whole loop, with commands in their language; answers what they saw and what they were answered. */
async function wholeLoop(id: keyof typeof DATA, words: { next: string; nextList: string }) {
  const a = new Agent(ctx.app, id);
  const d = DATA[id];
  const answers: unknown[] = [];

  await a.command('/cart', words.next, 'cart');
  await a.settle();
  const cart = a.message();
  expect(cart.blocks.at(-1)!.type).toBe('actions');

  // Add task: a wrong effort first (answered under its field), then the task.
  await a.click(ACTIONS.addTask, a.button(ACTIONS.addTask).value);
  await a.settle();
  const addModal = a.modal();
  const search = await a.suggest(ACTIONS.customerSearch, INPUTS.customer, `${d.prefix}3`);
  answers.push(search);
  const form = (effort: string) => ({
    [INPUTS.title]: { [VALUE]: txt(d.newTitle) },
    [INPUTS.customer]: { [ACTIONS.customerSearch]: { selected_option: { value: search.options[0].value } } },
    [INPUTS.type]: { [VALUE]: sel('custom') },
    [INPUTS.day]: { [VALUE]: sel('2026-12-03') },
    [INPUTS.effort]: { [VALUE]: txt(effort) },
    [INPUTS.priority]: { [VALUE]: sel('high') },
    [INPUTS.notes]: { [VALUE]: txt('') },
  });
  const refused = await a.submit(addModal, form('0'));
  expect(refused).toMatchObject({ response_action: 'errors', errors: { [INPUTS.effort]: expect.any(String) } });
  answers.push(refused);
  expect(await a.submit(addModal, form('20'))).toEqual({});
  await a.settle();

  // Pick customers: filters, then the recommended tasks, one ticked.
  await a.click(ACTIONS.pickCustomers, a.button(ACTIONS.pickCustomers).value);
  await a.settle();
  const filters = await a.submit(a.modal(), { [INPUTS.segment]: { [VALUE]: sel('*') }, [INPUTS.region]: { [VALUE]: sel('*') }, [INPUTS.tags]: { [VALUE]: txt('') }, [INPUTS.lastContact]: { [VALUE]: txt('') } });
  expect(filters.response_action).toBe('update');
  answers.push(filters);
  const step2 = filters.view as View;
  expect(step2.blocks.some((b) => b.block_id === `pick_c_${d.prefix}60`)).toBe(true);
  await a.submit({ ...step2, id: 'VPICK' }, { [INPUTS.pickDay]: { [VALUE]: sel('auto') }, [`pick_c_${d.prefix}60`]: { [VALUE]: { type: 'checkboxes', selected_options: [{ value: 'cross_sell' }] } } });
  await a.settle();

  // A day, then Auto-balance, then Commit.
  await a.click(ACTIONS.openDay, a.button(ACTIONS.openDay, undefined, (e) => e.value.endsWith(':2026-11-30')).value);
  await a.settle();
  await press(a, ACTIONS.autoBalance);
  await press(a, ACTIONS.commit);
  expect(a.button(ACTIONS.reopen)).toBeDefined();

  // The task list: today (nothing yet: it is Friday of the working week), and the plan for next week.
  await a.command('/tasks', '', 'today');
  await a.command('/tasks', words.nextList, 'next');
  await a.settle();

  // App Home.
  await post(ctx.app.baseUrl, eventBody({ type: 'app_home_opened', user: id, channel: `D${id.slice(1)}`, tab: 'home' }), { contentType: 'application/json' });
  await a.settle();
  return { a, answers };
}

describe('an agent sees only their own language through the whole loop', () => {
  it('zh-CN: /cart 下周, Add task, Pick customers, Auto-balance, Commit, /tasks 下周, App Home — all in Chinese', async () => {
    const { answers } = await wholeLoop(ZH_AGENT, { next: '下周', nextList: '下周' });
    const seen = seenSince(0, 0, answers);
    expect(englishIn(seen)).toEqual([]);
    // It is Chinese, with Chinese days and durations, naming its weeks.
    for (const words of ['任务车 · 2026年11月30日这一周', '11月30日 周一', '小时', '已提交', '添加任务', '挑选客户', '推荐任务', '自动均衡移动了', '下周 · 11月30日这一周', '本周 · 11月23日这一周', '`/tasks 下周`']) expect(seen).toContain(words);
    const [agent] = await ctx.t.db.select().from(people).where(eq(people.slackUserId, ZH_AGENT));
    expect(agent).toMatchObject({ locale: 'zh-CN', localeCheckedAt: NOW });
    // Asked once, kept for the day however many requests followed.
    expect(ctx.app.slack.callsTo('users.info').filter((c) => c.args.user === ZH_AGENT)).toHaveLength(1);
    expect(ctx.app.slack.callsTo('users.info')[0]!.args).toMatchObject({ include_locale: 'true' });
    expect((await ctx.t.db.select().from(tasks).where(eq(tasks.agentId, ZH_AGENT))).length).toBeGreaterThan(40);
    expect(ctx.app.slack.violations).toEqual([]);
  }, 60_000);

  it('en-US: /cart next, Add task, Pick customers, Auto-balance, Commit, /tasks next, App Home — all in English', async () => {
    const { answers } = await wholeLoop(EN_AGENT, { next: 'next', nextList: 'next' });
    const seen = seenSince(0, 0, answers);
    expect(chineseIn(seen)).toEqual([]);
    for (const words of ['Task cart · week of 30 Nov 2026', 'Mon 30 Nov', 'Committed', 'Add a task', 'Recommended tasks', 'Auto-balance moved', 'Next week · week of 30 Nov', '`/tasks next`']) expect(seen).toContain(words);
    expect(ctx.app.slack.violations).toEqual([]);
  }, 60_000);

  it('asks Slack again after a day, and follows a locale that changed', async () => {
    const a = new Agent(ctx.app, ZH_AGENT);
    await a.command('/tasks', '', 'first');
    await a.settle();
    expect(String(ctx.app.slack.responses.find((r) => r.id === 'first')!.body.text)).toContain('今天');
    ctx.app.slack.users.set(ZH_AGENT, { locale: 'en-US' });
    await a.command('/tasks', '', 'same-day');
    await a.settle();
    expect(String(ctx.app.slack.responses.find((r) => r.id === 'same-day')!.body.text)).toContain('今天');
    ctx.app.clock.now = new Date(NOW.getTime() + 25 * 60 * 60 * 1000);
    await a.command('/tasks', '', 'next-day');
    await a.settle();
    expect(String(ctx.app.slack.responses.find((r) => r.id === 'next-day')!.body.text)).toMatch(/^\*Today · Sat 28 Nov\*/);
    expect(ctx.app.slack.callsTo('users.info').filter((c) => c.args.user === ZH_AGENT)).toHaveLength(2);
  });
});

describe('when Slack does not tell the locale', () => {
  beforeEach(async () => {
    await ctx.t.db.update(teams).set({ language: 'zh-CN' });
  });

  it('users.info failing falls back, silently, to the team’s language, and is asked again an hour later, not at every request', async () => {
    ctx.app.slack.on('users.info', () => ({ body: { ok: false, error: 'missing_scope', needed: 'users:read' } }));
    const a = new Agent(ctx.app, EN_AGENT);
    await a.command('/cart', '', 'cart');
    await a.settle();
    expect(englishIn(textsOf(a.message()).join('\n'))).toEqual([]);
    expect(a.message().text).toContain('任务车');
    await a.command('/tasks', '', 'tasks');
    await a.settle();
    expect(ctx.app.slack.callsTo('users.info')).toHaveLength(1);
    expect(ctx.app.logs.filter((l) => JSON.parse(l).level === 'error')).toEqual([]);
    ctx.app.clock.now = new Date(NOW.getTime() + 61 * 60 * 1000);
    await a.command('/tasks', '', 'later');
    await a.settle();
    expect(ctx.app.slack.callsTo('users.info')).toHaveLength(2);
  });

  it('a users.info that never answers does not hold the ack, and the cart comes in the team’s language', async () => {
    ctx.app.slack.on('users.info', () => ({ mishap: 'hung' }));
    const a = new Agent(ctx.app, EN_AGENT);
    const start = performance.now();
    await a.command('/cart', '', 'cart');
    expect(performance.now() - start).toBeLessThan(3000);
    await eventually(() => expect(a.message().text).toContain('任务车'), 15_000);
  }, 30_000);

  it('someone the bot does not know is told how to get set up in their Slack language', async () => {
    ctx.app.slack.users.set('U0STRANGER', { locale: 'zh-TW' });
    const stranger = new Agent(ctx.app, 'U0STRANGER');
    await stranger.command('/cart', '', 'setup');
    await stranger.settle();
    expect(String(ctx.app.slack.responses.find((r) => r.id === 'setup')!.body.text)).toMatch(/^你好！Task Cart 还不认识你.*`U0STRANGER`/);
  });
});

describe('supervisors and channels', () => {
  async function commitBoth() {
    for (const id of [ZH_AGENT, EN_AGENT]) {
      const a = new Agent(ctx.app, id);
      await a.command('/cart', '', 'cart');
      await a.settle();
      await press(a, ACTIONS.autoBalance);
      await press(a, ACTIONS.commit);
      expect(a.button(ACTIONS.reopen)).toBeDefined();
    }
  }

  it('a zh-CN supervisor reads /team-carts (both weeks, either in detail) and the digest in Chinese; an en-GB one in English', async () => {
    await commitBoth();
    const sup = new Agent(ctx.app, ZH_SUP);
    await sup.command('/team-carts', '', 'next');
    await sup.command('/team-carts', '本周', 'this');
    await sup.command('/team-carts', '帮助', 'help');
    await sup.settle();
    const answer = (id: string) => ctx.app.slack.responses.find((r) => r.id === id)!.body;
    for (const id of ['next', 'this', 'help']) expect(englishIn(textsOf(answer(id)).join('\n')), id).toEqual([]);
    const next = textsOf(answer('next')).join('\n');
    expect(next).toContain('*下周（计划中）* · 11月30日这一周');
    expect(next).toContain('*已提交 2/2*');
    expect(next).toContain('*本周（执行中）* · 11月23日这一周');
    expect(textsOf(answer('this')).join('\n')).toContain('`/team-carts 下周` 可详细查看下周的任务车。');

    const client = slackClient(BOT_TOKEN, ctx.app.slack.url);
    const [report] = await runDigests(ctx.t.db, client, { now: NOW, team: TEAM });
    expect(report).toMatchObject({ recipients: 2, sent: 2, problems: [] });
    const dmTo = (user: string) => ctx.app.slack.callsTo('chat.postMessage').find((c) => c.args.channel === `D${user.slice(1)}` && c.args.metadata)!;
    const zh = textsOf(dmTo(ZH_SUP).args).join('\n');
    expect(englishIn(zh)).toEqual([]);
    expect(zh).toContain('每日简报 · 华东客服中心');
    expect(zh).toContain('*已提交 2/2*');
    const en = textsOf(dmTo(EN_SUP).args).join('\n');
    expect(chineseIn(en.replaceAll(TEAM, ''))).toEqual([]);
    expect(en).toContain('*2 of 2 committed*');
    expect(ctx.app.slack.violations).toEqual([]);
  }, 60_000);

  it('a team whose language is zh-CN gets its channel digest in Chinese, whoever reads the channel', async () => {
    await ctx.t.db.update(teams).set({ language: 'zh-CN', digestChannel: 'C0DIGEST' });
    await runDigests(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { now: NOW, weekly: true });
    const [posted] = ctx.app.slack.messagesIn('C0DIGEST');
    const texts = textsOf([posted!.text, posted!.blocks]).join('\n');
    expect(texts).toContain('每周简报 · 华东客服中心');
    expect(englishIn(texts)).toEqual([]);
    // An English team's channel reads English.
    await ctx.t.db.update(teams).set({ language: 'en' });
    await runDigests(ctx.t.db, slackClient(BOT_TOKEN, ctx.app.slack.url), { now: new Date(NOW.getTime() + 24 * 3600_000), weekly: true });
    const [, second] = ctx.app.slack.messagesIn('C0DIGEST');
    expect(textsOf(second!.blocks).join('\n')).toContain('Weekly digest · 华东客服中心');
  });

  it('nudges each agent in their own language, and answers the supervisor in theirs', async () => {
    const sup = new Agent(ctx.app, ZH_SUP);
    await sup.command('/team-carts', '', 'view');
    await sup.settle();
    const blocks = ctx.app.slack.responses.find((r) => r.id === 'view')!.body.blocks as Array<Record<string, any>>;
    await sup.click(ACTIONS.nudge, sup.button(ACTIONS.nudge, blocks).value, 'nudge');
    await sup.settle();
    expect(ctx.app.slack.responses.find((r) => r.id === 'nudge')!.body.text).toBe('已提醒 2 位坐席。');
    const dm = (user: string) => String(ctx.app.slack.callsTo('chat.postMessage').find((c) => c.args.channel === `D${user.slice(1)}`)!.args.text);
    expect(dm(ZH_AGENT)).toBe(`<@${ZH_SUP}> 请你调整并提交11月30日这一周的任务车。输入 \`/cart\` 即可打开。`);
    expect(dm(EN_AGENT)).toBe(`<@${ZH_SUP}> asks you to shape and commit your cart for the week of 30 Nov. Type \`/cart\` to open it.`);
  });
});
