// A picture of the week: after each digest, a PNG chart shared into the same channel or DM, once —
// across retried runs — and a chart that cannot be made or shared leaves the digest standing,
// said once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFiles, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { runDigests } from '../../src/jobs/digest.ts';
import { runProposals } from '../../src/jobs/propose.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { commandLine } from '../support/cli.ts';
import { seedOnce, testDatabase, type TestDatabase } from '../support/db.ts';
import { AGENT, NOW, SUPERVISOR, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';

const CHANNEL = 'C0DIGEST';
const OTHER_SUPERVISOR = 'U0SUP2';
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const dm = (user: string) => `D${user.slice(1)}`;

let t: TestDatabase;
let slack: SlackStandIn;
beforeAll(async () => {
  t = await testDatabase();
  slack = await new SlackStandIn().start();
});
afterAll(async () => {
  await slack.stop();
  await t.close();
});
const reset = seedOnce((db) => loadCenter(db.db));
beforeEach(async () => {
  await reset(t);
  slack.reset();
});

const client = () => slackClient(BOT_TOKEN, slack.url);
/** A daily digest now; the chart problems it said. */
async function digest(options: { weekly?: boolean } = {}) {
  const said: string[] = [];
  const [report] = await runDigests(t.db, client(), { now: NOW, weekly: options.weekly, onChartProblem: (line) => said.push(line) });
  return { report: report!, said };
}
const chartRows = () => t.db.select().from(deliveryFiles);

describe('the chart after the digest', () => {
  it('in the digest channel: the text first, then one PNG of the week, in the team’s language', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL, language: 'zh-CN' });
    await runProposals(t.db, client(), { now: NOW, perSecond: 1000 });
    const { report, said } = await digest({ weekly: true });
    expect(report).toMatchObject({ sent: 1, problems: [], charts: 1, chartsFailed: 0 });
    expect(said).toEqual([]);
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
    const [file] = slack.filesIn(CHANNEL);
    expect([...file!.bytes.subarray(0, 8)]).toEqual(PNG);
    expect(file!.bytes.length).toBeGreaterThan(10_000);
    expect(file!.filename).toBe('task-cart-2026-11-30.png');
    expect(file!.title).toBe('Shanghai Care · 11月30日这一周：计划分钟数与可用时长');
    // Wang Fang's overloaded Monday and idle Thursday, Li Wei's idle days: said to a screen reader too.
    expect(file!.altText).toMatch(/^条形图：2 名坐席在11月30日这一周每天的计划分钟数与可用时长，\d+ 天需调整；上周已完成 0 项任务，已跳过 0 项。$/);
    // The digest's post came before the upload began.
    const posted = slack.calls.findIndex((c) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL);
    const upload = slack.calls.findIndex((c) => c.method === 'files.getUploadURLExternal');
    expect(posted).toBeGreaterThanOrEqual(0);
    expect(upload).toBeGreaterThan(posted);
    expect(slack.callsTo('files.completeUploadExternal')[0]!.args).toMatchObject({ channel_id: CHANNEL });
    expect(await chartRows()).toEqual([expect.objectContaining({ deliveryKey: 'digest:1:weekly:2026-11-27:C0DIGEST', name: 'chart', status: 'shared', fileId: file!.id, attempts: 1 })]);
    expect(slack.violations).toEqual([]);
  });

  it('to supervisors: each DM gets its chart, in that supervisor’s language', async () => {
    await importCsv(t.db, 'people', `slack_user_id,name,team,role\n${OTHER_SUPERVISOR},Qian Hui,Shanghai Care,supervisor\n`);
    slack.users.set(OTHER_SUPERVISOR, { locale: 'zh-CN' });
    const { report } = await digest();
    expect(report).toMatchObject({ sent: 2, charts: 2 });
    expect(slack.filesIn(dm(SUPERVISOR)).map((f) => f.title)).toEqual(['Shanghai Care · week of 30 Nov: planned minutes against capacity']);
    expect(slack.filesIn(dm(OTHER_SUPERVISOR)).map((f) => f.title)).toEqual(['Shanghai Care · 11月30日这一周：计划分钟数与可用时长']);
    expect(slack.filesIn(dm(SUPERVISOR))[0]!.altText).toContain('this week so far');
  });

  it('a retried run uploads nothing twice, and re-posts nothing', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    await digest();
    await digest();
    await digest();
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(slack.filesIn(CHANNEL)).toHaveLength(1);
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(1);
  });

  it('Slack refuses the upload: the digest stands, the failure is said once, and the next run shares the chart', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    slack.on('files.getUploadURLExternal', () => ({ body: { ok: false, error: 'missing_scope', needed: 'files:write' } }));
    const first = await digest();
    expect(first.report).toMatchObject({ sent: 1, problems: [], charts: 0, chartsFailed: 1 });
    expect(first.said).toEqual([
      'Shanghai Care: the chart of the daily digest to C0DIGEST was not shared: the app lacks the files:write scope — reinstall it to the workspace from manifest.yml (README: Create the Slack app); the digest went out without it',
    ]);
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(slack.sharedFiles()).toEqual([]);
    expect(await chartRows()).toEqual([expect.objectContaining({ status: 'failed' })]);

    slack.on('files.getUploadURLExternal', () => undefined);
    const second = await digest();
    expect(second.report).toMatchObject({ sent: 0, charts: 1, chartsFailed: 0 });
    expect(second.said).toEqual([]);
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(slack.filesIn(CHANNEL)).toHaveLength(1);
    expect(await chartRows()).toEqual([expect.objectContaining({ status: 'shared', attempts: 2 })]);
  });

  it('the bytes do not reach Slack: nothing is shared, said once; a lost answer to the last step is never uploaded again', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    slack.on('upload_url', () => ({ status: 500, body: { ok: false } }));
    const first = await digest();
    expect(first.said).toEqual([expect.stringMatching(/^Shanghai Care: the chart of the daily digest to C0DIGEST was not shared: Slack did not take the file's bytes \(the upload answered HTTP 500\) — run it again; the digest went out without it$/)]);
    expect(slack.sharedFiles()).toEqual([]);

    // Slack shares it, and the answer is lost: it may be there, so it is not uploaded again.
    slack.on('upload_url', () => undefined);
    slack.on('files.completeUploadExternal', () => ({ mishap: 'unanswered' }));
    const second = await digest();
    expect(second.said).toEqual([expect.stringMatching(/^Shanghai Care: the chart of the daily digest to C0DIGEST was not shared: Slack did not answer \(.+\): the file may have been shared, so it is not uploaded again; the digest went out without it$/)]);
    expect(slack.filesIn(CHANNEL)).toHaveLength(1);
    expect(await chartRows()).toEqual([expect.objectContaining({ status: 'sending' })]);

    slack.on('files.completeUploadExternal', () => undefined);
    const third = await digest();
    expect(third.said).toEqual([]);
    expect(slack.filesIn(CHANNEL)).toHaveLength(1);
    expect(slack.callsTo('files.getUploadURLExternal')).toHaveLength(2);
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
  });

  it('npm run cli -- digest: a chart not shared is one line on stderr, and the command still succeeds', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    const cli = (await commandLine(t, slack.url)).inProcess;
    slack.on('files.completeUploadExternal', () => ({ body: { ok: false, error: 'not_in_channel' } }));
    const run = await cli('digest');
    expect(run.code).toBe(0);
    expect(run.stderr.trim()).toBe(
      'Shanghai Care: the chart of the daily digest to C0DIGEST was not shared: the bot is not in that channel — invite @Task Cart with /invite, or set another channel with `npm run cli -- team set …`; the digest went out without it',
    );
    expect(run.stdout).toMatch(/daily digest sent to 1 of 1 recipient\(s\)\n$/);
    expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(slack.sharedFiles()).toEqual([]);
  });
});

