// A picture of the week for the digests: a Vega-Lite spec (https://vega.github.io/vega-lite/) of
// each agent's planned minutes per day of the planning week against their capacity, flagged days
// in their colours, and the done / skipped / open tasks of last week (the weekly digest) or of
// this week so far (the daily one). Pure: the picture and the reader's texts in, the spec and the
// file's plain-text title and alt text out; src/jobs/chart.ts renders it to PNG.
// People's names enter the chart as data, never as Vega expressions, and the title and alt text
// are plain text (Slack does not parse a file's title or its alt text).
import type { AgentStanding, Outcomes, TeamPicture } from '../src/services/team.ts';
import type { T } from './i18n/index.ts';
import { truncate } from './limits.ts';

/** Agents drawn: a larger team shows the ones with the most flagged minutes. */
export const CHART_AGENTS = 25;
/** Characters of a name on the axis. */
const NAME = 18;
/** Fonts by family, the first that has a glyph wins: Chinese ones first (src/jobs/chart.ts loads what the machine has). */
export const CHART_FONT = 'Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, WenQuanYi Micro Hei, WenQuanYi Zen Hei, Droid Sans Fallback, DejaVu Sans, Liberation Sans, Noto Sans, Arial, Helvetica, sans-serif';

type State = 'balanced' | 'overloaded' | 'idle' | 'off' | 'none';
const STATE_COLOR: Record<State, string> = { balanced: '#2eb67d', overloaded: '#e01e5a', idle: '#ecb22e', off: '#9e9ea6', none: '#d1d2d3' };
const STATE_KEY = { balanced: 'chart.balanced', overloaded: 'chart.overloaded', idle: 'chart.idle', off: 'chart.off', none: 'chart.no_cart' } as const;
const OUTCOME_COLOR = { done: '#1264a3', skipped: '#9e9ea6', open: '#e8e8e8' } as const;
const OUTCOME_KEY = { done: 'chart.done', skipped: 'chart.skipped', open: 'chart.open' } as const;

export interface Chart {
  /** A Vega-Lite spec: data inline, no URL, no expression built from data. */
  spec: Record<string, unknown>;
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

/** The chart of a team's picture, or null when it has no agent to draw. */
export function weekChart(t: T, p: TeamPicture, kind: 'daily' | 'weekly'): Chart | null {
  if (!p.agents.length) return null;
  const shown =
    p.agents.length <= CHART_AGENTS
      ? p.agents
      : [...p.agents].sort((a, b) => b.flagged - a.flagged || (a.status === 'committed' ? 1 : 0) - (b.status === 'committed' ? 1 : 0)).slice(0, CHART_AGENTS);
  // Two agents of one name would share a row: the second is told apart by its id.
  const seen = new Set<string>();
  const labels = shown.map((a) => {
    let label = truncate(a.name.trim() || a.id, NAME);
    if (seen.has(label)) label = `${truncate(label, NAME - a.id.length - 3)} (${a.id})`;
    seen.add(label);
    return label;
  });
  // The days drawn: work days of anyone, and any day with work planned on it.
  const dayList = (p.agents[0]?.days ?? []).map((d) => d.day).filter((day) => shown.some((a) => a.days.some((d) => d.day === day && (d.work || d.minutes > 0))));
  const dayLabel = new Map(dayList.map((day) => [day, t.fmt.day(day)]));
  const stateLabel = (s: State) => t.plain(STATE_KEY[s]);
  const plan = shown.flatMap((a, i) =>
    a.days
      .filter((d) => dayLabel.has(d.day))
      .map((d) => ({ agent: labels[i], day: dayLabel.get(d.day), minutes: d.minutes, capacity: d.capacity, state: stateLabel(stateOf(d, a.status !== 'none')) })),
  );
  const outcomesOf = (a: AgentStanding): Outcomes => (kind === 'weekly' ? a.lastWeek : a.working);
  const outcomeNames = ['done', 'skipped', 'open'] as const;
  const done = shown.flatMap((a, i) => outcomeNames.map((o, order) => ({ agent: labels[i], outcome: t.plain(OUTCOME_KEY[o]), n: outcomesOf(a)[o], order })));
  const states = (Object.keys(STATE_KEY) as State[]).filter((s) => plan.some((r) => r.state === stateLabel(s)));
  const week = t.fmt.week(p.weeks.planning);
  const title = t.plain('chart.title', { team: p.team.name, week });
  const flaggedDays = shown.reduce((n, a) => n + a.days.filter((d) => dayLabel.has(d.day) && ['overloaded', 'idle'].includes(stateOf(d, a.status !== 'none'))).length, 0);
  const totals = shown.reduce((o, a) => ({ done: o.done + outcomesOf(a).done, skipped: o.skipped + outcomesOf(a).skipped }), { done: 0, skipped: 0 });

  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 16,
    title: {
      text: title,
      anchor: 'start',
      fontSize: 16,
      ...(shown.length < p.agents.length ? { subtitle: t.plain('chart.worst', { count: shown.length, total: p.agents.length }) } : {}),
    },
    config: { font: CHART_FONT, view: { stroke: '#dddddd' }, axis: { labelFontSize: 11, titleFontSize: 11 }, legend: { labelFontSize: 11, orient: 'top' }, header: { labelFontSize: 12 } },
    hconcat: [
      {
        data: { values: plan },
        facet: { column: { field: 'day', type: 'nominal', sort: dayList.map((d) => dayLabel.get(d)), title: null } },
        spacing: 6,
        spec: {
          width: 110,
          height: { step: 18 },
          encoding: { y: { field: 'agent', type: 'nominal', sort: labels, title: null, axis: { labelLimit: 160 } } },
          layer: [
            {
              mark: { type: 'bar', height: { band: 0.75 } },
              encoding: {
                x: { field: 'minutes', type: 'quantitative', title: t.plain('chart.minutes'), axis: { tickCount: 3 } },
                color: { field: 'state', type: 'nominal', title: null, scale: { domain: states.map(stateLabel), range: states.map((s) => STATE_COLOR[s]) } },
              },
            },
            // The day's capacity: a dark tick across the bar.
            { mark: { type: 'tick', color: '#1d1c1d', thickness: 2, size: 16 }, encoding: { x: { field: 'capacity', type: 'quantitative' } } },
          ],
        },
      },
      {
        data: { values: done },
        width: 150,
        height: { step: 18 },
        title: { text: t.plain(kind === 'weekly' ? 'chart.last_week' : 'chart.this_week'), fontSize: 12 },
        mark: { type: 'bar', height: { band: 0.75 } },
        encoding: {
          y: { field: 'agent', type: 'nominal', sort: labels, axis: null },
          x: { field: 'n', type: 'quantitative', stack: 'zero', title: t.plain('chart.tasks'), axis: { tickCount: 3, format: 'd' } },
          color: { field: 'outcome', type: 'nominal', title: null, scale: { domain: outcomeNames.map((o) => t.plain(OUTCOME_KEY[o])), range: outcomeNames.map((o) => OUTCOME_COLOR[o]) } },
          order: { field: 'order' },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return {
    spec,
    filename: `task-cart-${p.weeks.planning}.png`,
    title,
    altText: t.plain(kind === 'weekly' ? 'chart.alt_last_week' : 'chart.alt_this_week', { count: shown.length, week, flagged: flaggedDays, done: totals.done, skipped: totals.skipped }),
  };
}
