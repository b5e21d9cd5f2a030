// `demo`: a demo contact center, loaded through the importer (running it twice changes nothing).
import { UsageError, withDatabase, type Command } from '../command.ts';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'load a demo contact center (safe to run twice)',
  usage: `npm run cli -- demo

Loads two teams (Shanghai Care, New York Sales), their agents and supervisors, customers,
recommendations and next week's tasks, through the importer: running it again changes nothing.`,
  options: {},
  async run({ positionals }, io) {
    if (positionals.length) throw new UsageError(`demo takes no arguments (got ${positionals.join(' ')})`);
    const { loadDemo } = await import('../../services/demo.ts');
    return withDatabase(io, async (database) => {
      io.out(await loadDemo(database.db, new Date()));
      return 0;
    });
  },
};
