import { parseCliArgs, USAGE, UsageError } from './cli-options.ts';
import { createKinesisClient } from './kinesis-client.ts';
import { ProgressDisplay } from './progress.ts';
import { trafficOf } from './run-options.ts';
import { runProducers } from './run-producers.ts';
import { formatSummary } from './summary-text.ts';

const main = async (): Promise<number> => {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { options } = parsed;
  const { collector, stream } = options;
  // With --web-only there is no stream to write to, so no Kinesis client either.
  const client = stream
    ? createKinesisClient(options.endpoint ? { endpoint: options.endpoint } : {})
    : undefined;
  const stop = new AbortController();
  const onSignal = () => {
    // A second Ctrl-C means "now", even if retries are still under way.
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: sending what is in flight (Ctrl-C again to quit at once)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const display = new ProgressDisplay();
  try {
    const summary = await runProducers({
      ...(client && stream ? { client, streamName: stream } : {}),
      ...(collector
        ? {
            collector: {
              url: collector.url,
              eventsPerRequest: collector.eventsPerRequest,
              ...(collector.apiKey ? { apiKey: collector.apiKey } : {}),
              ...(collector.origin ? { origin: collector.origin } : {}),
            },
          }
        : {}),
      ...(collector?.webOnly ? { clickstreamShare: 1 } : {}),
      ...trafficOf(options),
      ...(options.groundTruthPath ? { groundTruthPath: options.groundTruthPath } : {}),
      signal: stop.signal,
      onProgress: (progress) => display.update(progress),
    });
    display.close();
    process.stdout.write(`${formatSummary(summary)}\n`);
    if (options.groundTruthPath) process.stdout.write(`ground truth: ${options.groundTruthPath}\n`);
    return summary.unsentCount > 0 || summary.fatalError ? 1 : 0;
  } finally {
    display.close();
    client?.destroy();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

process.exitCode = await main();
