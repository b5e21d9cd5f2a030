// Imports one CSV file, all or nothing (docs/import.md). The file is read as a stream, decoded
// and parsed a chunk at a time; each row is checked and staged in a temporary table inside one
// transaction; once every row is in, the database checks references and duplicate keys, and either
// every problem is reported (first 50 rows) and the transaction rolled back, or the rows are
// upserted in one statement and committed. Memory stays flat whatever the file's size.
import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import type { Db, DbOrTx } from '../../db/client.ts';
import { describeDatabaseError, isDatabaseError, isRowError } from '../../db/errors.ts';
import {
  checkReference,
  columnNames,
  createStaging,
  loadRefs,
  markDuplicates,
  stagedLine,
  stagedProblems,
  stageRows,
  writeStaged,
  type StagedRow,
} from '../../db/queries/import.ts';
import { EncodingError, checkText, chooseEncoding, decoder, isUtf8Encoding, type ByteSource, type Encoding } from './encoding.ts';
import { Row, unsafeCell } from './fields.ts';
import { KINDS, type ImportKind, type KindSpec, type Refs } from './kinds.ts';

export interface ImportIssue {
  line: number;
  column: string | null;
  reason: string;
}

export interface ImportReport {
  kind: ImportKind;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Every problem of the first LISTED_ROWS rows that have any, by line and column. */
  errors: ImportIssue[];
  /** How many rows have problems in all (the header counts as one). */
  problemRows: number;
  written: boolean;
  /** The encoding the bytes were read as; null when the text was given as a string. */
  encoding: Encoding | null;
}

export interface ImportOptions {
  dryRun?: boolean;
  /** Read the bytes as this encoding instead of detecting it. */
  encoding?: Encoding;
  /** Told once the encoding is known, before the long work. */
  onEncoding?: (encoding: Encoding) => void;
  onProgress?: (stage: 'checked', rows: number) => void;
}

/** Rows listed with their problems; beyond them, only a count. */
export const LISTED_ROWS = 50;
const BATCH = 1000;
/** A row longer than this is almost surely a quote that is never closed: stop before it eats the file. */
const MAX_ROW_CHARS = 1_000_000;

/** The import could not be done: the file as a whole, or the database. Its message is safe to show. */
export class ImportFailure extends Error {
  constructor(
    readonly line: number | null,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** Imports text or bytes held in memory: the demo, tests, small files. */
export function importCsv(db: Db, kind: ImportKind, content: string | Buffer, options: ImportOptions = {}): Promise<ImportReport> {
  if (typeof content === 'string') return run(db, kind, { text: content }, options);
  return run(db, kind, { bytes: () => Readable.from([content]) }, options);
}

/** Imports a file from disk, streaming it. */
export function importFile(db: Db, kind: ImportKind, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  return run(db, kind, { bytes: () => createReadStream(path, { highWaterMark: 64 * 1024 }) }, options);
}

const ROLLBACK = Symbol('rollback');

async function run(db: Db, kind: ImportKind, source: { text: string } | { bytes: ByteSource }, options: ImportOptions): Promise<ImportReport> {
  const spec: KindSpec = KINDS[kind];
  const report: ImportReport = { kind, rows: 0, inserted: 0, updated: 0, unchanged: 0, errors: [], problemRows: 0, written: false, encoding: null };
  let phase = 'staging' as 'staging' | 'writing';
  try {
    const open = await textOf(source, report, options);
    const refs = await loadRefs(db, spec.needs);
    await db.transaction(async (tx) => {
      await createStaging(tx);
      const header = await stageFile(tx, spec, kind, open, refs, report, options);
      await reportProblems(tx, spec, header, report);
      phase = 'writing';
      const fields = Object.keys(spec.fields);
      // A field is updated only when the file has one of its columns.
      const update = fields.filter((f) => spec.fields[f]!.some((c) => header.includes(c)));
      const counts = await writeOrLocate(tx, kind, fields, update, report.rows);
      report.inserted = counts.inserted;
      report.updated = counts.updated;
      report.unchanged = report.rows - counts.inserted - counts.updated;
      if (options.dryRun) throw ROLLBACK;
      report.written = counts.inserted + counts.updated > 0;
    });
  } catch (e) {
    if (e === ROLLBACK) return report;
    if (e instanceof EncodingError) {
      report.errors = [{ line: e.line, column: null, reason: e.message }];
      report.problemRows = 1;
      return report;
    }
    if (e instanceof ImportFailure) throw e;
    if (isDatabaseError(e)) {
      throw new ImportFailure(null, `the database refused the ${phase === 'writing' ? 'write' : 'rows being checked'}: ${describeDatabaseError(e)}`, { cause: e });
    }
    throw e;
  }
  return report;
}

/** The file as text for the parser: bytes in the encoding chosen (told to the caller), checked. */
async function textOf(source: { text: string } | { bytes: ByteSource }, report: ImportReport, options: ImportOptions): Promise<() => Readable> {
  if ('text' in source) {
    const broken = checkText(source.text);
    if (broken) throw broken;
    return () => Readable.from([source.text]);
  }
  let encoding: Encoding;
  try {
    encoding = await chooseEncoding(source.bytes, options.encoding);
  } catch (e) {
    if (e instanceof EncodingError) {
      report.encoding = e.encoding;
      options.onEncoding?.(e.encoding);
    }
    throw e;
  }
  report.encoding = encoding;
  options.onEncoding?.(encoding);
  // UTF-8 was checked whole by chooseEncoding: its bytes go to the parser as they are.
  return isUtf8Encoding(encoding) ? source.bytes : () => pipeline(source.bytes(), decoder(encoding), () => {});
}

/**
 * Parses the file and stages every row with the problems found in its cells; returns the header.
 * A problem with the file as a whole (header, quoting before the first row) is reported at once.
 */
async function stageFile(
  tx: DbOrTx,
  spec: KindSpec,
  kind: ImportKind,
  open: () => Readable,
  refs: Refs,
  report: ImportReport,
  options: ImportOptions,
): Promise<string[]> {
  const names = columnNames(kind);
  const refuse = (issues: ImportIssue[]): never => {
    report.errors.push(...issues);
    report.problemRows = 1;
    throw ROLLBACK;
  };
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_ROW_CHARS,
  });
  // A record csv-parse skips (bad quoting) is reported where it stands: after the records parsed
  // before it, which the loop below may not have reached yet. Reading stops there, as the
  // parser cannot tell where the next row starts.
  const skipped: Array<{ after: number; reason: string }> = [];
  parser.on('skip', (err: CsvError) => skipped.push({ after: parser.info.records, reason: csvReason(err) }));
  pipeline(open(), parser, () => {});

