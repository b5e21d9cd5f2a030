// Digests to supervisors: to the team's digest channel (in the team's language), or as a DM to
// each supervisor (in theirs); once per slot, across crashes and retries (see
// src/services/deliveries.ts). Both weeks in flight, each named (views/digest.ts). After each
// digest, a chart of the week (views/chart.ts, rendered by ./chart.ts) is shared into the same
// channel or DM, once (`delivery_files`), and after a weekly digest the CSV export of last week's
// tasks (src/services/export.ts, docs/export.md); a file that cannot be made or shared is logged
// once and the digest stands.
import { DateTime } from 'luxon';
import { addDays } from '../engine/index.ts';
import type { webApi } from '@slack/bolt';
import type { Db } from '../../db/client.ts';
import { claimFile, deliveryFile, markFileShared, markFileUnshared } from '../../db/queries/files.ts';
import { allTeams, deliveriesByKey, oneAtATime, planDeliveries, teamMembers } from '../../db/queries/jobs.ts';
import { deliver } from '../services/deliveries.ts';
import { exportWeekCsv } from '../services/export.ts';
import { teamLanguage } from '../services/language.ts';
import { teamPicture, teamWeeks } from '../services/team.ts';
import { languages as languagesOf } from '../slack/language.ts';
import { weekChart } from '../../views/chart.ts';
import { exportTitle, teamBlocks } from '../../views/digest.ts';
import { textsFor, type T } from '../../views/i18n/index.ts';
import type { Language } from '../language.ts';
import { EVENT, findPosted, openDm, postOnce, poster, type Target } from '../slack/fanout.ts';
import { uploadFile, UploadFailed } from './upload.ts';

export interface DigestReport {
  team: string;
  weekStart: string;
  recipients: number;
  /** Posted by this run, or found posted by a run that stopped before recording it. */
  sent: number;
  /** Of `sent`: found in the channel's history, not posted again. */
  recovered: number;
  /** One line per digest not known to have arrived: where, why, and what to do. */
  problems: string[];
  /** Charts shared by this run. */
  charts: number;
  /** Charts not shared (each logged once through `onChartProblem`): the digests stand without them. */
  chartsFailed: number;
}

export interface DigestOptions {
  team?: string;
  weekly?: boolean;
  now: Date;
  onWait?: (team: string) => void;
  /** A chart not made or not shared, in one line: where, why and what to do. Logged once by the caller. */
  onChartProblem?: (line: string) => void;
}

/** The file names of a digest's chart and of its CSV export in `delivery_files`. */
export const CHART = 'chart';
export const EXPORT = 'export';

/** A file to share after a digest. */
interface Attachment {
  filename: string;
  title: string;
  altText?: string;
  bytes: Uint8Array;
}

