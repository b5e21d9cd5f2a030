// `remind`: the agents' reminders by hand, as the schedule sends them, as if it were a given time.
import { loadJobConfig } from '../../config.ts';
import { MIN_DAY_MINUTES, NUDGE_BEFORE_END_MINUTES, START_LATE_MINUTES } from '../../engine/index.ts';
import { CommandError, UsageError, withDatabase, type Command } from '../command.ts';

const KINDS = { start: 'start-of-day reminders', end: 'end-of-day nudges' } as const;

export const remindCommand: Command = {
  name: 'remind',
  summary: 'send the agents\' reminders due now (or at a given time)',
  usage: `npm run cli -- remind [--team "<team>"] [--at ISO-TIME] [--kind start|end]

Sends the reminders due at that moment, as the schedule does: in each agent's own time zone,
today's tasks as their day starts (sent up to ${START_LATE_MINUTES} minutes late), and a nudge ${NUDGE_BEFORE_END_MINUTES} minutes
before it ends when tasks are still open (sent until it ends). Nothing on days off, holidays and
non-work days, nothing to an agent without open tasks today or who turned that reminder off.
Running it again sends nobody a second one.

  --team "<team>"     only this team (default: every team)
  --at ISO-TIME       act as if it were this moment, e.g. 2026-12-01T09:05+08:00 (default: now)
  --kind start|end    only the start-of-day reminders, or only the end-of-day nudges
  --per-second N      messages a second (default 20)

The times are team settings: team set --reminder-start 09:00 --reminder-end 17:30 (the end at
least ${MIN_DAY_MINUTES} minutes after the start), --reminders no to send none. Needs SLACK_BOT_TOKEN.`,
  options: {
    team: { type: 'string' },
    at: { type: 'string' },
    kind: { type: 'string' },
    'per-second': { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}`);
    const atText = values.at as string | undefined;
    // An ISO moment with its offset (or Z): a local time without one would depend on this machine's zone.
    if (atText !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(atText)) {
      throw new UsageError(`--at must be an ISO time with its offset, like 2026-12-01T09:05+08:00 or 2026-12-01T01:05Z (got "${atText}")`);
    }
    const at = atText === undefined ? new Date() : new Date(atText);
    if (Number.isNaN(at.getTime())) throw new UsageError(`--at "${atText}" is not a moment that exists`);
    const kind = values.kind as string | undefined;
    if (kind !== undefined && kind !== 'start' && kind !== 'end') throw new UsageError(`--kind is start or end (got "${kind}")`);
    const perSecond = values['per-second'] === undefined ? undefined : Number(values['per-second']);
    if (perSecond !== undefined && !(perSecond > 0)) throw new UsageError('--per-second must be a number above 0');
    const team = values.team as string | undefined;
    const job = loadJobConfig(io.env);
    const [{ runReminders }, { slackClient }] = await Promise.all([import('../../jobs/remind.ts'), import('../../jobs/slack-client.ts')]);
    return withDatabase(io, async (database) => {
      const client = slackClient(job.SLACK_BOT_TOKEN, job.SLACK_API_URL);
      const run = await runReminders(database.db, client, {
        team,
        kind,
        at,
        now: at,
        perSecond,
        onProgress: (what, done, total) => io.err(`  ${what}: ${done}/${total}`),
        onWait: (what) => io.err(`  ${what}: another run is sending these reminders; waiting for it to finish`),
      });
      if (team && !run.teams) throw new CommandError(`unknown team "${team}" (see npm run cli -- team show)`);
      for (const name of run.off) io.out(`${name}: sends no reminders (team set "${name}" --reminders yes to send them)`);
      for (const r of run.reports) {
        const what = `${r.team} (${r.zone}), ${KINDS[r.kind]} for ${r.day}`;
        if (r.late) io.out(`${what}: too late to send (more than ${START_LATE_MINUTES} minutes after the start of the day, or after its end); nothing posted`);
        else io.out(`${what}: ${r.sent} sent, ${r.recovered} found posted by a stopped run, ${r.alreadySent} already sent, ${r.quiet} with nothing to remind, ${r.failed + r.unconfirmed.length} not sent, of ${r.agents} agents`);
      }
      for (const i of run.idle) io.out(`${i.team} (${i.zone}): nothing due at ${i.local} there`);
      if (!run.reports.length && !run.idle.length && !run.off.length) io.out('No agents to remind: import people with the role agent first (docs/import.md).');
      // One line per reminder not known to have arrived: who, why and what to do.
      const problems = run.reports.flatMap((r) => r.problems);
      for (const p of problems) io.err(p);
      return problems.length ? 1 : 0;
    });
  },
};
