// The folders a run makes go with it (test/support/temp.ts): a developer running the suite all day
// must not fill the disk (or the memory) with 32 MB data folders. What a killed run left is removed
// by the next one; what a run still going holds is left alone.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRunFolder, runParent, tempDir } from '../support/temp.ts';

describe('the folders tests make', () => {
  it('are made inside the run’s folder', () => {
    const dir = tempDir('taskcart-probe-');
    expect(dir.startsWith(join(runParent(), 'taskcart-test-'))).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('are where TASKCART_TEST_TMPDIR says, when it is set', () => {
    const chosen = tempDir('taskcart-chosen-');
    const script = "import('./test/support/temp.ts').then((m) => { const run = m.makeRunFolder(); console.log(run.root); run.remove(); })";
    const root = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, TASKCART_TEST_TMPDIR: chosen }, encoding: 'utf8' }).trim();
    expect(root.startsWith(join(chosen, 'taskcart-test-'))).toBe(true);
    expect(readdirSync(chosen)).toEqual([]);
    rmSync(chosen, { recursive: true });
  });

  it('go with their run; a run killed before its end is cleared by the next, a live one is not', async () => {
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => gone.once('exit', r));
    const left = join(runParent(), `taskcart-test-${gone.pid}-killed`);
    const running = join(runParent(), `taskcart-test-${alive.pid}-running`);
    for (const d of [left, running]) {
      mkdirSync(join(d, 'data'), { recursive: true });
      writeFileSync(join(d, 'data', 'PG_VERSION'), '17');
    }
    const run = makeRunFolder();
    try {
      expect(existsSync(run.root)).toBe(true);
      expect(existsSync(left)).toBe(false);
      expect(existsSync(running)).toBe(true);
      run.remove();
      expect(existsSync(run.root)).toBe(false);
    } finally {
      run.remove();
      alive.kill();
      rmSync(running, { recursive: true, force: true });
      rmSync(left, { recursive: true, force: true });
    }
  });
});
