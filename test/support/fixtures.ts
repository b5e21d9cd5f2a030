// A small contact center for end-to-end tests, loaded through the importer.
import type { Db } from '../../db/client.ts';
import { importCsv } from '../../src/import/run.ts';

export const AGENT = 'U0AGENT1';
export const OTHER_AGENT = 'U0AGENT2';
export const SUPERVISOR = 'U0SUP1';
/** Friday 15:00 in Shanghai: next week starts Monday 30 Nov 2026. */
export const NOW = new Date('2026-11-27T07:00:00Z');
export const NEXT_MONDAY = '2026-11-30';
const DAYS = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];

async function load(db: Db, kind: Parameters<typeof importCsv>[1], csv: string) {
  const r = await importCsv(db, kind, csv);
  if (r.errors.length) throw new Error(`${kind}: ${JSON.stringify(r.errors[0])}`);
}

/**
 * Next week's system tasks for AGENT: Monday 420 m (overloaded by 30), Thursday 120 m (idle by 114),
 * the other days 300 m; plus a duplicate renewal call for one customer (merged when the cart is made).
 */
export async function loadCenter(db: Db, options: { allowFlaggedCommit?: boolean } = {}): Promise<void> {
  await load(db, 'teams', 'team,timezone,work_days,day_capacity_minutes,upper_percent,lower_percent\nShanghai Care,Asia/Shanghai,Mon-Fri,390,100,60\n');
  await load(db, 'people', `slack_user_id,name,team,role\n${AGENT},王芳 Wang Fang,Shanghai Care,agent\n${OTHER_AGENT},Li Wei,Shanghai Care,agent\n${SUPERVISOR},Zhao Li,Shanghai Care,supervisor\n`);
  const customers = ['customer_id,name,owner'];
  for (let i = 1; i <= 60; i++) customers.push(`C${i},客户${i} Customer ${i},${AGENT}`);
  await load(db, 'customers', customers.join('\n'));
  const loads = [420, 300, 300, 120, 300];
  const rows = ['external_id,agent,type,title,date,customer_id,earliest,due,effort_minutes,priority,fixed'];
  let n = 0;
  loads.forEach((minutes, d) => {
    for (let left = minutes; left > 0; left -= 30) {
      n += 1;
      rows.push(`t${n},${AGENT},follow_up,Follow up ${n},${DAYS[d]},C${n},,,${Math.min(30, left)},${n % 3 === 0 ? 'low' : 'normal'},${n === 1 ? 'true' : 'false'}`);
    }
  });
  // The duplicate: the same customer and type as t2 (Monday), planned on Tuesday.
  rows.push(`dup,${AGENT},follow_up,Follow up again,${DAYS[1]},C2,,,30,normal,false`);
  rows.push(`other,${OTHER_AGENT},follow_up,Someone else's,${DAYS[0]},,,,30,normal,false`);
  await load(db, 'tasks', rows.join('\n'));
  if (options.allowFlaggedCommit) await db.execute(`update teams set allow_flagged_commit = true` as never);
}
