import { UsageError } from '../../producers/cli-options.ts';
import { demoSummary, liveLine } from './demo-summary.ts';
import { verifySummary } from './lake/verify-lake.ts';
import { verifyLocalCloud } from './lake/verify-local.ts';
import { runDemo } from './run-demo.ts';
import { parseStartArgs, START_USAGE } from './start-options.ts';

// The AWS SDK warns once per process about Node 20; the demo's output is the pipeline's, not that.
process.removeAllListeners('warning');

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
  const stop = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(
      '\nstopping: finishing the in-flight batch and saving checkpoints (Ctrl-C again to force)\n',
    );
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = process.stderr.isTTY;
  console.error(
    `streamlake: starting the local cloud in ${options.stateDir}${options.fresh ? ' (fresh)' : ''} …`,
  );
  const run = await runDemo(options, stop.signal, {
    onReady: (cloud) =>
      console.error(
        `local cloud up: Kinesis ${cloud.endpoints.kinesis}, DynamoDB ${cloud.endpoints.dynamodb}, S3 ${cloud.endpoints.s3}, SNS ${cloud.endpoints.sns}\n` +
          `producing ${options.rate} events/s ${options.forever ? 'until Ctrl-C' : `for ${options.durationSeconds}s`} …`,
      ),
    onOpsReady: (ops) => console.error(`ops dashboard: ${ops.url}`),
    onAlert: (line) => process.stderr.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`),
    onProgress: (producer, _stats, _cloud, ops) => {
      const line = liveLine(producer, ops.live());
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  console.log(demoSummary(run));
  let consistent = true;
  if (run.drained) {
    // Three-way check: producers' ground truth vs DynamoDB rollups vs a SQL recount over the lake.
    const report = await verifyLocalCloud(run.cloud, options.stateDir);
    console.log('\nverify (npm run verify)');
    for (const difference of report.differences.slice(0, 20)) console.log(`  ${difference}`);
    if (report.differences.length > 20) console.log(`  … and ${report.differences.length - 20} more`);
    console.log(`  ${verifySummary(report)}`);
    consistent = report.differences.length === 0;
  }
  await run.cloud.stop();
  return run.producers.unsentCount === 0 && consistent && (run.drained || stop.signal.aborted) ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`streamlake: ${error.message}`);
    process.exit(1);
  },
);
