// The digest's chart: its SVG in both languages, whatever the names, drawn to PNG by resvg.
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/language.ts';
import { CHART_SCALE, renderChart } from '../../src/jobs/chart.ts';
import { CHART_AGENTS, weekChart, xmlText } from '../../views/chart.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { chineseIn, englishIn } from '../support/language.ts';
import { chineseName, pictureOf } from '../support/picture.ts';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const HOSTILE = ['</text><script>alert(1)</script>', '<!channel>', '&amp; & &lt;', '"quoted" \'single\'', ']]><!--', '\u0000\u0007\u001bctl', '\ud800lone', '王芳\u202Eevil', '{{count}}', '$t(chart.title)', '😀👩‍💻', ''];

/** The SVG's character data: what lies between its tags, entities read back. */
function textsIn(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'));
}

/** Only our own tags, every & an entity, nothing XML 1.0 cannot hold. */
function wellFormed(svg: string): void {
  const rest = svg.replace(/<\/?(svg|rect|text|line)\b[^<>]*>/g, '');
  expect(rest).not.toMatch(/[<>]/);
  expect(rest).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
  // eslint-disable-next-line no-control-regex -- none of these may be left
  expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
}

describe('the chart of the week', () => {
  for (const language of LANGUAGES) {
    const t = textsFor(language);
    it(`reads in ${language}: days, states, outcomes, a plain title and alt text`, () => {
      const chart = weekChart(t, pictureOf({ agents: 12 }), 'weekly')!;
      const texts = textsIn(chart.svg);
      expect(texts).toContain(t.fmt.day('2026-11-30'));
      expect(texts).toContain(t.plain('chart.overloaded'));
      expect(texts).toContain(t.plain('chart.last_week'));
      expect(texts).toContain(chineseName(0));
      expect(chart.title).toBe(t.plain('chart.title', { team: '上海客服中心', week: t.fmt.week('2026-11-30') }));
      expect(chart.altText).toContain('12');
      expect(chart.filename).toBe('task-cart-2026-11-30.png');
      // Outside the names (Chinese in both), the image and its words are in one language.
      const own = texts.filter((s) => !/^\p{Script=Han}+$/u.test(s) && s !== '上海客服中心').join('\n') + chart.altText;
      if (language === 'en') expect(chineseIn(own.replace('上海客服中心', ''))).toEqual([]);
      else expect(englishIn(own)).toEqual([]);
      expect(weekChart(t, pictureOf({ agents: 12 }), 'daily')!.svg).toContain(xmlText(t.plain('chart.this_week')));
      wellFormed(chart.svg);
    });

    it(`in ${language}: a large team draws its ${CHART_AGENTS} most flagged agents and says so; none draws nothing`, () => {
      const p = pictureOf({ agents: 300 });
      const chart = weekChart(t, p, 'daily')!;
      const most = [...p.agents].sort((a, b) => b.flagged - a.flagged)[0]!;
      expect(textsIn(chart.svg)).toContain(t.plain('chart.worst', { count: CHART_AGENTS, total: 300 }));
      expect(chart.svg).toContain(`>${xmlText(most.name)}</text>`);
      expect(chart.height).toBeLessThan(800);
      expect(weekChart(t, { ...p, agents: [] }, 'daily')).toBeNull();
    });
  }

  it('hostile and very long names stay text: escaped, cut to fit, the SVG well formed', () => {
    for (const language of LANGUAGES) {
      const t = textsFor(language);
      const long = '很长的名字'.repeat(40);
      const chart = weekChart(t, pictureOf({ agents: HOSTILE.length + 2, team: '<!channel> & "Care"', name: (i) => HOSTILE[i] ?? long }), 'weekly')!;
      wellFormed(chart.svg);
      const texts = textsIn(chart.svg);
      expect(texts.some((s) => s.startsWith('</text><script>') && s.endsWith('…'))).toBe(true);
      expect(texts).toContain('&amp; & &lt;');
      expect(texts.some((s) => s.startsWith('很长的名字') && s.endsWith('…') && s.length < 20)).toBe(true);
      // An empty name is drawn as the agent's id.
      expect(texts).toContain('U0AG00011');
      // The title is plain text, taken as written: Slack does not parse a file's title.
      expect(chart.title.startsWith('<!channel> & "Care"')).toBe(true);
      expect(chart.width).toBeLessThan(1400);
    }
  });

  it('is drawn to PNG, Chinese names and hostile ones alike', async () => {
    const chart = weekChart(textsFor('zh-CN'), pictureOf({ agents: HOSTILE.length, name: (i) => HOSTILE[i]! }), 'weekly')!;
    const png = await renderChart(chart.svg);
    expect([...png.subarray(0, 8)]).toEqual(PNG);
    // Width and height (big-endian, in the IHDR chunk): the SVG's, scaled.
    const view = new DataView(png.buffer, png.byteOffset);
    expect(view.getUint32(16)).toBe(Math.round(chart.width * CHART_SCALE));
    expect(view.getUint32(20)).toBe(Math.round(chart.height * CHART_SCALE));
    await expect(renderChart('<svg')).rejects.toThrow();
  });
});
