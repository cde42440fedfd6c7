import { parseArgs } from 'node:util';
import { runCommand } from '../cli-exit.ts';
import { DEFAULT_STATE_DIR } from '../cloud-state.ts';
import { replayQuarantine } from './replay.ts';

process.removeAllListeners('warning');

const USAGE = `npm run replay -- [--dry-run] [--state-dir DIR]

Re-classifies every quarantined record of the last npm start with the current contracts and the
aggregate function's acceptance policy (lateness judged at the record's original arrival), and puts
the ones that now pass back into the stream — original bytes, original partition key — starting
Kinesis on the saved state. Each record is replayed at most once: <state-dir>/replay-ledger.jsonl
remembers what was. The next npm start counts the copies. --dry-run reports and writes nothing.`;

const main = async (): Promise<number> => {
  let values: { 'dry-run'?: boolean; 'state-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        'dry-run': { type: 'boolean' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const result = await replayQuarantine({
    stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
    dryRun: values['dry-run'] ?? false,
  });
  console.log(result.report);
  return result.unsent > 0 ? 1 : 0;
};

runCommand('replay', main);
