import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { streamEnds, streamSequenceAtOrPast } from '../../../infra/local/esm/dynamodb-stream-ends.ts';
import type { Invoke, PollerObserver } from '../../../infra/local/esm/kinesis-poller.ts';
import type { LocalCloud } from '../../../infra/local/local-cloud.ts';
import { eventually, tableOf } from './local-cloud-fixture.ts';

/** Context for a fan-out test cloud: short windows so a step takes seconds, the archiver kept out of the way. */
export const FANOUT_TEST_CONTEXT = {
  'streamlake:aggregateBatchingWindowSeconds': 1,
  'streamlake:fanoutBatchingWindowSeconds': 1,
  // The archive is not under test: its window outlasts every run, so it never invokes.
  'streamlake:archiveBatchingWindowSeconds': 300,
} as const;

/**
 * The scheduled silent-device check fires 60 s after `runMappings` starts; each run stays below that,
 * so the check runs only when a test invokes it.
 */
export const RUN_TIMEOUT_MS = 45_000;

/** The fan-out function's settings as the template gives them: where it writes and publishes. */
export const fanoutTargetsOf = (cloud: LocalCloud) => {
  const environment = cloud.resources.functions.fanout.environment;
  const required = (name: string) => {
    const value = environment[name];
    if (!value) throw new Error(`the fan-out function has no ${name} in its environment`);
    return value;
  };
  return {
    derivedRollupsTable: required('DERIVED_ROLLUPS_TABLE'),
    deviceStateTable: required('DEVICE_STATE_TABLE'),
    alertStateTable: required('ALERT_STATE_TABLE'),
    alertsTopicArn: required('ALERTS_TOPIC_ARN'),
    deviceSilentMinutes: Number(required('DEVICE_SILENT_MINUTES')),
  };
};

/** Every item of a table (small test tables: a full scan is fine here, never in the pipeline). */
export const scanTable = async (cloud: LocalCloud, TableName: string): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await cloud.clients.documents.send(new ScanCommand({ TableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

/** The last record of each shard of the rollups table's stream, read through the Streams API. */
export const rollupsStreamEnds = (cloud: LocalCloud): Promise<Map<string, string>> =>
  streamEnds(cloud.clients, tableOf(cloud));

export interface PipelineRun {
  /** Every event the local poller delivered to the fan-out function, as delivered (deep copies). */
  readonly fanoutEvents: DynamoDBStreamEvent[];
  readonly fanoutOutcomes: string[];
  /** Records either mapping gave up on (on-failure destination); a healthy run has none. */
  readonly discarded: { mappingId: string; records: number; condition: string }[];
}

/**
 * Runs every event source mapping until the aggregator has checkpointed past `produced` (the last
 * Kinesis sequence number per shard, from `putRecords`) and then the fan-out has checkpointed past the
 * last record of the rollups stream, then stops them the way Ctrl-C does. Bounded by `timeoutMs`.
 */
export const runPipelineUntilCaughtUp = async (
  cloud: LocalCloud,
  produced: ReadonlyMap<string, string>,
  timeoutMs = RUN_TIMEOUT_MS,
): Promise<PipelineRun> => {
  const deadline = Date.now() + timeoutMs;
  const aggregateId = cloud.resources.mappings.aggregate.id;
  const fanoutId = cloud.resources.mappings.fanout.id;
  const fanout = cloud.localFunction(cloud.resources.functions.fanout);
  const run: PipelineRun = { fanoutEvents: [], fanoutOutcomes: [], discarded: [] };
  const observer: PollerObserver = {
    onInvoke: (info) => {
      if (info.mappingId === fanoutId) run.fanoutOutcomes.push(info.outcome);
    },
    onDiscard: (info) => {
      run.discarded.push({ mappingId: info.mappingId, records: info.records, condition: info.condition });
    },
  };
  // The override API is typed for Kinesis; for the DynamoDB-stream mapping it receives stream events.
  const captureFanout = (async (event: DynamoDBStreamEvent) => {
    run.fanoutEvents.push(structuredClone(event));
    return fanout.invoke(event);
  }) as unknown as Invoke;
  const controller = new AbortController();
  let failure: unknown;
  const running = cloud
    .runMappings(controller.signal, {
      observer,
      invokeOverride: (id) => (id === fanoutId ? captureFanout : undefined),
    })
    .catch((error: unknown) => {
      failure = error;
    });
  const check = (holds: () => boolean | Promise<boolean>) => async () => {
    if (failure) throw failure;
    return holds();
  };
  try {
    await eventually(
      check(() =>
        [...produced].every(([shardId, last]) =>
          streamSequenceAtOrPast(cloud.checkpoints.get(aggregateId, shardId), last),
        ),
      ),
      Math.max(0, deadline - Date.now()),
      'the aggregator to checkpoint every produced record',
    );
    // Every rollups write is made before the aggregator checkpoints, so its stream is complete now.
    const ends = await rollupsStreamEnds(cloud);
    await eventually(
      check(() =>
        [...ends].every(([shardId, last]) =>
          streamSequenceAtOrPast(cloud.checkpoints.get(fanoutId, shardId), last),
        ),
      ),
      Math.max(0, deadline - Date.now()),
      'the fan-out to checkpoint the last record of the rollups stream',
    );
  } finally {
    controller.abort();
    await running;
  }
  if (failure) throw failure;
  return run;
};
