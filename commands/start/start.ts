import { StateDirError } from '../../infra/local/state-dir.ts';
import { errorMessage } from '../../processors/shared/errors.ts';
import { runWithOptions } from '../shared/command-line.ts';
import { verifySummary } from '../verify/verify-lake.ts';
import { verifyLocalCloud } from '../verify/verify-local.ts';
import { listenForCtrlC, type StopRequests } from './ctrl-c.ts';
import { demoSummary, liveLine } from './demo-summary.ts';
import { type DemoHooks, type DemoRun, runDemo } from './run-demo.ts';
import { START_COMMAND, type StartOptions } from './start-options.ts';

// The AWS SDK warns once per process about Node 20; the demo's output is the pipeline's, not that.
process.removeAllListeners('warning');

const n = (value: number) => value.toLocaleString('en-US');

/** The line after the summary that says how the drain ended. */
const drainLine = (run: DemoRun): string =>
  run.drained
    ? `  drain                   caught up ${(run.drainMs / 1000).toFixed(1)}s after the producers stopped`
    : `  drain                   NOT caught up: ${n(run.behind)} records behind, ${
        run.drainCutShort === 'forced' ? 'stopped by a second Ctrl-C' : 'deadline reached'
      } ${(run.drainMs / 1000).toFixed(1)}s after the producers stopped (they stay in the stream for the next start)`;

/** Where the fault-injection control listens, and what it takes (infra/local/faults/fault-control.ts). */
const faultsLine = (control: string) =>
  `fault injection: ${control} (POST /faults, GET /faults, DELETE /faults, POST /servers/kinesis/restart, POST /functions/<name>/faults)`;

/** What the demo tells the terminal while it runs: the cloud's addresses, alerts, one live line. */
const terminalHooks = (options: StartOptions, requests: StopRequests): DemoHooks => {
  const tty = process.stderr.isTTY;
  return {
    onReady: (cloud) => {
      requests.cloudIsUp();
      console.error(
        `local cloud up: Kinesis ${cloud.endpoints.kinesis}, DynamoDB ${cloud.endpoints.dynamodb}, S3 ${cloud.endpoints.s3}, SNS ${cloud.endpoints.sns}\n` +
          (cloud.collectorUrl ? `collect: ${cloud.collectorUrl}\n` : '') +
          (cloud.shopUrl ? `shop: ${cloud.shopUrl}\n` : '') +
          (cloud.iot ? `mqtt: ${cloud.iot.url}\n` : '') +
          (cloud.faults ? `${faultsLine(cloud.faults.control)}\n` : '') +
          `producing ${options.rate} events/s ${options.forever ? 'until Ctrl-C' : `for ${options.durationSeconds}s`} …`,
      );
    },
    onOpsReady: (ops) => console.error(`ops dashboard: ${ops.url}`),
    onDevicesReady: (devices) =>
      console.error(
        `devices: ${n(devices.registered)} registered with the local CA in ${(devices.registerMs / 1000).toFixed(1)}s, each publishing over MQTT with its own certificate (${options.stateDir}/iot/devices/)`,
      ),
    onAlert: (line) => process.stderr.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`),
    onProgress: (producer, _stats, cloud, ops) => {
      const line = liveLine(producer, ops.live(), cloud.collectorFigures?.snapshot(), cloud.iot?.figures());
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
  };
};

/**
 * Three-way check once the consumers caught up: producers' ground truth vs DynamoDB rollups vs a SQL
 * recount over the lake. Prints the outcome; false only when the check found differences.
 */
const verifyAfterDrain = async (run: DemoRun, stateDir: string, force: AbortSignal): Promise<boolean> => {
  const verifying = verifyLocalCloud(run.cloud, stateDir);
  // A second Ctrl-C does not wait for the check; if it then fails against stopped servers, no matter.
  verifying.catch(() => undefined);
  const forced = new Promise<'forced'>((resolve) =>
    force.addEventListener('abort', () => resolve('forced'), { once: true }),
  );
  const report = await Promise.race([verifying, forced]);
  console.log('\nverify (npm run verify)');
  if (report === 'forced') {
    console.log('  verify interrupted by a second Ctrl-C — run npm run verify to check the saved state');
    return true;
  }
  for (const difference of report.differences.slice(0, 20)) console.log(`  ${difference}`);
  if (report.differences.length > 20) console.log(`  … and ${report.differences.length - 20} more`);
  console.log(`  ${verifySummary(report)}`);
  return report.differences.length === 0;
};

/** Why the check was not run, when it was not. */
const verifySkippedLine = (run: DemoRun): string =>
  run.drained
    ? '\nverify skipped: stopped by a second Ctrl-C — run npm run verify to check the saved state'
    : `\nverify skipped: the consumers had not caught up (${n(run.behind)} records behind${
        run.drainCutShort === 'forced' ? ', stopped by a second Ctrl-C' : ''
      }) — run npm run verify after the next start`;

/** The demo from start to exit status: 0 all sent and consistent, 1 otherwise, 2 a refused state folder, 130 forced. */
const startDemo = async (options: StartOptions): Promise<number> => {
  const requests = listenForCtrlC();
  console.error(
    `streamlake: starting the local cloud in ${options.stateDir}${options.fresh ? ' (fresh)' : ''} …`,
  );
  let run: DemoRun;
  try {
    run = await runDemo(options, requests.stop, terminalHooks(options, requests), requests.force);
  } catch (error) {
    if (!(error instanceof StateDirError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(demoSummary(run));
  console.log(drainLine(run));
  let consistent = true;
  if (run.drained && !requests.force.aborted) {
    consistent = await verifyAfterDrain(run, options.stateDir, requests.force);
  } else {
    console.log(verifySkippedLine(run));
  }
  await run.cloud.stop();
  if (requests.force.aborted) return 130;
  return run.producers.unsentCount === 0 && consistent && (run.drained || requests.stop.aborted) ? 0 : 1;
};

runWithOptions(START_COMMAND, process.argv.slice(2), startDemo).then(
  // Exit once stdout has taken the summary (a pipe may not have yet).
  (code) => process.stdout.write('', () => process.exit(code)),
  (error: unknown) => {
    console.error(`streamlake: ${errorMessage(error)}`);
    process.exit(1);
  },
);
