// Import benchmark: a customers file of 100,000 rows and one of about 50 MB (310,000 rows), each
// imported by the command line in a fresh process, then imported again (all unchanged). Prints the
// time and the command's peak RSS, on the embedded database (a data folder on disk, as the command
// line uses) and, with DATABASE_URL, on PostgreSQL (whose own memory is not counted).
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { openDatabase } from '../../db/client.ts';
import { importCsv } from '../../src/import/run.ts';
import { scratchFolder, stopOnInterrupt } from './scratch.ts';

const AGENTS = 200;
const agent = (i: number) => `U0BENCH${String(i % AGENTS).padStart(3, '0')}`;
const NAMES = ['华兴贸易', '东方电器', '海天食品', '长江物流', '金桥科技', '绿源农业', '明珠酒店', '新世纪百货'];
const REGIONS = ['Pudong, Shanghai', 'Huangpu, Shanghai', 'Xuhui, Shanghai', 'Minhang, Shanghai', 'Queens, New York', 'Brooklyn, New York'];

/** A customers file of `rows` rows, written a chunk at a time; about 165 bytes a row, as a CRM export with Chinese names. */
export async function customersFile(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('customer_id,name,owner,segment,region,tags,last_contact,renewal_date,phone\n');
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const m = 1 + (i % 12);
    const d = 1 + (i % 28);
    chunk.push(
      `C${String(i).padStart(7, '0')},"上海${NAMES[i % NAMES.length]}有限公司 Customer ${i} Trading, Ltd",${agent(i)},${['gold', 'silver', 'bronze'][i % 3]},"${REGIONS[i % REGIONS.length]}",vip;wholesale;r${i % 50},2026-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')},2027-${String(13 - m).padStart(2, '0')}-${String(d).padStart(2, '0')},+86 21 5555 ${String(i % 10000).padStart(4, '0')}\n`,
    );
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join(''))) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end(chunk.join(''));
  await once(out, 'finish');
}

/**
 * Runs `import customers <file>` as the admin does (the command line in its own process) and
 * samples the process's VmHWM, the kernel's high-water mark of its resident memory, until it exits.
 */
async function measure(env: NodeJS.ProcessEnv, file: string) {
  const cli = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'import', 'customers', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  let peakKiB = 0;
  const sample = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
    } catch {
      // exited
    }
  };
  const timer = setInterval(sample, 25);
  const started = performance.now();
  const forget = stopOnInterrupt(child);
  const [code] = (await once(child, 'exit')) as [number];
  forget();
  clearInterval(timer);
  const wall = (performance.now() - started) / 1000;
  const summary = /imported (\d+) rows: (\d+) inserted, (\d+) updated, (\d+) unchanged \(([\d.]+) s\)/.exec(out);
  if (code !== 0 || !summary) throw new Error(`import bench: the command failed (${code}): ${err.slice(0, 500)}`);
  const [, rows, inserted, , unchanged, seconds] = summary.map(Number) as number[];
  return { rows: rows!, inserted: inserted!, unchanged: unchanged!, seconds: seconds!, wall, peakMiB: peakKiB / 1024 };
}

async function prepare(target: string): Promise<void> {
  const database = await openDatabase(target.startsWith('postgres') ? { databaseUrl: target } : { dataDir: target });
  try {
    await database.exec('truncate customers, people, teams restart identity cascade');
    await importCsv(database.db, 'teams', 'team\nBench\n');
    await importCsv(database.db, 'people', ['slack_user_id,name,team,role', ...Array.from({ length: AGENTS }, (_, i) => `${agent(i)},Agent ${i},Bench,agent`)].join('\n'));
  } finally {
    await database.close();
  }
}

export async function benchImport(opts: { quick: boolean; databaseUrl?: string }): Promise<void> {
  const scratch = scratchFolder('taskcart-bench-import-');
  const dir = scratch.path;
  try {
    const files: Array<[string, string]> = [];
    for (const rows of opts.quick ? [10_000] : [100_000, 310_000]) {
      const file = join(dir, `customers-${rows}.csv`);
      await customersFile(file, rows);
      files.push([`${rows.toLocaleString('en')} rows, ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`, file]);
    }
    console.log('\n## Import of a customers file: `npm run cli -- import customers <file>`, each run a fresh process');
    console.log('| database | file | first import, s (whole command) | rows/s | peak RSS (MiB) | re-import, all unchanged, s (whole command) | peak RSS (MiB) |');
    console.log('|---|---|---:|---:|---:|---:|---:|');
    const targets: Array<[string, (i: number) => string]> = [['embedded (PGlite)', (i) => join(dir, `data-${i}`)]];
    if (opts.databaseUrl) targets.push(['PostgreSQL 15', () => opts.databaseUrl!]);
    for (const [name, target] of targets) {
      for (const [i, [label, file]] of files.entries()) {
        await prepare(target(i));
        const env = target(i).startsWith('postgres') ? { DATABASE_URL: target(i) } : { DATABASE_URL: '', DATA_DIR: target(i) };
        const first = await measure(env, file);
        const again = await measure(env, file);
        if (first.inserted !== first.rows || again.unchanged !== first.rows) throw new Error(`import bench: unexpected counts ${JSON.stringify({ first, again })}`);
        console.log(
          `| ${name} | ${label} | ${first.seconds.toFixed(1)} (${first.wall.toFixed(1)}) | ${Math.round(first.rows / first.seconds).toLocaleString('en')} | ${Math.round(first.peakMiB)} | ${again.seconds.toFixed(1)} (${again.wall.toFixed(1)}) | ${Math.round(again.peakMiB)} |`,
        );
        if (name.startsWith('embedded')) rmSync(target(i), { recursive: true, force: true });
      }
    }
    if (opts.databaseUrl) await prepare(opts.databaseUrl);
  } finally {
    scratch.remove();
  }
}
