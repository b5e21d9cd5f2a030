// `npm run cli -- <command>`: the admin's command line.
import '../load-env.ts';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/client.ts';
import { causeOf, explainDatabaseError } from '../../db/errors.ts';
import { setTeamAllowFlaggedCommit } from '../../db/queries/people.ts';
import { ConfigError, loadDbConfig, loadJobConfig } from '../config.ts';
import { isMonday } from '../engine/index.ts';
import { setCadence, teamByName } from '../../db/queries/jobs.ts';
import { runDigests } from '../jobs/digest.ts';
import { runProposals } from '../jobs/propose.ts';
import { slackClient } from '../jobs/slack-client.ts';
import { importCsv } from '../import/run.ts';
import { IMPORT_KINDS, type ImportKind } from '../import/kinds.ts';
import { loadDemo } from '../services/demo.ts';

const USAGE = `Task Cart command line

  npm run cli -- import <kind> <file.csv> [--dry-run]
      kinds: ${IMPORT_KINDS.join(', ')}
  npm run cli -- demo        load a demo contact center (safe to run twice)
  npm run cli -- propose [--team T] [--week YYYY-MM-DD]
      run the generation rules and send every agent their cart for the week (next week by default)
  npm run cli -- digest [--team T] [--weekly]
      send the team digests now (to the digest channel, or to each supervisor)
  npm run cli -- team <name> [--allow-flagged-commit yes|no] [--cadence SEGMENT=DAYS]
      whether agents of the team may commit a flagged cart, giving a reason their supervisor sees;
      after how many days without contact a customer of a segment gets a follow-up

Uses DATABASE_URL, or the embedded database in DATA_DIR (default ./data).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      'allow-flagged-commit': { type: 'string' },
      team: { type: 'string' },
      week: { type: 'string' },
      weekly: { type: 'boolean' },
      'per-second': { type: 'string' },
      cadence: { type: 'string', multiple: true },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = loadDbConfig(process.env);
  const open = () => openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });

  if (command === 'import') {
    const [kind, file] = rest;
    if (!kind || !IMPORT_KINDS.includes(kind as ImportKind) || !file) {
      console.error(`usage: npm run cli -- import <kind> <file.csv> [--dry-run]\nkinds: ${IMPORT_KINDS.join(', ')}`);
      return 2;
    }
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      console.error(`cannot read ${file}`);
      return 2;
    }
    const database = await open();
    try {
      const started = Date.now();
      const report = await importCsv(database.db, kind as ImportKind, content, {
        dryRun: values['dry-run'],
        onProgress: (stage, done, total) => process.stderr.write(`  ${stage} ${done}/${total}\n`),
      });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (report.errors.length) {
        for (const e of report.errors.slice(0, 50)) console.error(`${file}:${e.line}: ${e.column ? `${e.column}: ` : ''}${e.reason}`);
        if (report.errors.length > 50) console.error(`… and ${report.errors.length - 50} more`);
        console.error(`${report.errors.length} bad row(s): nothing of ${file} was written.`);
        return 1;
      }
      const verb = values['dry-run'] ? 'would import' : 'imported';
      console.log(
        `${kind}: ${verb} ${report.rows} rows: ${report.inserted} inserted, ${report.updated} updated, ${report.unchanged} unchanged (${seconds} s)`,
      );
      return 0;
    } finally {
      await database.close();
    }
  }

  if (command === 'demo') {
    const database = await open();
    try {
      const summary = await loadDemo(database.db, new Date());
      console.log(summary);
      return 0;
    } finally {
      await database.close();
    }
  }

  if (command === 'propose') {
    const week = values.week;
    if (week !== undefined && !isMonday(week)) {
      console.error(`--week must be a Monday as YYYY-MM-DD (got "${week}")`);
      return 2;
    }
    const job = loadJobConfig(process.env);
    const database = await open();
    try {
      const client = slackClient(job.SLACK_BOT_TOKEN, job.SLACK_API_URL);
      const reports = await runProposals(database.db, client, {
        team: values.team,
        weekStart: week,
        now: new Date(),
        perSecond: values['per-second'] ? Number(values['per-second']) : undefined,
        onProgress: (team, done, total) => process.stderr.write(`  ${team}: ${done}/${total}\n`),
      });
      if (values.team && !reports.length) {
        console.error(`unknown team "${values.team}"`);
        return 1;
      }
      for (const r of reports) {
        console.log(`${r.team}, week of ${r.weekStart}: ${r.generated} tasks generated; ${r.sent} carts sent, ${r.alreadySent} already sent, ${r.failed} failed, of ${r.agents} agents`);
        if (r.unconfirmed.length) {
          console.log(`  not sent again, as a stopped run may have delivered them (they can run /cart): ${r.unconfirmed.join(', ')}`);
        }
      }
      return reports.some((r) => r.failed) ? 1 : 0;
    } finally {
      await database.close();
    }
  }

  if (command === 'digest') {
    const job = loadJobConfig(process.env);
    const database = await open();
    try {
      const reports = await runDigests(database.db, slackClient(job.SLACK_BOT_TOKEN, job.SLACK_API_URL), { team: values.team, weekly: values.weekly, now: new Date() });
      if (values.team && !reports.length) {
        console.error(`unknown team "${values.team}"`);
        return 1;
      }
      for (const r of reports) console.log(`${r.team}, week of ${r.weekStart}: ${values.weekly ? 'weekly' : 'daily'} digest sent to ${r.sent} of ${r.recipients} recipient(s)`);
      return 0;
    } finally {
      await database.close();
    }
  }

  if (command === 'team') {
    const [name] = rest;
    const allow = values['allow-flagged-commit']?.toLowerCase();
    const cadences = (values.cadence ?? []).map((c) => c.match(/^([^=]+)=(\d{1,4})$/));
    if (!name || (allow === undefined && !cadences.length) || (allow !== undefined && !['yes', 'no'].includes(allow)) || cadences.some((c) => !c)) {
      console.error('usage: npm run cli -- team <name> [--allow-flagged-commit yes|no] [--cadence SEGMENT=DAYS]');
      return 2;
    }
    const database = await open();
    try {
      const team = await teamByName(database.db, name);
      if (!team) {
        console.error(`unknown team "${name}": import it in a teams file first`);
        return 1;
      }
      if (allow !== undefined) {
        await setTeamAllowFlaggedCommit(database.db, name, allow === 'yes');
        console.log(`${name}: flagged carts ${allow === 'yes' ? 'may now be committed with a reason' : 'must be balanced before commit'}`);
      }
      for (const c of cadences) {
        await setCadence(database.db, team.id, c![1]!.trim(), Number(c![2]));
        console.log(`${name}: ${c![1]!.trim()} customers get a follow-up after ${c![2]} days without contact`);
      }
      return 0;
    } finally {
      await database.close();
    }
  }

  console.error(`unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    // A database problem in one line (never drizzle's "Failed query: …" with its SQL).
    console.error(e instanceof ConfigError ? `Configuration: ${e.message}` : `Failed: ${explainDatabaseError(e, { url: process.env.DATABASE_URL }) ?? causeOf(e)}`);
    process.exit(1);
  },
);