  let header: string[] | null = null;
  // Each row is kept as its JSON only: the row's objects die young, and memory stays flat.
  let batch: string[] = [];
  let records = 0;
  let lastLine = 0;
  const flush = async (force = false) => {
    if (batch.length >= BATCH || (force && batch.length)) {
      await stageRows(tx, `[${batch.join(',')}]`);
      batch = [];
    }
  };
  const stage = async (row: Omit<StagedRow, 'n'>) => {
    report.rows += 1;
    batch.push(JSON.stringify({ n: report.rows, ...row }));
    await flush();
  };
  /** Stages the parser's refusal once the loop is where it stands; true when there is one. */
  const badQuoting = async () => {
    if (!skipped.length || skipped[0]!.after > records) return false;
    const reason = `${skipped[0]!.reason}; the rows after it were not read`;
    skipped.length = 0;
    if (!header) refuse([{ line: lastLine + 1, column: null, reason }]);
    await stage({ line: lastLine + 1, key: null, record: {}, problems: [{ column: null, reason }] });
    return true;
  };

  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
    if (await badQuoting()) break;
    const line = info.lines - newlines(record);
    records += 1;
    lastLine = info.lines;
    if (!header) {
      const problems = headerProblems(record, spec, kind);
      if (problems.length) refuse(problems.map((p) => ({ line, ...p })));
      header = record.map((h) => h.trim().toLowerCase());
      continue;
    }
    if (record.every((v) => !v.trim())) continue; // Excel's trailing rows of commas
    if (record.length !== header.length) {
      await stage({ line, key: null, record: {}, problems: [{ column: null, reason: `has ${record.length} fields, the header has ${header.length}` }] });
      continue;
    }
    const row = new Row(new Map(header.map((h, j) => [h, record[j]!])));
    const { key, record: parsed } = spec.parse(row, refs);
    const staged: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(parsed)) if (value !== undefined) staged[names[field]!] = value;
    await stage({ line, key: key ?? null, record: staged, problems: row.ok ? null : row.problems });
    if (report.rows % 50_000 === 0) options.onProgress?.('checked', report.rows);
  }
  records = Infinity;
  await badQuoting();
  await flush(true);
  return header ?? refuse([{ line: 1, column: null, reason: 'the file is empty: it needs a header row naming its columns' }]);
}

