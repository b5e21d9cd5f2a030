// Imports one CSV file: every row is checked first; a file with any bad row
// writes nothing; a good file is written in one transaction, upserting by key.
import { parse } from 'csv-parse/sync';
import type { Db } from '../../db/client.ts';
import { isUnchanged, loadExisting, loadRefs, writeRecords } from '../../db/queries/import.ts';
import { FieldError, type Cells } from './fields.ts';
import { KINDS, type ImportKind } from './kinds.ts';

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
  errors: ImportIssue[];
  written: boolean;
}

export interface ImportOptions {
  dryRun?: boolean;
  onProgress?: (stage: 'checked' | 'written', done: number, total: number) => void;
}

type Parsed = { record: string[]; info: { lines: number } };

export async function importCsv(db: Db, kind: ImportKind, content: string | Buffer, options: ImportOptions = {}): Promise<ImportReport> {
  const spec = KINDS[kind];
  const report: ImportReport = { kind, rows: 0, inserted: 0, updated: 0, unchanged: 0, errors: [], written: false };
  let parsed: Parsed[];
  try {
    parsed = parse(content, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as Parsed[];
  } catch (e) {
    const err = e as { lines?: number; message: string };
    report.errors.push({ line: err.lines ?? 1, column: null, reason: `not valid CSV: ${err.message.replace(/^Invalid .*?: /, '')}` });
    return report;
  }
  const [head, ...rows] = parsed;
  if (!head) {
    report.errors.push({ line: 1, column: null, reason: 'the file is empty: it needs a header row' });
    return report;
  }
  const header = head.record.map((h) => h.trim().toLowerCase());
  for (const col of spec.required) {
    if (!header.includes(col)) report.errors.push({ line: head.info.lines, column: col, reason: 'required column is missing from the header' });
  }
  header.forEach((h) => {
    if (!spec.columns.includes(h)) {
      report.errors.push({ line: head.info.lines, column: h, reason: `unknown column; ${kind} files have ${spec.columns.join(', ')}` });
    }
  });
  if (report.errors.length) return report;

  const refs = await loadRefs(db, spec.needs);
  const seen = new Map<string, number>();
  const records: { key: string; record: Record<string, unknown> }[] = [];
  report.rows = rows.length;
  rows.forEach(({ record: fields, info }, i) => {
    const line = info.lines;
    if (fields.length !== header.length) {
      report.errors.push({ line, column: null, reason: `has ${fields.length} fields, the header has ${header.length}` });
      return;
    }
    const cells: Cells = Object.fromEntries(header.map((h, j) => [h, fields[j]!]));
    try {
      const r = spec.parse(cells, refs as never);
      const first = seen.get(r.key);
      if (first !== undefined) {
        report.errors.push({ line, column: spec.required[0] ?? null, reason: `duplicate key "${r.key}", first on line ${first}` });
        return;
      }
      seen.set(r.key, line);
      records.push(r);
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      report.errors.push({ line, column: e.column, reason: e.message });
    }
    if ((i + 1) % 10_000 === 0) options.onProgress?.('checked', i + 1, rows.length);
  });
  if (report.errors.length) return report;

  const existing = await loadExisting(db, kind);
  const changed: Record<string, unknown>[] = [];
  for (const { key, record } of records) {
    const before = existing.get(key);
    if (before === undefined) report.inserted += 1;
    else if (isUnchanged(kind, before, record)) {
      report.unchanged += 1;
      continue;
    } else report.updated += 1;
    changed.push(record);
  }
  if (options.dryRun || !changed.length) return report;
  await writeRecords(db, kind, changed, (n) => options.onProgress?.('written', n, changed.length));
  report.written = true;
  return report;
}
