import { runWithOptions } from '../shared/command-line.ts';
import { runCommand } from '../shared/run-command.ts';
import { replayQuarantine } from './replay.ts';
import { REPLAY_COMMAND, type ReplayCommandOptions } from './replay-options.ts';

process.removeAllListeners('warning');

const replay = async (options: ReplayCommandOptions): Promise<number> => {
  const result = await replayQuarantine(options);
  console.log(result.report);
  return result.unsent > 0 ? 1 : 0;
};

runCommand('replay', () => runWithOptions(REPLAY_COMMAND, process.argv.slice(2), replay));