export async function runDigests(db: Db, client: webApi.WebClient, options: DigestOptions): Promise<DigestReport[]> {
  const kind = options.weekly ? 'weekly' : 'daily';
  const post = poster(client);
  const languages = languagesOf(db, () => options.now);
  const reports: DigestReport[] = [];
  for (const team of (await allTeams(db)).filter((t) => !options.team || t.name === options.team)) {
    const slot = DateTime.fromJSDate(options.now).setZone(team.timezone).toISODate();
    const report = await oneAtATime(
      db,
      `digest:${team.id}:${kind}:${slot}`,
      async () => {
        const picture = await teamPicture(db, team, teamWeeks(team, options.now));
        const weekStart = picture.weeks.planning;
        const recipients: Array<Target & { name: string; person?: Awaited<ReturnType<typeof teamMembers>>[number] }> = team.digestChannel
          ? [{ kind: 'channel', id: team.digestChannel, name: team.digestChannel }]
          : (await teamMembers(db, team.id, 'supervisor')).map((s) => ({ kind: 'person', id: s.slackUserId, name: `${s.name} (${s.slackUserId})`, person: s }));
        const keyOf = (r: Target) => `digest:${team.id}:${kind}:${slot}:${r.id}`;
        await planDeliveries(db, 'digest', recipients.map((r) => ({ key: keyOf(r), recipient: r.id })));
        const rows = await deliveriesByKey(db, recipients.map(keyOf));
        const report: DigestReport = { team: team.name, weekStart, recipients: recipients.length, sent: 0, recovered: 0, problems: [], charts: 0, chartsFailed: 0 };
        // One chart per language, made when the first reader of that language needs it.
        const charts = new Map<Language, Promise<{ chart: NonNullable<ReturnType<typeof weekChart>>; png: Uint8Array } | null>>();
        const chartIn = (t: T) => {
          let made = charts.get(t.language);
          if (!made) {
            const chart = weekChart(t, picture, kind);
            made = chart ? import('./chart.ts').then(({ renderChart }) => renderChart(chart.svg)).then((png) => ({ chart, png })) : Promise.resolve(null);
            made.catch(() => undefined);
            charts.set(t.language, made);
          }
          return made;
        };
        // A channel reads the team's language; a supervisor their own.
        const textsOf = (r: (typeof recipients)[number]) => (r.person ? languages.of(client, { person: r.person, team }, { bulk: true }) : Promise.resolve(textsFor(teamLanguage(team))));
        // A file shared after a digest, once (`delivery_files`): made when first needed, said once when it cannot be.
        const shareFile = async (r: (typeof recipients)[number], key: string, channel: string, name: string, make: () => Promise<Attachment | null>) => {
          const file = await deliveryFile(db, key, name);
          if (file && file.status !== 'failed') return; // shared, or maybe shared by a run that stopped: never twice
          const what = name === CHART ? 'the chart' : 'the export of last week\'s tasks';
          let made: Attachment | null;
          try {
            made = await make();
          } catch (e) {
            const reason = `could not be made: ${(e as Error).message}`;
            await markFileUnshared(db, key, name, reason, 'no');
            report.chartsFailed += 1;
            // Said once for the file, however many readers it has.
            if (!unmade.has(name)) options.onChartProblem?.(`${team.name}: ${what} of the ${kind} digest ${reason}; the digests went out without it`);
            unmade.add(name);
            return;
          }
          if (!made || !(await claimFile(db, key, name))) return;
          try {
            const { fileId } = await uploadFile(post, { channel, ...made });
            await markFileShared(db, key, name, fileId);
            report.charts += 1;
          } catch (e) {
            const failed = e instanceof UploadFailed ? e : new UploadFailed((e as Error).message, 'unknown');
            await markFileUnshared(db, key, name, failed.message, failed.shared);
            report.chartsFailed += 1;
            options.onChartProblem?.(`${team.name}: ${what} of the ${kind} digest to ${r.name} was not shared: ${failed.message}; the digest went out without it`);
          }
        };
        const unmade = new Set<string>();
        // The chart in the reader's language; on a weekly digest, last week's tasks as the CRM export (docs/export.md).
        const shareFiles = async (r: (typeof recipients)[number], key: string, channel: string, t: T) => {
          await shareFile(r, key, channel, CHART, async () => {
            const made = await chartIn(t);
            return made && { filename: made.chart.filename, title: made.chart.title, altText: made.chart.altText, bytes: made.png };
          });
          if (kind !== 'weekly') return;
          await shareFile(r, key, channel, EXPORT, async () => {
            const week = addDays(picture.weeks.working, -7);
            const csv = await (exported ??= exportWeekCsv(db, { team: team.name, week }));
            return csv && csv.rows > 0 ? { filename: csv.filename, title: exportTitle(t, team.name, week), bytes: csv.bytes } : null;
          });
        };
        let exported: ReturnType<typeof exportWeekCsv> | undefined;
        for (const r of recipients) {
          const key = keyOf(r);
          const row = rows.get(key)!;
          if (row.status === 'sent') {
            // Sent by an earlier run: its chart, if that run did not share it.
            if (row.channelId) await shareFiles(r, key, row.channelId, await textsOf(r));
            continue;
          }
          const t = await textsOf(r);
          const message = teamBlocks(t, picture, kind);
          const outcome = await deliver(db, row, {
            needed: true,
            channel: async () => (r.kind === 'person' ? openDm(client, r.id) : r.id),
            post: (channel) => postOnce(post, { channel, ...message, metadata: { event_type: EVENT.digest, event_payload: { delivery_key: key } } }, r),
            find: (channel, since) => findPosted(client, channel, EVENT.digest, key, since, r),
          });
          if (outcome.kind === 'sent' || outcome.kind === 'recovered') report.sent += 1;
          if (outcome.kind === 'recovered') report.recovered += 1;
          // The chart follows the text, never before it: a digest Slack did not take carries none yet.
          if (outcome.kind === 'sent' || outcome.kind === 'recovered') await shareFiles(r, key, outcome.channelId, t);
          if (outcome.kind === 'failed') report.problems.push(`${team.name}: the ${kind} digest could not be posted to ${r.name}: ${outcome.reason}`);
          if (outcome.kind === 'unconfirmed') report.problems.push(`${team.name}: the ${kind} digest to ${r.name} may not have arrived: ${outcome.reason}`);
        }
        return report;
      },
      () => options.onWait?.(team.name),
    );
    reports.push(report);
  }
  return reports;
}
