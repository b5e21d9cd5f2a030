// `propose`: the weekly proposal by hand: generation rules, then every agent's cart as a DM.
import { isMonday } from '../../engine/index.ts';
import { loadJobConfig } from '../../config.ts';
import { CommandError, UsageError, withDatabase, type Command } from '../command.ts';

export const proposeCommand: Command = {
  name: 'propose',
  summary: 'run the generation rules and send every agent their cart',
  usage: `npm run cli -- propose [--team "<team>"] [--week YYYY-MM-DD]

Runs the generation rules and sends every agent their cart for the week, as the schedule does at
each team's proposal time. Running it again sends nobody a second copy.

  --team "<team>"      only this team (default: every team)
  --week YYYY-MM-DD    the Monday of the week (default: next week)
  --per-second N       messages a second (default 20)

Needs SLACK_BOT_TOKEN.`,
  options: {
    team: { type: 'string' },
    week: { type: 'string' },
    'per-second': { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}`);
    const week = values.week as string | undefined;
    if (week !== undefined && !isMonday(week)) throw new UsageError(`--week must be a Monday as YYYY-MM-DD (got "${week}")`);
    const perSecond = values['per-second'] === undefined ? undefined : Number(values['per-second']);
    if (perSecond !== undefined && !(perSecond > 0)) throw new UsageError('--per-second must be a number above 0');
    const team = values.team as string | undefined;
    const job = loadJobConfig(io.env);
    // Loaded when used: the Slack client and the jobs are no weight on the other commands.
    const [{ runProposals }, { slackClient }] = await Promise.all([import('../../jobs/propose.ts'), import('../../jobs/slack-client.ts')]);
    return withDatabase(io, async (database) => {
      const client = slackClient(job.SLACK_BOT_TOKEN, job.SLACK_API_URL);
      const reports = await runProposals(database.db, client, {
        team,
        weekStart: week,
        now: new Date(),
        perSecond,
        onProgress: (name, done, total) => io.err(`  ${name}: ${done}/${total}`),
        onWait: (name) => io.err(`  ${name}: another run is sending these carts; waiting for it to finish`),
      });
      if (team && !reports.length) throw new CommandError(`unknown team "${team}"`);
      for (const r of reports) {
        io.out(`${r.team}, week of ${r.weekStart}: ${r.generated} tasks generated; ${r.sent} carts sent, ${r.recovered} found posted by a stopped run, ${r.alreadySent} already sent, ${r.failed + r.unconfirmed.length} not sent, of ${r.agents} agents`);
      }
      // One line per cart not known to have arrived: who, why and what to do.
      const problems = reports.flatMap((r) => r.problems);
      for (const p of problems) io.err(p);
      return problems.length ? 1 : 0;
    });
  },
};
