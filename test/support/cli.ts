// Runs the command line as an admin does: its own process, its own environment, exit code and output.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run cli -- …args` (as `node --import tsx src/cli/index.ts`, what tsx runs), in the repository's folder. */
export async function cli(args: string[], env: NodeJS.ProcessEnv, command: 'node' | 'npm' = 'node'): Promise<CliRun> {
  const [file, argv] = command === 'npm' ? ['npm', ['run', '-s', 'cli', '--', ...args]] : [process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args]];
  const child = spawn(file, argv as string[], { cwd: root, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const [code] = (await once(child, 'close')) as [number];
  return { code, stdout, stderr };
}
