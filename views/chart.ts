// A picture of the week for the digests, drawn as SVG: each agent's planned minutes on each day of
// the planning week as a bar against their capacity (a dark tick), flagged days in their colours,
// and the done / skipped / open tasks of last week (the weekly digest) or of this week so far (the
// daily one). Pure: the picture and the reader's texts in; the SVG, the file's name and its
// plain-text title and alt text out. src/jobs/chart.ts rasterises the SVG to PNG with resvg.
// People's words (names, the team's) enter the SVG as XML text, escaped, with characters XML cannot
// hold removed; the title and alt text are plain text (Slack does not parse a file's title).
import type { AgentStanding, Outcomes, TeamPicture } from '../src/services/team.ts';
import type { T } from './i18n/index.ts';
import { truncate } from './limits.ts';

/** Agents drawn: a larger team shows the ones with the most flagged minutes. */
export const CHART_AGENTS = 25;
/** Font families, the first one with a glyph wins: Chinese ones first (src/jobs/chart.ts loads what the machine has). */
export const CHART_FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'WenQuanYi Zen Hei', 'Droid Sans Fallback', 'DejaVu Sans', 'Liberation Sans', 'Noto Sans', Arial, Helvetica, sans-serif";

type State = 'balanced' | 'overloaded' | 'idle' | 'off' | 'none';
const STATES: State[] = ['balanced', 'overloaded', 'idle', 'off', 'none'];
const STATE_COLOR: Record<State, string> = { balanced: '#2eb67d', overloaded: '#e01e5a', idle: '#ecb22e', off: '#9e9ea6', none: '#d1d2d3' };
const STATE_KEY = { balanced: 'chart.balanced', overloaded: 'chart.overloaded', idle: 'chart.idle', off: 'chart.off', none: 'chart.no_cart' } as const;
const OUTCOMES = ['done', 'skipped', 'open'] as const;
const OUTCOME_COLOR = { done: '#1264a3', skipped: '#9e9ea6', open: '#dcdcdc' } as const;
const OUTCOME_KEY = { done: 'chart.done', skipped: 'chart.skipped', open: 'chart.open' } as const;

// Layout, in SVG units (the PNG is drawn at 1.5 times these).
const PAD = 16;
const ROW = 18;
const BAR = 12;
const NAME_W = 120;
const DAY_W = 104;
const DAY_GAP = 8;
const DONE_W = 150;
const GAP = 24;
const FONT = 11;

export interface Chart {
  svg: string;
  width: number;
  height: number;
  filename: string;
  /** Plain text: the file's title in Slack. */
  title: string;
  /** Plain text: what the image shows, for a screen reader. */
  altText: string;
}

function stateOf(d: AgentStanding['days'][number], hasCart: boolean): State {
  if (!d.work) return d.minutes > 0 ? 'overloaded' : 'off';
  if (!hasCart) return 'none';
  if (!d.flag) return 'balanced';
  return d.flag.kind === 'idle' ? 'idle' : 'overloaded';
}

/** People's text as XML character data: escaped, without the characters XML 1.0 cannot hold (controls, lone surrogates). */
export function xmlText(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex -- these are the characters removed
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** About how wide a text is drawn, in ems: a Chinese character is one, a Latin one about 0.6. */
function ems(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return w;
}

/** `s` cut, with an ellipsis, to fit `width` units at `size`. */
function fit(s: string, width: number, size: number): string {
  if (ems(s) * size <= width) return s;
  let out = '';
  for (const ch of s) {
    if (ems(out + ch) * size > width - size) break;
    out += ch;
  }
  return `${out}…`;
}

/** A round top of a scale from 0 holding `max`, and its step: 0, 200, 400 for 390. */
function scale(max: number): { top: number; step: number } {
  const raw = Math.max(max, 1) / 2;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step || step, step };
}

const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attrs ? ` ${attrs}` : ''}>${xmlText(s)}</text>`;
const rect = (x: number, y: number, w: number, h: number, fill: string, attrs = '') => `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, w).toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"${attrs ? ` ${attrs}` : ''}/>`;

