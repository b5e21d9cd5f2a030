// Digests to supervisors: to the team's digest channel, or as a DM to each supervisor; once per slot.
import { DateTime } from 'luxon';
import type { webApi } from '@slack/bolt';
import type { Db } from '../../db/client.ts';
import { allTeams, deliverOnce, planDeliveries, teamMembers } from '../../db/queries/jobs.ts';
import { cartWeekFor, teamPicture } from '../services/team.ts';
import { teamBlocks } from '../../views/digest.ts';

export interface DigestReport {
  team: string;
  weekStart: string;
  recipients: number;
  sent: number;
  /** Refused by Slack this time (tried again by the next run; sent ones are not). */
  failed: number;
}

export async function runDigests(db: Db, client: webApi.WebClient, options: { team?: string; weekly?: boolean; now: Date }): Promise<DigestReport[]> {
  const kind = options.weekly ? 'weekly' : 'daily';
  const reports: DigestReport[] = [];
  for (const team of (await allTeams(db)).filter((t) => !options.team || t.name === options.team)) {
    const weekStart = cartWeekFor(team, options.now);
    const picture = await teamPicture(db, team, weekStart);
    const message = teamBlocks(picture, kind);
    const recipients = team.digestChannel ? [team.digestChannel] : (await teamMembers(db, team.id, 'supervisor')).map((s) => s.slackUserId);
    const slot = DateTime.fromJSDate(options.now).setZone(team.timezone).toISODate();
    const items = recipients.map((r) => ({ key: `digest:${team.id}:${kind}:${slot}:${r}`, recipient: r }));
    await planDeliveries(db, 'digest', items);
    let sent = 0;
    let failed = 0;
    for (const item of items) {
      const outcome = await deliverOnce(db, item.key, async () => {
        const channel = item.recipient.startsWith('U') || item.recipient.startsWith('W') ? (await client.conversations.open({ users: item.recipient })).channel!.id! : item.recipient;
        await client.chat.postMessage({ channel, ...message });
      });
      if (outcome === 'sent') sent += 1;
      if (outcome === 'failed') failed += 1;
    }
    reports.push({ team: team.name, weekStart, recipients: recipients.length, sent, failed });
  }
  return reports;
}
