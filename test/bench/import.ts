// Import benchmark: 100,000 customer rows, first import and re-import, on the embedded database and (with DATABASE_URL) PostgreSQL.
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../db/client.ts';
import { importCsv } from '../../src/import/run.ts';

function customersCsv(n: number): string {
  const rows = ['customer_id,name,owner,segment,region,tags,last_contact,renewal_date,phone'];
  for (let i = 0; i < n; i++) {
    rows.push(`C${i},"客户 ${i} Customer, Ltd",,${['gold', 'silver', 'bronze'][i % 3]},R${i % 20},vip;new,2026-0${1 + (i % 9)}-1${i % 10},,+86 21 ${i}`);
  }
  return rows.join('\n');
}

export async function benchImport(opts: { rows: number; databaseUrl?: string }): Promise<void> {
  console.log(`\n## Import of ${opts.rows.toLocaleString('en')} customer rows`);
  console.log('| database | first import (s) | rows/s | re-import, all unchanged (s) |');
  console.log('|---|---:|---:|---:|');
  const csv = customersCsv(opts.rows);
  const targets: Array<[string, () => ReturnType<typeof openDatabase>]> = [['embedded (PGlite)', () => openDatabase({ dataDir: 'memory://' })]];
  if (opts.databaseUrl) targets.push(['PostgreSQL 15', () => openDatabase({ databaseUrl: opts.databaseUrl })]);
  for (const [name, open] of targets) {
    const database = await open();
    try {
      await database.exec('truncate customers cascade');
      let t = performance.now();
      const first = await importCsv(database.db, 'customers', csv);
      const firstS = (performance.now() - t) / 1000;
      t = performance.now();
      const again = await importCsv(database.db, 'customers', csv);
      const againS = (performance.now() - t) / 1000;
      if (first.inserted !== opts.rows || again.unchanged !== opts.rows) throw new Error('import bench: unexpected counts');
      console.log(`| ${name} | ${firstS.toFixed(1)} | ${Math.round(opts.rows / firstS).toLocaleString('en')} | ${againS.toFixed(1)} |`);
      await database.exec('truncate customers cascade');
    } finally {
      await database.close();
    }
  }
}
