import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { localKinesisClient } from '../../infra/local/clients.ts';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import { cloudArgs, judge, putIntoStream, startCloud, stopAndJudge } from './cloud-run.ts';
import { DELIVERY_FAULTS } from './delivery-faults.ts';
import { FUNCTION_FAULTS } from './function-faults.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { SERVER_FAULTS } from './server-faults.ts';
import { eventsFlowing, signalGroup } from './start-process.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `npm start` with `first` killed with SIGKILL (every process of it) `afterMs` once events flow, then a second
 * run with `second` on the same state, whose verify must find nothing lost or counted twice.
 */
const killThenStartAgain = async (
  context: ScenarioContext,
  first: readonly string[],
  afterMs: number,
  second: readonly string[],
  detail: string,
) => {
  const killed = startCloud(cloudArgs(context, ['--fresh', ...first]));
  await eventsFlowing(killed);
  await pause(afterMs);
  signalGroup(killed, 'SIGKILL');
  await killed.closed;
  // DynamoDB Local's watchdog notices its parent is gone within a second or two.
  await pause(3_000);
  return judge(startCloud(cloudArgs(context, second)), context, detail);
};

/** SIGKILL of the whole local cloud while it produces and consumes. */
const crashWholeCloud: Scenario = {
  name: 'sigkill-whole-cloud',
  fault: 'SIGKILL of the whole local cloud mid-batch, then a second run on the same state',
  run: (context) =>
    killThenStartAgain(
      context,
      ['--rate', '1500', '--duration', '60'],
      6_000,
      ['--rate', '200', '--duration', '8'],
      'killed 6 s into a 1,500/s run; the next run on the same state verified',
    ),
};

/** SIGKILL while the consumers drain, after the producers stopped. */
const crashDuringDrain: Scenario = {
  name: 'sigkill-during-drain',
  fault: 'SIGKILL of the whole local cloud while it drains, then a second run on the same state',
  run: (context) =>
    killThenStartAgain(
      context,
      ['--rate', '2000', '--duration', '6'],
      6_500,
      ['--rate', '100', '--duration', '4'],
      'killed just after a 2,000/s run stopped producing; the next run verified',
    ),
};

/** A stream record: its bytes and partition key. */
type Put = { data: Uint8Array; partitionKey: string };

/** The first `count` records of every shard of the running cloud's event stream. */
const recordsOfStream = async (context: ScenarioContext, count: number): Promise<Put[]> => {
  const state = readCloudState(context.stateDir);
  const kinesis = localKinesisClient(state.endpoints?.kinesis ?? '');
  try {
    const StreamName = state.eventStream;
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName }))).Shards ?? [];
    const records: Put[] = [];
    for (const { ShardId } of shards) {
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: count }));
      for (const r of page.Records ?? [])
        records.push({ data: r.Data ?? new Uint8Array(), partitionKey: r.PartitionKey ?? '' });
    }
    return records;
  } finally {
    kinesis.destroy();
  }
};

/** A producer that retried: records the stream already holds, put again with their partition keys. */
const producerDuplicates: Scenario = {
  name: 'producer-duplicates',
  fault: 'the same events put twice (a producer retrying after a lost response)',
  async run(context) {
    const run = startCloud(cloudArgs(context, ['--fresh', '--forever', '--rate', '300']));
    await eventsFlowing(run);
    await pause(3_000);
    const again = await recordsOfStream(context, 200);
    await putIntoStream(context, again);
    await putIntoStream(context, again.slice(0, 50));
    await pause(4_000);
    return stopAndJudge(run, context, `${again.length + 50} records put a second or third time`);
  },
};

const eventAt = (eventTime: string, deviceId: string) =>
  Buffer.from(
    JSON.stringify({
      schema: 'telemetry.reading',
      version: 1,
      eventId: randomUUID(),
      eventTime,
      deviceId,
      temperature: 21,
      humidity: 40,
      battery: 80,
      status: 'ok',
    }),
  );

/** Events beyond the allowed lateness and from the future, among valid ones: quarantined, never counted. */
const lateAndFuture: Scenario = {
  name: 'late-and-future',
  fault: 'events older than the allowed lateness and newer than the clock skew',
  async run(context) {
    const run = startCloud(cloudArgs(context, ['--fresh', '--forever', '--rate', '200']));
    await eventsFlowing(run);
    const now = Date.now();
    const puts: Put[] = [];
    for (let i = 0; i < 60; i++) {
      const deviceId = `chaos-${i % 6}`;
      puts.push({
        data: eventAt(new Date(now - 2 * 3_600_000 - i * 1000).toISOString(), deviceId),
        partitionKey: deviceId,
      });
      puts.push({
        data: eventAt(new Date(now + 3_600_000 + i * 1000).toISOString(), deviceId),
        partitionKey: deviceId,
      });
      puts.push({ data: eventAt(new Date(now - i * 100).toISOString(), deviceId), partitionKey: deviceId });
    }
    await putIntoStream(context, puts);
    await pause(4_000);
    return stopAndJudge(run, context, '60 too-late, 60 future-dated and 60 valid readings among the traffic');
  },
};

/** The fuzz corpus (npm run fuzz) against the running pipeline. */
const fuzzCorpus: Scenario = {
  name: 'fuzz-corpus',
  fault: 'malformed records of 17 kinds among valid ones (npm run fuzz)',
  async run(context) {
    const run = startCloud(cloudArgs(context, ['--fresh', '--forever', '--rate', '200']));
    await eventsFlowing(run);
    const fuzz = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/fuzz/run.ts',
        '--state-dir',
        context.stateDir,
        '--malformed',
        '3000',
        '--valid',
        '1500',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let fuzzOutput = '';
    fuzz.stdout?.on('data', (chunk) => (fuzzOutput += chunk));
    fuzz.stderr?.on('data', (chunk) => (fuzzOutput += chunk));
    const fuzzCode = await new Promise<number | null>((resolve) => fuzz.once('close', resolve));
    context.log(fuzzOutput);
    const outcome = await stopAndJudge(
      run,
      context,
      '3,000 malformed and 1,500 valid records from the fuzz corpus',
    );
    const lost = Number(/lost (\d+)/.exec(fuzzOutput)?.[1] ?? 0);
    return {
      ...outcome,
      lost: outcome.lost + lost,
      failures: fuzzCode === 0 ? outcome.failures : [...outcome.failures, `npm run fuzz exited ${fuzzCode}`],
    };
  },
};

export const SCENARIOS: readonly Scenario[] = [
  crashWholeCloud,
  crashDuringDrain,
  ...SERVER_FAULTS,
  ...FUNCTION_FAULTS,
  ...DELIVERY_FAULTS,
  producerDuplicates,
  lateAndFuture,
  fuzzCorpus,
];