/** The database's checks (references, duplicate keys), then every problem of the first rows that have any. */
async function reportProblems(tx: DbOrTx, spec: KindSpec, header: string[], report: ImportReport): Promise<void> {
  const names = columnNames(report.kind);
  for (const ref of spec.references) await checkReference(tx, { ...ref, field: names[ref.field]! });
  await markDuplicates(tx, spec.keyColumn);
  const problems = await stagedProblems(tx, LISTED_ROWS);
  if (!problems.total) return;
  const order = (c: string | null) => (c === null ? -1 : header.indexOf(c));
  for (const r of problems.rows) {
    for (const p of [...r.problems].sort((a, b) => order(a.column) - order(b.column))) report.errors.push({ line: r.line, ...p });
  }
  report.problemRows = problems.total;
  throw ROLLBACK;
}

/**
 * Writes the staged rows (in a savepoint). When the database refuses a row, finds which by
 * halving the rows (each try rolled back), so the failure names its line.
 */
async function writeOrLocate(tx: DbOrTx, kind: ImportKind, fields: string[], update: string[], rows: number) {
  try {
    return await tx.transaction((sp) => writeStaged(sp, kind, fields, update));
  } catch (e) {
    if (!isRowError(e)) throw e;
    const fails = async (from: number, to: number) => {
      try {
        await tx.transaction(async (sp) => {
          await writeStaged(sp, kind, fields, update, { from, to });
          throw ROLLBACK;
        });
      } catch (probe) {
        if (probe === ROLLBACK) return false;
        if (isRowError(probe)) return true;
        throw probe;
      }
      return false;
    };
    let lo = 1;
    let hi = rows;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await fails(lo, mid)) hi = mid;
      else lo = mid + 1;
    }
    const line = (await fails(lo, lo)) ? await stagedLine(tx, lo) : null;
    throw new ImportFailure(line, `the database refused ${line ? 'this row' : 'the write'}: ${describeDatabaseError(e)}`, { cause: e });
  }
}

function newlines(record: string[]): number {
  let count = 0;
  for (const field of record) {
    if (field.includes('\n') || field.includes('\r')) count += (field.match(/\r\n|\r|\n/g) ?? []).length;
  }
  return count;
}

function headerProblems(record: string[], spec: KindSpec, kind: string): Array<Omit<ImportIssue, 'line'>> {
  const problems: Array<Omit<ImportIssue, 'line'>> = [];
  const header = record.map((h) => h.trim().toLowerCase());
  if (header.length === 1 && /[;\t]/.test(header[0]!)) {
    const tab = header[0]!.includes('\t');
    return [
      {
        column: null,
        reason: tab
          ? 'the header has one column with tabs in it: the file looks like tab-separated text (Excel\'s "Unicode Text"); save it as "CSV UTF-8 (Comma delimited)" instead'
          : 'the header has one column with ";" in it: the file looks separated by semicolons, as Excel saves CSV in some locales; save it as CSV with commas ("CSV UTF-8 (Comma delimited)"), or replace the ; between columns with ,',
      },
    ];
  }
  header.forEach((h, i) => {
    const unsafe = unsafeCell(record[i]!);
    if (unsafe) problems.push({ column: null, reason: `column ${i + 1} of the header ${unsafe}` });
    else if (!spec.columns.includes(h)) problems.push({ column: h || `(column ${i + 1})`, reason: `unknown column; ${kind} files have ${spec.columns.join(', ')}` });
    else if (header.indexOf(h) !== i) problems.push({ column: h, reason: 'appears twice in the header' });
  });
  for (const col of spec.required) {
    if (!header.includes(col)) problems.push({ column: col, reason: 'required column is missing from the header' });
  }
  return problems;
}

/** csv-parse's messages quote the cell; ours say what to fix. */
function csvReason(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'not valid CSV: a quoted cell starting here is never closed (a " is missing at its end)';
    case 'CSV_MAX_RECORD_SIZE':
      return `not valid CSV: the row starting here is longer than ${MAX_ROW_CHARS.toLocaleString('en')} characters, probably a quote that is never closed`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'not valid CSV: a quoted cell has more text after its closing quote (a " inside quotes is written "")';
    case 'INVALID_OPENING_QUOTE':
      return 'not valid CSV: a " in the middle of an unquoted cell (put the cell in quotes and write the " as "")';
    default:
      return `not valid CSV (${err.code})`;
  }
}

