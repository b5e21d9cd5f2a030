// The order files start in. Vitest starts first the files that took longest in the run before on the
// same database (its cache in node_modules/.vite, kept per project: vitest.config.ts names the
// project `embedded` or `postgres`); a fresh clone — CI, on either database — has no such run, and
// vitest then starts the largest files first. There the files that mostly wait, on the processes
// they start and the timeouts they wait out (test/process/: start-up errors wait 10 s on a Slack
// that never answers, `npm start` and its stop, migrations by three bots; the app's own process, a
// database cut off, the command line), started after some 45 s of the others and ended last: 91–94 s
// of wall for the embedded suite on the AMD EPYC of 2026-11-27, against 77–85 s with the durations
// known. Without durations, they start first here, so their waits overlap work.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that start processes or wait out timeouts: test/process/, the app's own process and outages, the command line. */
const WAITING = /[\\/]test[\\/](process[\\/]|slack[\\/](process|outage)\.test\.ts$|cli[\\/]cli\.test\.ts$)/;
const waits = (spec: TestSpecification) => WAITING.test(spec.moduleId);

export class WaitersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const known = (spec: TestSpecification) => this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`) !== undefined;
    if (files.every(known)) return sorted;
    return [...sorted.filter(waits), ...sorted.filter((spec) => !waits(spec))];
  }
}
