// The digest's chart: drawn (views/chart.ts, SVG) and rasterised (src/jobs/chart.ts, resvg) for a
// team of 25 agents with Chinese names over five work days, the most a chart shows, in both languages.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { CHART_SCALE, hasChineseFont, lookForFontsIn, renderChart } from '../../src/jobs/chart.ts';
import { weekChart } from '../../views/chart.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { pictureOf } from '../support/picture.ts';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** CHART_FONT_DIR: a folder of fonts to draw with too (e.g. a Chinese font unpacked from fonts-wqy-microhei's .deb). */
export async function benchChart(options: { runs: number; agents?: number; fontDir?: string }): Promise<void> {
  const agents = options.agents ?? 25;
  if (options.fontDir) lookForFontsIn([options.fontDir]);
  console.log(`\n## Digest chart: ${agents} agents with Chinese names × 5 days, ${options.runs} renders per language (load average ${os.loadavg()[0]!.toFixed(1)})`);
  console.log(`Chinese font found: ${(await hasChineseFont()) ? 'yes' : 'no (Chinese labels drawn as boxes; install fonts-noto-cjk or fonts-wqy-microhei)'}`);
  console.log('| language | SVG (view) p50 ms | render to PNG p50 ms | p95 ms | max ms | CPU ms per render (p50) | PNG kB | pixels |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const language of ['zh-CN', 'en'] as const) {
    const t = textsFor(language);
    const view: number[] = [];
    const whole: number[] = [];
    const cpu: number[] = [];
    let size = 0;
    let pixels = '';
    for (let i = 0; i < options.runs + 3; i++) {
      const picture = pictureOf({ agents, seed: i + 1 });
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      const chart = weekChart(t, picture, 'weekly')!;
      const drawn = performance.now();
      const png = await renderChart(chart.svg);
      const done = performance.now();
      const used = process.cpuUsage(cpuStart);
      if (i < 3) continue; // warm-up: the first render loads resvg and the fonts
      view.push(drawn - start);
      whole.push(done - start);
      cpu.push((used.user + used.system) / 1000);
      size = png.length;
      pixels = `${Math.round(chart.width * CHART_SCALE)} × ${Math.round(chart.height * CHART_SCALE)}`;
    }
    view.sort((a, b) => a - b);
    whole.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    console.log(`| ${language} | ${pct(view, 50).toFixed(1)} | ${pct(whole, 50).toFixed(1)} | ${pct(whole, 95).toFixed(1)} | ${whole.at(-1)!.toFixed(1)} | ${pct(cpu, 50).toFixed(1)} | ${(size / 1024).toFixed(0)} | ${pixels} |`);
  }
  console.log('Target: render ≤ 200 ms (the whole: the SVG drawn by the view, then rasterised to PNG).');
}
