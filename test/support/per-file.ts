// Runs with every test file (vitest.config.ts setupFiles): a process the file started and left
// running — a test that timed out waiting for it to exit — is killed when the file ends, so that it
// neither takes a port and the cores from the files after it nor outlives the run (spawn.ts).
import { afterAll } from 'vitest';
import { stopLeftovers } from './spawn.ts';

afterAll(() => {
  stopLeftovers();
});
