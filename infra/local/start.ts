import { UsageError } from '../../producers/cli-options.ts';
import { demoSummary, liveLine } from './demo-summary.ts';
import { verifySummary } from './lake/verify-lake.ts';
import { verifyLocalCloud } from './lake/verify-local.ts';
import { type DemoRun, runDemo } from './run-demo.ts';
import { parseStartArgs, START_USAGE } from './start-options.ts';
import { StateDirError } from './state-dir.ts';

// The AWS SDK warns once per process about Node 20; the demo's output is the pipeline's, not that.
process.removeAllListeners('warning');

/**
 * One Ctrl-C can arrive more than once: a terminal signals its whole foreground process group, and the
 * wrappers in it (npm's run-script, tsx's CLI) relay the signal to their child too, a few to some tens
 * of milliseconds later. Signals this close to the one before count as that one; a second Ctrl-C given
 * on purpose comes later.
 *
 * What no handler here can prevent: tsx's CLI (`npm start` runs `tsx infra/local/start.ts`) waits 30 ms
 * for this process to acknowledge each SIGINT it gets, relays it if not, waits 30 ms more and then
 * SIGKILLs this process. A Ctrl-C while this event loop is held up for ~60 ms (a loaded machine) thus
 * ends the run at once: no drain, no summary (DynamoDB Local is then stopped by its watchdog; the
 * checkpoints are those of the last batch done). `node --import tsx infra/local/start.ts` has no such wrapper.
 */
const SAME_CTRL_C_MS = 1_000;

const n = (value: number) => value.toLocaleString('en-US');

/** The line after the summary that says how the drain ended. */
const drainLine = (run: DemoRun): string =>
  run.drained
    ? `  drain                   caught up ${(run.drainMs / 1000).toFixed(1)}s after the producers stopped`
    : `  drain                   NOT caught up: ${n(run.behind)} records behind, ${
        run.drainCutShort === 'forced' ? 'stopped by a second Ctrl-C' : 'deadline reached'
      } ${(run.drainMs / 1000).toFixed(1)}s after the producers stopped (they stay in the stream for the next start)`;

const main = async (): Promise<number> => {
  let options: ReturnType<typeof parseStartArgs>;
  try {
    options = parseStartArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (!options) {
    console.log(START_USAGE);
    return 0;
  }
  // First Ctrl-C (or SIGTERM): stop producing, drain, checkpoint, summary, verify, stop the servers.
  const stop = new AbortController();
  // A second one: stop draining (or verifying) now, checkpoint the in-flight batch, stop, exit 130.
  const force = new AbortController();
  let lastSignalMs = 0;
  let cloudUp = false;
  const onSignal = () => {
    const now = Date.now();
    if (now - lastSignalMs < SAME_CTRL_C_MS) return;
    lastSignalMs = now;
    if (!stop.signal.aborted) {
      process.stderr.write(
        '\nstopping: no new events; the consumers catch up, then checkpoints are saved (Ctrl-C again to stop without catching up)\n',
      );
      stop.abort();
    } else if (!force.signal.aborted && cloudUp) {
      process.stderr.write(
        '\nstopping now: the in-flight batch is checkpointed, the rest stays in the stream (Ctrl-C again to quit at once)\n',
      );
      force.abort();
    } else {
      // Still starting (nothing to save yet) or a third Ctrl-C: quit; DynamoDB Local is killed on 'exit'.
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = process.stderr.isTTY;
  console.error(
    `streamlake: starting the local cloud in ${options.stateDir}${options.fresh ? ' (fresh)' : ''} …`,
  );
  let run: DemoRun;
  try {
    run = await runDemo(
      options,
      stop.signal,
      {
        onReady: (cloud) => {
          cloudUp = true;
          console.error(
            `local cloud up: Kinesis ${cloud.endpoints.kinesis}, DynamoDB ${cloud.endpoints.dynamodb}, S3 ${cloud.endpoints.s3}, SNS ${cloud.endpoints.sns}\n` +
              `producing ${options.rate} events/s ${options.forever ? 'until Ctrl-C' : `for ${options.durationSeconds}s`} …`,
          );
        },
        onOpsReady: (ops) => console.error(`ops dashboard: ${ops.url}`),
        onAlert: (line) => process.stderr.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`),
        onProgress: (producer, _stats, _cloud, ops) => {
          const line = liveLine(producer, ops.live());
          process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
        },
      },
      force.signal,
    );
  } catch (error) {
    if (error instanceof StateDirError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (tty) process.stderr.write('\n');
  console.log(demoSummary(run));
  console.log(drainLine(run));
  let consistent = true;
  if (run.drained && !force.signal.aborted) {
    // Three-way check: producers' ground truth vs DynamoDB rollups vs a SQL recount over the lake.
    const verifying = verifyLocalCloud(run.cloud, options.stateDir);
    // A second Ctrl-C does not wait for the check; if it then fails against stopped servers, no matter.
    verifying.catch(() => undefined);
    const forced = new Promise<'forced'>((resolve) =>
      force.signal.addEventListener('abort', () => resolve('forced'), { once: true }),
    );
    const report = await Promise.race([verifying, forced]);
    console.log('\nverify (npm run verify)');
    if (report === 'forced') {
      console.log('  verify interrupted by a second Ctrl-C — run npm run verify to check the saved state');
    } else {
      for (const difference of report.differences.slice(0, 20)) console.log(`  ${difference}`);
      if (report.differences.length > 20) console.log(`  … and ${report.differences.length - 20} more`);
      console.log(`  ${verifySummary(report)}`);
      consistent = report.differences.length === 0;
    }
  } else if (run.drained) {
    console.log('\nverify skipped: stopped by a second Ctrl-C — run npm run verify to check the saved state');
  } else {
    console.log(
      `\nverify skipped: the consumers had not caught up (${n(run.behind)} records behind${
        run.drainCutShort === 'forced' ? ', stopped by a second Ctrl-C' : ''
      }) — run npm run verify after the next start`,
    );
  }
  await run.cloud.stop();
  if (force.signal.aborted) return 130;
  return run.producers.unsentCount === 0 && consistent && (run.drained || stop.signal.aborted) ? 0 : 1;
};

main().then(
  // Exit once stdout has taken the summary (a pipe may not have yet).
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: Error) => {
    console.error(`streamlake: ${error.message}`);
    process.exit(1);
  },
);
