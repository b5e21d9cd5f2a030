// `import <kind> <file.csv>`: check a CSV file whole, then load it in one transaction or not at all.
// Formats, encodings and messages: docs/import.md.
import { statSync } from 'node:fs';
import { describeEncodingChoice, namedEncoding } from '../../import/encoding.ts';
import { IMPORT_KINDS, type ImportKind } from '../../import/kinds.ts';
import { ImportFailure, importFile } from '../../import/run.ts';
import { CommandError, UsageError, withDatabase, type Command } from '../command.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'check a CSV file and load it, all or nothing',
  usage: `npm run cli -- import <kind> <file.csv> [--dry-run] [--encoding NAME]

Checks every row of the file, then writes it in one transaction, or writes nothing and lists
each problem as file:line: column: reason (the first 50 rows with problems).
Importing the same file again changes nothing.

  <kind>             ${IMPORT_KINDS.join(', ')}
  --dry-run          check and count, write nothing
  --encoding NAME    read the file as NAME (utf-8, gb18030, gbk, utf-16le, big5, …) instead of
                     detecting it: a byte order mark, else UTF-8 if the file is valid UTF-8, else GB18030

Example: npm run cli -- import customers customers.csv
Columns of each kind, encodings and examples: docs/import.md`,
  options: {
    'dry-run': { type: 'boolean' },
    encoding: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [kind, file, ...extra] = positionals;
    if (!kind || !file) throw new UsageError('name the kind of file and the file');
    if (!IMPORT_KINDS.includes(kind as ImportKind)) throw new UsageError(`unknown kind "${kind}"`);
    if (extra.length) throw new UsageError(`one file at a time (got also ${extra.join(' ')})`);
    const encoding = values.encoding === undefined ? undefined : namedEncoding(String(values.encoding));
    if (encoding === null) throw new UsageError(`unknown encoding "${String(values.encoding)}" (try utf-8, gb18030, utf-16le, big5)`);
    const found = statSync(file, { throwIfNoEntry: false });
    if (!found) throw new CommandError(`cannot read ${file}: no such file`);
    if (!found.isFile()) throw new CommandError(`cannot read ${file}: not a file`);
    const dryRun = values['dry-run'] === true;
    return withDatabase(io, async (database) => {
      const started = Date.now();
      let report;
      try {
        report = await importFile(database.db, kind as ImportKind, file, {
          dryRun,
          encoding,
          onEncoding: (e) => io.out(`${file}: ${describeEncodingChoice(e)}`),
          onProgress: (_stage, rows) => io.err(`  checked ${rows.toLocaleString('en')} rows…`),
        });
      } catch (e) {
        if (!(e instanceof ImportFailure)) throw e;
        throw new CommandError(`${file}${e.line ? `:${e.line}` : ''}: ${e.message}. Nothing of ${file} was written.`);
      }
      if (report.problemRows) {
        for (const p of report.errors) io.err(`${file}:${p.line}: ${p.column ? `${p.column}: ` : ''}${p.reason}`);
        const listed = new Set(report.errors.map((p) => p.line)).size;
        if (report.problemRows > listed) io.err(`… and ${(report.problemRows - listed).toLocaleString('en')} more rows with problems`);
        io.err(`${report.problemRows.toLocaleString('en')} row(s) with problems: nothing of ${file} was written.`);
        return 1;
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      io.out(
        `${kind}: ${dryRun ? 'would import' : 'imported'} ${report.rows} rows: ${report.inserted} inserted, ${report.updated} updated, ${report.unchanged} unchanged (${seconds} s)`,
      );
      return 0;
    });
  },
};
