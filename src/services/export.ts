// The CRM export: a team's committed tasks of one week, with their outcome (done, skipped, open)
// and times in the team's zone, as a CSV file Excel and a CRM import read as they are
// (docs/export.md): UTF-8 with a byte order mark, CRLF line ends, RFC 4180 quoting by csv-stringify,
// and every cell that a spreadsheet would run as a formula neutralised by a leading apostrophe.
//
// Two ways in, the same bytes:
// - `writeWeekCsv(db, { team, week }, write)` streams the file page by page (the command line,
//   `npm run cli -- export tasks`): memory stays flat however large the team.
// - `exportWeekCsv(db, { team, week })` returns the whole file as a Buffer with its filename and row
//   count: what a Slack upload takes (the weekly digest attaches it for its team).
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { Db } from '../../db/client.ts';
import { tasksOfCarts, weekTaskLists, type ExportedTask } from '../../db/queries/export.ts';
import { teamByName } from '../../db/queries/jobs.ts';

/** The columns, in order: their names are the header row, and docs/export.md says what each holds. */
export const EXPORT_COLUMNS = [
  'task_id',
  'crm_task_id',
  'week',
  'day',
  'agent_slack_id',
  'agent_name',
  'customer_id',
  'customer_name',
  'task_type',
  'task_type_label',
  'title',
  'minutes',
  'priority',
  'source',
  'outcome',
  'done_at',
  'skipped_at',
  'carried_over',
  'committed_at',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type Outcome = 'done' | 'skipped' | 'open';

/** The byte order mark: Excel reads a CSV file as UTF-8 (Chinese text intact) only when it starts with one. */
export const BOM = '\uFEFF';

/** Tasks read per query, about (whole carts): a page of tasks is a few hundred kB. */
export const PAGE_SIZE = 2000;

export interface WeekExportParams {
  /** The team's name, as in the teams file. */
  team: string;
  /** Any day of the week as YYYY-MM-DD: the export is of the week holding it (Monday to Sunday). */
  week: string;
  /** Tasks per query, about (tests make it small to cross pages). */
  pageSize?: number;
}

export interface WeekCsvInfo {
  /** e.g. `tasks-Shanghai-Care-2026-11-30.csv`: the team's name (letters and digits of any script) and the week's Monday. */
  filename: string;
  /** Tasks written, the header not counted. */
  rows: number;
  team: string;
  /** The week's Monday. */
  week: string;
}

export interface WeekCsv extends WeekCsvInfo {
  /** The whole file: BOM, header, one CRLF-ended line per task. */
  bytes: Buffer;
}

/** Monday of the week holding `day` (YYYY-MM-DD, a real date), or null when `day` is not one. */
export function weekOf(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const d = DateTime.fromISO(day, { zone: 'UTC' });
  return d.isValid && d.year >= 1900 && d.year < 3000 ? d.startOf('week').toISODate() : null;
}

/** The file's name for a team and week. */
export function exportFilename(team: string, week: string): string {
  const name = team.normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
  return `tasks-${name || 'team'}-${week}.csv`;
}

/** The outcome in the week: a task carried into a later week was not done in this one, so it is open. */
export function outcomeOf(status: string): Outcome {
  return status === 'done' || status === 'skipped' ? status : 'open';
}

/** Lines of CSV, CRLF-ended, each cell quoted as RFC 4180 needs and neutralised against formulas. */
export function csvLines(records: ReadonlyArray<ReadonlyArray<string | number>>): string {
  // escape_formulas: a cell starting with = + - @, a tab or a CR (or the fullwidth ＝ ＋ － ＠ that
  // Apple Numbers folds) gets a leading ' (OWASP's CSV injection advice); numbers are left as they are.
  // quote_record_delimiter: a cell holding a bare LF or CR is quoted too. csv-stringify leaves it on
  // only while record_delimiter is its default; naming CRLF turns it off, and a title's line break
  // would then end the record (the property test in test/cli/export.test.ts found it).
  return stringify(records as Array<Array<string | number>>, { record_delimiter: 'windows', quote_record_delimiter: true, escape_formulas: true });
}

/** A task as a row of the file, its times in the team's zone with their offset (the same instants repeat: each is converted once). */
function recordOf(week: string, zone: string): (task: ExportedTask) => Array<string | number> {
  const seen = new Map<string, string>();
  const local = (utc: string | null) => {
    if (!utc) return '';
    let text = seen.get(utc);
    if (text === undefined) {
      text = DateTime.fromISO(utc, { zone: 'utc' }).setZone(zone).toISO({ suppressMilliseconds: true })!;
      seen.set(utc, text);
    }
    return text;
  };
  return (task) => {
    const outcome = outcomeOf(task.status);
    const row: Record<ExportColumn, string | number> = {
      task_id: task.id,
      crm_task_id: task.crmTaskId ?? '',
      week,
      day: task.day,
      agent_slack_id: task.agentId,
      agent_name: task.agentName,
      customer_id: task.customerId ?? '',
      customer_name: task.customerName ?? '',
      task_type: task.typeKey,
      task_type_label: task.typeLabel,
      title: task.title,
      minutes: task.minutes,
      priority: task.priority,
      source: task.source,
      outcome,
      done_at: outcome === 'done' ? local(task.doneAt) : '',
      skipped_at: outcome === 'skipped' ? local(task.doneAt) : '',
      carried_over: task.status === 'carried_over' ? 'yes' : 'no',
      committed_at: local(task.committedAt),
    };
    return EXPORT_COLUMNS.map((c) => row[c]);
  };
}

/**
 * Streams the team's committed tasks of the week as CSV to `write`, chunk by chunk (the first holds
 * the BOM and the header), awaiting each write. Every page is read in one read-only snapshot, so the
 * file is the team as it stood at one instant. Null, and nothing written, when there is no such team.
 */
export async function writeWeekCsv(db: Db, params: WeekExportParams, write: (chunk: Buffer) => Promise<void> | void): Promise<WeekCsvInfo | null> {
  const week = weekOf(params.week);
  if (!week) throw new RangeError(`not a date: ${params.week}`);
  const team = await teamByName(db, params.team);
  if (!team) return null;
  const limit = params.pageSize ?? PAGE_SIZE;
  let rows = 0;
  await db.transaction(
    async (tx) => {
      await write(Buffer.from(BOM + csvLines([EXPORT_COLUMNS]), 'utf8'));
      // Whole carts per batch, about `limit` tasks each: one agent's week is never split.
      let batch: number[] = [];
      let size = 0;
      const flush = async () => {
        const page = await tasksOfCarts(tx, batch);
        if (page.length) await write(Buffer.from(csvLines(page.map(recordOf(week, team.timezone))), 'utf8'));
        rows += page.length;
        batch = [];
        size = 0;
      };
      for (const cart of await weekTaskLists(tx, team.id, week)) {
        if (batch.length && size + cart.tasks > limit) await flush();
        batch.push(cart.id);
        size += cart.tasks;
      }
      if (batch.length) await flush();
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return { filename: exportFilename(team.name, week), rows, team: team.name, week };
}

/**
 * The team's committed tasks of the week as one CSV file in memory, for a Slack upload:
 *
 *   const file = await exportWeekCsv(db, { team: team.name, week: lastWeekMonday });
 *   if (file) await uploadFile(client, { channel, filename: file.filename, bytes: file.bytes, … });
 *
 * Null when there is no such team. `week` is any day of the week; `file.week` is its Monday.
 */
export async function exportWeekCsv(db: Db, params: WeekExportParams): Promise<WeekCsv | null> {
  const chunks: Buffer[] = [];
  const info = await writeWeekCsv(db, params, (chunk) => void chunks.push(chunk));
  return info && { ...info, bytes: Buffer.concat(chunks) };
}
