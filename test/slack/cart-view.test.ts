// The cart message at Slack's limits: a 300-task cart with long titles and every day flagged.
import { describe, expect, it } from 'vitest';
import { addDays, measure, suggest, type CartTask } from '../../src/engine/index.ts';
import type { CartState } from '../../src/services/cart.ts';
import { cartMessage } from '../../views/cart.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { makeWeek, MONDAY } from '../support/carts.ts';
import { checkBlocks } from '../support/limits.ts';

const LONG_ZH = '上海浦东新区张江高科技园区国际贸易有限公司客户满意度回访与续约沟通'.repeat(3);
const LONG_EN = 'Renewal discussion with the procurement director about the enterprise support contract '.repeat(2);

function state(tasks: CartTask[], status: 'open' | 'committed' = 'open', merged = 0): CartState {
  const week = makeWeek();
  return {
    cart: { id: 123456, agentId: 'U0AGENT1', weekStart: MONDAY, status, version: 987, channelId: 'D1', messageTs: '1.1', committedAt: null, exceptionReason: null, createdAt: new Date(), updatedAt: new Date() },
    person: {} as CartState['person'],
    week,
    tasks,
    measure: measure(tasks, week),
    advice: suggest(tasks, week),
    merged: Array.from({ length: merged }, (_, i) => ({ type: 'renewal_call', label: LONG_EN, customer: `${LONG_ZH} ${i}`, from: addDays(MONDAY, 1), into: MONDAY })),
    context: '',
    names: 0,
  };
}

function bigCart(n: number): CartTask[] {
  return Array.from({ length: n }, (_, i) => ({
    id: String(i + 1),
    type: 'renewal_call',
    label: i % 2 ? 'Renewal call with a very long custom label for testing' : '满意度回访（长标签）',
    title: i % 2 ? LONG_EN : LONG_ZH,
    customerName: i % 2 ? `${LONG_EN} ${i}` : `${LONG_ZH}${i}`,
    customerId: `C${i}`,
    effort: 5 + (i % 20),
    priority: 'normal',
    // Every day of the week holds tasks, weekends included: seven flagged days.
    day: addDays(MONDAY, i % 7 === 6 ? 6 : i % 3 === 0 ? 0 : i % 7),
    earliest: null,
    due: null,
    fixed: false,
    source: 'system',
  }));
}

describe('cart message limits', () => {
  it.each([
    ['300 tasks, every day flagged, 40 merges', state(bigCart(300), 'open', 40)],
    ['2,000 tasks', state(bigCart(2000))],
    ['committed 300-task cart', state(bigCart(300), 'committed')],
    ['empty cart', state([])],
  ])('%s stays within 50 blocks and 10,000 characters, in both languages', (_, s) => {
    for (const language of ['en', 'zh-CN'] as const) {
      const notice = { kind: 'refused' as const, code: 'fixed_task' as const, params: { title: `${LONG_EN}${LONG_ZH}`.repeat(5), day: MONDAY } };
      const message = cartMessage(textsFor(language), s, notice);
      expect(checkBlocks(message.blocks, 'message')).toEqual([]);
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      // The actions never fall off the end.
      expect(message.blocks.at(-1)!.type).toBe('actions');
    }
  });

  it('shows a flag and a suggestion or a reason for every flagged day of the big cart', () => {
    const s = state(bigCart(300));
    expect(s.advice.length).toBeGreaterThanOrEqual(5);
    const weekdays = { en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], 'zh-CN': ['周一', '周二', '周三', '周四', '周五', '周六', '周日'] };
    for (const language of ['en', 'zh-CN'] as const) {
      const text = JSON.stringify(cartMessage(textsFor(language), s).blocks);
      for (const a of s.advice) expect(text).toContain(`*${weekdays[language][(new Date(`${a.day}T00:00:00Z`).getUTCDay() + 6) % 7]}*`);
    }
  });
});
