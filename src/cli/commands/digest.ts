// `digest`: the team digests by hand, to the digest channel or to each supervisor.
import { loadJobConfig } from '../../config.ts';
import { CommandError, UsageError, withDatabase, type Command } from '../command.ts';

export const digestCommand: Command = {
  name: 'digest',
  summary: 'send the team digests now',
  usage: `npm run cli -- digest [--team "<team>"] [--weekly]

Sends the digests now: to the team's digest channel, or to each supervisor as a DM,
each followed by a chart of the week (a PNG; one that cannot be shared is said, and
the digest stands).

  --team "<team>"   only this team (default: every team)
  --weekly          the weekly digest instead of the daily one

Needs SLACK_BOT_TOKEN.`,
  options: {
    team: { type: 'string' },
    weekly: { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}`);
    const team = values.team as string | undefined;
    const weekly = values.weekly === true;
    const job = loadJobConfig(io.env);
    // Loaded when used: the Slack client and the jobs are no weight on the other commands.
    const [{ runDigests }, { slackClient }] = await Promise.all([import('../../jobs/digest.ts'), import('../../jobs/slack-client.ts')]);
    return withDatabase(io, async (database) => {
      const reports = await runDigests(database.db, slackClient(job.SLACK_BOT_TOKEN, job.SLACK_API_URL), {
        team,
        weekly,
        now: new Date(),
        onWait: (name) => io.err(`  ${name}: another run is sending this digest; waiting for it to finish`),
        // A chart not shared is said, and the digest stands: the exit code is the digests'.
        onChartProblem: (line) => io.err(line),
      });
      if (team && !reports.length) throw new CommandError(`unknown team "${team}"`);
      for (const r of reports) io.out(`${r.team}, week of ${r.weekStart}: ${weekly ? 'weekly' : 'daily'} digest sent to ${r.sent} of ${r.recipients} recipient(s)`);
      // One line per digest not posted: where, why and what to do (e.g. invite the bot to the channel).
      const problems = reports.flatMap((r) => r.problems);
      for (const p of problems) io.err(p);
      return problems.length ? 1 : 0;
    });
  },
};