/** The chart of a team's picture, or null when it has no agent to draw. */
export function weekChart(t: T, p: TeamPicture, kind: 'daily' | 'weekly'): Chart | null {
  if (!p.agents.length) return null;
  const shown =
    p.agents.length <= CHART_AGENTS
      ? p.agents
      : [...p.agents].sort((a, b) => b.flagged - a.flagged || (a.status === 'committed' ? 1 : 0) - (b.status === 'committed' ? 1 : 0)).slice(0, CHART_AGENTS);
  // The days drawn: work days of anyone shown, and any day with work planned on it.
  const days = (shown[0]?.days ?? []).map((d) => d.day).filter((day) => shown.some((a) => a.days.some((d) => d.day === day && (d.work || d.minutes > 0))));
  const outcomesOf = (a: AgentStanding): Outcomes => (kind === 'weekly' ? a.lastWeek : a.working);
  const week = t.fmt.week(p.weeks.planning);
  const title = t.plain('chart.title', { team: p.team.name, week });
  const subtitle = shown.length < p.agents.length ? t.plain('chart.worst', { count: shown.length, total: p.agents.length }) : null;
  const states = STATES.filter((s) => shown.some((a) => a.days.some((d) => days.includes(d.day) && stateOf(d, a.status !== 'none') === s)));
  const minutes = scale(Math.max(...shown.flatMap((a) => a.days.filter((d) => days.includes(d.day)).map((d) => Math.max(d.minutes, d.capacity)))));
  const tasks = scale(Math.max(...shown.map((a) => OUTCOMES.reduce((s, o) => s + outcomesOf(a)[o], 0))));

  const out: string[] = [];
  let y = PAD + 16;
  out.push(text(PAD, y, fit(title, NAME_W + days.length * (DAY_W + DAY_GAP) + GAP + DONE_W, 16), 'font-size="16" font-weight="bold" fill="#1d1c1d"'));
  if (subtitle) out.push(text(PAD, (y += 18), subtitle, 'font-size="12" fill="#616061"'));
  // Legends: the day states, then the outcomes above their panel.
  y += 22;
  const daysX = PAD + NAME_W + 8;
  const doneX = daysX + days.length * (DAY_W + DAY_GAP) - DAY_GAP + GAP;
  let x = daysX;
  for (const s of states) {
    const label = t.plain(STATE_KEY[s]);
    out.push(rect(x, y - 9, 10, 10, STATE_COLOR[s]), text(x + 14, y, label, `font-size="${FONT}"`));
    x += 14 + ems(label) * FONT + 14;
  }
  x += 6;
  out.push(`<rect x="${x.toFixed(1)}" y="${y - 11}" width="2" height="14" fill="#1d1c1d"/>`, text(x + 6, y, t.plain('chart.capacity'), `font-size="${FONT}"`));
  x = doneX;
  for (const o of OUTCOMES) {
    const label = t.plain(OUTCOME_KEY[o]);
    out.push(rect(x, y - 9, 10, 10, OUTCOME_COLOR[o]), text(x + 14, y, label, `font-size="${FONT}"`));
    x += 14 + ems(label) * FONT + 12;
  }
  const legendEnd = x - 12;
  // Panel headers: the days, and the week of the outcomes.
  y += 22;
  days.forEach((day, i) => out.push(text(daysX + i * (DAY_W + DAY_GAP) + DAY_W / 2, y, fit(t.fmt.day(day), DAY_W, 12), 'font-size="12" text-anchor="middle" font-weight="bold"')));
  out.push(text(doneX + DONE_W / 2, y, fit(t.plain(kind === 'weekly' ? 'chart.last_week' : 'chart.this_week'), DONE_W, 12), 'font-size="12" text-anchor="middle" font-weight="bold"'));
  const top = y + 8;
  const height = shown.length * ROW;
  // Panels: a frame and grid lines at each step of the scale.
  const grid = (px: number, w: number, s: { top: number; step: number }) => {
    out.push(`<rect x="${px.toFixed(1)}" y="${top}" width="${w}" height="${height}" fill="none" stroke="#dddddd"/>`);
    for (let v = 0; v <= s.top; v += s.step) {
      const gx = px + (v / s.top) * w;
      if (v > 0 && v < s.top) out.push(`<line x1="${gx.toFixed(1)}" y1="${top}" x2="${gx.toFixed(1)}" y2="${top + height}" stroke="#eeeeee"/>`);
      out.push(text(gx, top + height + 14, String(v), `font-size="10" fill="#616061" text-anchor="${v === 0 ? 'start' : v === s.top ? 'end' : 'middle'}"`));
    }
  };
  days.forEach((_, i) => grid(daysX + i * (DAY_W + DAY_GAP), DAY_W, minutes));
  grid(doneX, DONE_W, tasks);
  shown.forEach((a, row) => {
    const ry = top + row * ROW;
    const mid = ry + ROW / 2;
    out.push(text(daysX - 8, mid + 4, fit(a.name.trim() || a.id, NAME_W, FONT), `font-size="${FONT}" text-anchor="end" fill="#1d1c1d"`));
    days.forEach((day, i) => {
      const d = a.days.find((x) => x.day === day)!;
      const px = daysX + i * (DAY_W + DAY_GAP);
      out.push(rect(px, mid - BAR / 2, (d.minutes / minutes.top) * DAY_W, BAR, STATE_COLOR[stateOf(d, a.status !== 'none')]));
      const cx = px + (d.capacity / minutes.top) * DAY_W;
      out.push(rect(Math.min(cx, px + DAY_W - 2), ry + 2, 2, ROW - 4, '#1d1c1d'));
    });
    let sx = doneX;
    for (const o of OUTCOMES) {
      const w = (outcomesOf(a)[o] / tasks.top) * DONE_W;
      if (w > 0) out.push(rect(sx, mid - BAR / 2, w, BAR, OUTCOME_COLOR[o]));
      sx += w;
    }
  });
  y = top + height + 30;
  out.push(text(daysX, y, t.plain('chart.minutes'), `font-size="${FONT}" fill="#616061"`), text(doneX, y, t.plain('chart.tasks'), `font-size="${FONT}" fill="#616061"`));
  const width = Math.ceil(Math.max(doneX + DONE_W, legendEnd) + PAD);
  const totalHeight = Math.ceil(y + PAD);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${totalHeight}" viewBox="0 0 ${width} ${totalHeight}" font-family="${CHART_FONT.replace(/"/g, '')}"><rect width="100%" height="100%" fill="#ffffff"/>${out.join('')}</svg>`;

  const flagged = shown.reduce((n, a) => n + a.days.filter((d) => days.includes(d.day) && ['overloaded', 'idle'].includes(stateOf(d, a.status !== 'none'))).length, 0);
  const totals = shown.reduce((o, a) => ({ done: o.done + outcomesOf(a).done, skipped: o.skipped + outcomesOf(a).skipped }), { done: 0, skipped: 0 });
  return {
    svg,
    width,
    height: totalHeight,
    filename: `task-cart-${p.weeks.planning}.png`,
    title: truncate(title, 250),
    altText: t.plain(kind === 'weekly' ? 'chart.alt_last_week' : 'chart.alt_this_week', { count: shown.length, week, flagged, done: totals.done, skipped: totals.skipped }),
  };
}
