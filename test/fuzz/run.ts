import { join } from 'node:path';
import { type LocalClients, type LocalEndpoints, localClients } from '../../infra/local/clients.ts';
import { type CloudState, readCloudState } from '../../infra/local/cloud-state.ts';
import { fuzzRecords } from './corpus.ts';
import { kindCounts } from './kind-counts.ts';
import { KIND_NAMES } from './kinds.ts';
import { FuzzLedger, putCorpus } from './ledger.ts';
import { newRunId } from './markers.ts';
import { beforeRun, checkRun } from './run-check.ts';
import { endStatus, n, START_IT, say, status } from './run-console.ts';
import { type FuzzRunOptions, parseOptions, USAGE } from './run-options.ts';
import { bucketsOf, kinesisConsumers, loopbackEndpoints, probePipeline } from './run-pipeline.ts';
import { printReport } from './run-report.ts';
import { waitForConsumers } from './run-wait.ts';

// npm run fuzz: puts the corpus into the running local pipeline, waits for its consumers, checks and reports.

const run = async (options: FuzzRunOptions): Promise<number> => {
  const { stateDir } = options;
  let state: CloudState;
  let endpoints: LocalEndpoints;
  try {
    state = readCloudState(stateDir);
    endpoints = loopbackEndpoints(stateDir);
  } catch (error) {
    throw new Error(`${(error as Error).message.replace(/: run npm start first.*$/, '')}: ${START_IT}`);
  }
  const clients = localClients(endpoints);
  try {
    return await fuzz(options, state, endpoints, clients);
  } finally {
    // Keep-alive sockets would hold the process open.
    for (const client of [
      clients.kinesis,
      clients.dynamodb,
      clients.dynamodbStreams,
      clients.s3,
      clients.sns,
    ]) {
      client?.destroy();
    }
  }
};

const fuzz = async (
  options: FuzzRunOptions,
  state: CloudState,
  endpoints: LocalEndpoints,
  clients: LocalClients,
): Promise<number> => {
  const { stateDir } = options;
  const streamName = state.eventStream;
  if (!streamName) throw new Error(`${join(stateDir, 'cloud.json')} names no stream: ${START_IT}`);
  const buckets = bucketsOf(stateDir, state);
  await probePipeline(state, streamName, endpoints, clients);
  const { mappingIds, consumers } = kinesisConsumers(stateDir);
  const before = await beforeRun(stateDir, clients, buckets);

  const runId = newRunId();
  const startedMs = Date.now();
  const counts = kindCounts({ malformed: options.malformed });
  say(
    `fuzz run ${runId} (seed ${options.seed}): ${n(options.malformed)} malformed records of ${
      KIND_NAMES.filter((k) => counts[k] > 0).length
    } kinds + ${n(options.valid)} valid events → ${streamName} at ${endpoints.kinesis}`,
  );
  const ledger = new FuzzLedger();
  const total = options.malformed + options.valid;
  await putCorpus(
    clients.kinesis,
    streamName,
    fuzzRecords({
      seed: options.seed,
      malformed: options.malformed,
      valid: options.valid,
      nowMs: startedMs,
      runId,
    }),
    ledger,
    { onProgress: (done) => status(`put ${n(done)}/${n(total)}`) },
  );
  endStatus();
  const putSeconds = (Date.now() - startedMs) / 1000;
  say(
    `put ${n(total - ledger.unsent.length)} records in ${putSeconds.toFixed(1)}s` +
      (ledger.unsent.length
        ? `; ${n(ledger.unsent.length)} could not be put (${ledger.unsent[0]?.errorCode}: ${ledger.unsent[0]?.errorMessage})`
        : ''),
  );

  await waitForConsumers(stateDir, mappingIds, consumers, ledger, options.timeoutSeconds);
  const verdict = await checkRun({
    stateDir,
    state,
    clients,
    buckets,
    mappingIds,
    consumers,
    ledger,
    runId,
    startedMs,
    before,
  });
  printReport(verdict, consumers, ledger);
  const failed =
    verdict.lost > 0 ||
    verdict.stalledShards > 0 ||
    verdict.crashed > 0 ||
    verdict.misclassified > 0 ||
    verdict.duplicatedInLake > 0 ||
    ledger.unsent.length > 0;
  return failed ? 1 : 0;
};

const main = async () => {
  let options: FuzzRunOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    say(`npm run fuzz: ${(error as Error).message}; see npm run fuzz -- --help`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    endStatus();
    say(`npm run fuzz: ${(error as Error).message}`);
    return 1;
  }
};

// Let stdout drain before exiting, so a piped report is whole.
process.exitCode = await main();
