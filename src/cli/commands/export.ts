// `export tasks`: a team's committed tasks of a week as CSV for the CRM (docs/export.md), to a file
// (written whole or not at all) or to standard output.
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CommandError, UsageError, withDatabase, type Command } from '../command.ts';

export const exportTasksCommand: Command = {
  name: 'export tasks',
  summary: 'write a team\'s committed tasks of a week as CSV for the CRM',
  usage: `npm run cli -- export tasks --team "<team>" --week YYYY-MM-DD [--out FILE]

Writes the committed tasks of the team's agents for the week as CSV, one row per task of their
task lists, with its outcome (done, skipped, open) and its times in the team's time zone.
UTF-8 with a byte order mark (Excel shows Chinese text as it is), CRLF line ends; a cell starting
with = + - @, a tab or a carriage return gets a leading ' so that no spreadsheet runs it as a
formula. The columns, and how to import the file: docs/export.md.

  --team "<team>"     the team, by its name
  --week YYYY-MM-DD   any day of the week (Monday to Sunday): the export is of the week holding it
  --out FILE          write the file there (replaced whole, or left as it was on failure) and say
                      on standard error how many tasks it holds; without it, to standard output

Example: npm run cli -- export tasks --team "Shanghai Care" --week 2026-11-30 --out tasks.csv`,
  options: {
    team: { type: 'string' },
    week: { type: 'string' },
    out: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}`);
    const team = values.team as string | undefined;
    const week = values.week as string | undefined;
    const out = values.out as string | undefined;
    if (!team?.trim()) throw new UsageError('--team is required');
    if (week === undefined) throw new UsageError('--week is required');
    const [{ weekOf, writeWeekCsv }, { allTeams }] = await Promise.all([import('../../services/export.ts'), import('../../../db/queries/jobs.ts')]);
    const monday = weekOf(week);
    if (!monday) throw new UsageError(`--week must be a date as YYYY-MM-DD, any day of the week (got "${week}")`);
    if (out !== undefined && !out.trim()) throw new UsageError('--out needs a file name');
    return withDatabase(io, async (database) => {
      const sink = out === undefined ? stdoutSink() : await fileSink(out);
      let info: Awaited<ReturnType<typeof writeWeekCsv>>;
      try {
        info = await writeWeekCsv(database.db, { team, week }, sink.write);
      } catch (e) {
        await sink.abort();
        throw e;
      }
      if (!info) {
        await sink.abort();
        const known = (await allTeams(database.db)).map((t) => `"${t.name}"`);
        const list = known.length > 10 ? `${known.slice(0, 10).join(', ')}, …` : known.join(', ');
        throw new CommandError(`unknown team "${team}"${known.length ? ` (teams: ${list})` : ': import it in a teams file first'}`);
      }
      await sink.finish();
      if (out !== undefined) {
        const held = monday === week ? '' : ` (the week holding ${week})`;
        io.err(`Wrote ${info.rows} task${info.rows === 1 ? '' : 's'} of ${info.team}, week of ${info.week}${held}, to ${out}`);
      }
      return 0;
    });
  },
};

interface Sink {
  write(chunk: Buffer): Promise<void>;
  /** Everything written: the file takes its place. */
  finish(): Promise<void>;
  /** Nothing of it stays. */
  abort(): Promise<void>;
}

/** Standard output, each write awaited (a closed pipe is a failure said in one line, not a stack). */
function stdoutSink(): Sink {
  return {
    write: (chunk) =>
      new Promise((resolve, reject) => {
        const failed = (e: NodeJS.ErrnoException) => reject(new CommandError(`Failed: standard output closed (${e.code ?? e.message})`));
        process.stdout.once('error', failed);
        process.stdout.write(chunk, (e) => {
          process.stdout.off('error', failed);
          if (e) failed(e);
          else resolve();
        });
      }),
    finish: async () => {},
    abort: async () => {},
  };
}

/** What a file error means for the admin, without a stack or the temporary file's name. */
function fileFailure(out: string, e: unknown): CommandError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'no such folder'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a folder'
    : code === 'ENOSPC' ? 'the disk is full'
    : code === 'EROFS' ? 'the file system is read-only'
    : (code ?? 'the file system refused');
  return new CommandError(`Failed: cannot write ${out}: ${why}`);
}

/**
 * A temporary file beside `out`, renamed onto it once complete: a reader of `out` sees the old file
 * or the whole new one, never half of it, and a failure leaves `out` as it was.
 */
async function fileSink(out: string): Promise<Sink> {
  const temp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  const handle = await open(temp, 'wx').catch((e: unknown) => {
    throw fileFailure(out, e);
  });
  let closed = false;
  const close = async () => {
    if (!closed) await handle.close();
    closed = true;
  };
  return {
    write: async (chunk) => {
      await handle.write(chunk).catch((e: unknown) => {
        throw fileFailure(out, e);
      });
    },
    finish: async () => {
      try {
        await handle.sync();
        await close();
        await rename(temp, out);
      } catch (e) {
        await unlink(temp).catch(() => {});
        throw fileFailure(out, e);
      }
    },
    abort: async () => {
      await close().catch(() => {});
      await unlink(temp).catch(() => {});
    },
  };
}
