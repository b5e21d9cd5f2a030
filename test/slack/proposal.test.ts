// The weekly proposal as it runs: rules, then each agent's cart as a DM, once.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { carts, deliveries, systemTasks, teams } from '../../db/schema.ts';
import { importCsv } from '../../src/import/run.ts';
import { runProposals } from '../../src/jobs/propose.ts';
import { proposeWeek } from '../../src/services/propose.ts';
import { slackClient } from '../../src/jobs/slack-client.ts';
import { resetDatabase, testDatabase, type TestDatabase } from '../support/db.ts';
import { NOW, loadCenter } from '../support/fixtures.ts';
import { BOT_TOKEN } from '../support/signed.ts';
import { SlackStandIn } from '../support/slack-api.ts';

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
beforeEach(async () => {
  await resetDatabase(t);
  slack.reset();
  await loadCenter(t.db);
  // The fixture's customers were contacted last week; two more are due a follow-up (silver: 30 days) and a renewal.
  await t.exec(`update customers set last_contact = '2026-11-25'`);
  await importCsv(t.db, 'customers', 'customer_id,name,owner,segment,last_contact,renewal_date\nR1,Old Friend Ltd,U0AGENT2,silver,2026-09-01,\nR2,Renewing Co,U0AGENT2,gold,2026-11-20,2026-12-03\n');
});

const postsTo = () => {
  const counts = new Map<string, number>();
  for (const c of slack.callsTo('chat.postMessage')) counts.set(String(c.args.channel), (counts.get(String(c.args.channel)) ?? 0) + 1);
  return counts;
};

describe('weekly proposal', () => {
  it('generates rule tasks and sends every agent their cart once, however often it runs', async () => {
    const client = slackClient(BOT_TOKEN, slack.url);
    const [first] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(first).toMatchObject({ team: 'Shanghai Care', weekStart: '2026-11-30', generated: 2, agents: 2, sent: 2, failed: 0 });
    const generated = (await t.db.select().from(systemTasks)).filter((s) => s.externalId.startsWith('rule:'));
    expect(generated.map((g) => g.externalId).sort()).toEqual(['rule:follow_up:R1:2026-11-30', 'rule:renewal_call:R2:2026-12-03']);
    expect([...postsTo().entries()].sort()).toEqual([['D0AGENT1', 1], ['D0AGENT2', 1]]);
    // The second agent's cart holds the generated tasks.
    const second = slack.callsTo('chat.postMessage').find((c) => c.args.channel === 'D0AGENT2')!;
    expect(JSON.stringify(second.args.blocks)).toContain('2 tasks');

    const [again] = await runProposals(t.db, client, { now: NOW, perSecond: 1000 });
    expect(again).toMatchObject({ generated: 0, sent: 0, alreadySent: 2 });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
    expect(await t.db.select().from(carts)).toHaveLength(2);
  });

  it('waits out a 429 with Retry-After and finishes', async () => {
    let limited = 0;
    slack.on('chat.postMessage', () => (limited++ === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } } : undefined));
    const [r] = await runProposals(t.db, slackClient(BOT_TOKEN, slack.url), { now: NOW, perSecond: 1000 });
    expect(r).toMatchObject({ sent: 2, failed: 0 });
    const posts = slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(3);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(new Set(posts.map((p) => p.args.channel)).size).toBe(2);
  }, 20_000);

  it('waits for its slot before claiming a delivery, so a run stopped while waiting leaves no cart unsent', async () => {
    const [team] = await t.db.select().from(teams);
    const claimedWhileWaiting: string[] = [];
    const sent: string[] = [];
    const report = await proposeWeek(t.db, team!, {
      now: NOW,
      pace: async () => {
        const claimed = await t.db.select().from(deliveries).where(eq(deliveries.status, 'sending'));
        claimedWhileWaiting.push(...claimed.map((d) => d.recipient));
      },
      send: async (state) => void sent.push(state.cart.agentId),
    });
    expect(report).toMatchObject({ sent: 2, failed: 0 });
    expect(sent.sort()).toEqual(['U0AGENT1', 'U0AGENT2']);
    expect(claimedWhileWaiting).toEqual([]);
  });

  it('killed half-way and restarted, sends each agent exactly one cart', async () => {
    // Twelve agents; the command line sends two a second, and is killed after the third.
    const people = ['slack_user_id,name,team,role'];
    for (let i = 3; i <= 12; i++) people.push(`U0AGENT${i},Agent ${i},Shanghai Care,agent`);
    await importCsv(t.db, 'people', people.join('\n'));
    // The embedded database lives in one process: killing a second process mid-way needs PostgreSQL (CI runs both).
    if (!t.url) return;
    const dir = mkdtempSync(join(tmpdir(), 'taskcart-'));
    const env = { ...process.env, DATABASE_URL: t.url, DATA_DIR: join(dir, 'data'), SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.url };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'propose', '--week', '2026-11-30', '--per-second', '2'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    let exited = false;
    child.on('exit', () => (exited = true));
    while (slack.callsTo('chat.postMessage').length < 3) {
      expect(exited, 'the first run ended before it was killed').toBe(false);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    while (!exited) await new Promise((r) => setTimeout(r, 20));
    const before = slack.callsTo('chat.postMessage').length;
    expect(before).toBeLessThan(12);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'propose', '--week', '2026-11-30', '--per-second', '50'], { env });
    expect(stdout).toMatch(/Shanghai Care, week of 2026-11-30: 0 tasks generated; \d+ carts sent, \d+ already sent, 0 failed, of 12 agents/);
    const counts = postsTo();
    // Killed just as Slack took a message: that one is left unconfirmed, never sent twice.
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size).toBe(12);
    const rows = await t.db.select().from(deliveries);
    expect(rows.filter((d) => d.status === 'sending').length).toBeLessThanOrEqual(1);
    expect(rows.filter((d) => d.status !== 'sent' && d.status !== 'sending')).toEqual([]);
  }, 60_000);
});
