// Digests to supervisors: to the team's digest channel (in the team's language), or as a DM to
// each supervisor (in theirs); once per slot, across crashes and retries (see
// src/services/deliveries.ts). Both weeks in flight, each named (views/digest.ts).
import { DateTime } from 'luxon';
import type { webApi } from '@slack/bolt';
import type { Db } from '../../db/client.ts';
import { allTeams, deliveriesByKey, oneAtATime, planDeliveries, teamMembers } from '../../db/queries/jobs.ts';
import { deliver } from '../services/deliveries.ts';
import { teamLanguage } from '../services/language.ts';
import { teamPicture, teamWeeks } from '../services/team.ts';
import { languages as languagesOf } from '../slack/language.ts';
import { teamBlocks } from '../../views/digest.ts';
import { textsFor } from '../../views/i18n/index.ts';
import { EVENT, findPosted, openDm, postOnce, poster, type Target } from './fanout.ts';

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
}

export async function runDigests(db: Db, client: webApi.WebClient, options: { team?: string; weekly?: boolean; now: Date; onWait?: (team: string) => void }): Promise<DigestReport[]> {
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
        const report: DigestReport = { team: team.name, weekStart, recipients: recipients.length, sent: 0, recovered: 0, problems: [] };
        for (const r of recipients) {
          const key = keyOf(r);
          const row = rows.get(key)!;
          if (row.status === 'sent') continue;
          // A channel reads the team's language; a supervisor their own.
          const t = r.person ? await languages.of(client, { person: r.person, team }, { bulk: true }) : textsFor(teamLanguage(team));
          const message = teamBlocks(t, picture, kind);
          const outcome = await deliver(db, row, {
            needed: true,
            channel: async () => (r.kind === 'person' ? openDm(client, r.id) : r.id),
            post: (channel) => postOnce(post, { channel, ...message, metadata: { event_type: EVENT.digest, event_payload: { delivery_key: key } } }, r),
            find: (channel, since) => findPosted(client, channel, EVENT.digest, key, since, r),
          });
          if (outcome.kind === 'sent' || outcome.kind === 'recovered') report.sent += 1;
          if (outcome.kind === 'recovered') report.recovered += 1;
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