describe('the weekly digest’s CSV export', () => {
  /** Last week (before the working week of NOW) committed by the agent: one task done, one left open. */
  async function lastWeekCommitted() {
    const [cart] = await t.query<{ id: number }>(`insert into carts (agent_id, week_start, status, committed_at) values ($1, '2026-11-16', 'committed', '2026-11-13T08:00:00Z') returning id`, [AGENT]);
    await t.exec(`insert into tasks (cart_id, agent_id, type_key, title, effort_minutes, day, source, status, done_at) values
      (${cart!.id}, '${AGENT}', 'follow_up', '=HYPERLINK("http://evil") 王芳', 30, '2026-11-17', 'custom', 'done', '2026-11-17T03:00:00Z'),
      (${cart!.id}, '${AGENT}', 'follow_up', 'Renewal call', 45, '2026-11-18', 'custom', 'open', null)`);
  }

  it('attaches last week’s tasks as the CRM export, once, after the chart; a daily digest attaches none', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    await lastWeekCommitted();
    const daily = await digest();
    expect(daily.report).toMatchObject({ charts: 1, chartsFailed: 0 });
    expect(slack.filesIn(CHANNEL).map((f) => f.filename)).toEqual(['task-cart-2026-11-30.png']);

    const weekly = await digest({ weekly: true });
    expect(weekly.report).toMatchObject({ sent: 1, charts: 2, chartsFailed: 0 });
    const csv = slack.filesIn(CHANNEL).find((f) => f.filename.endsWith('.csv'))!;
    expect(csv.filename).toBe('tasks-Shanghai-Care-2026-11-16.csv');
    expect(csv.title).toBe('Shanghai Care · tasks of week of 16 Nov with their outcomes (CSV for the CRM)');
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = Buffer.from(csv.bytes).toString('utf8');
    expect(text).toContain(`'=HYPERLINK(""http://evil"") 王芳`);
    expect(text.split('\r\n').filter((l) => l.includes(',done,') || l.includes(',open,'))).toHaveLength(2);

    // A retried weekly run shares nothing again.
    const again = await digest({ weekly: true });
    expect(again.report).toMatchObject({ charts: 0, chartsFailed: 0 });
    expect(slack.filesIn(CHANNEL).filter((f) => f.filename.endsWith('.csv'))).toHaveLength(1);
  });

  it('attaches nothing when last week has no committed task', async () => {
    await t.db.update(teams).set({ digestChannel: CHANNEL });
    const { report } = await digest({ weekly: true });
    expect(report).toMatchObject({ charts: 1, chartsFailed: 0 });
    expect(slack.filesIn(CHANNEL).map((f) => f.filename)).toEqual(['task-cart-2026-11-30.png']);
  });
});
