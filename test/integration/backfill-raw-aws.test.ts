import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsRawClients, backfillFromRawOnAws } from '../../commands/backfill/aws-raw-backfill.ts';
import { hourText } from '../../commands/backfill/backfill-range.ts';
import { lakeEngine, localConsumerLag, localTargetOf } from '../../commands/backfill/local-backfill.ts';
import type { RawBackfillChoice } from '../../commands/backfill/raw-backfill.ts';
import { HourTooLargeError } from '../../commands/backfill/raw-budget.ts';
import { eventStreamDelivery } from '../../commands/backfill/raw-source.ts';
import { verifyLocalCloud } from '../../commands/verify/verify-local.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/clients.ts';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import { partitionOf } from '../../processors/archive/partition.ts';
import { lakeSnapshot } from '../../processors/lake/lake-files.ts';
import { s3LakeObjects } from '../../processors/lake/lake-objects.ts';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { lakeCountOf, startBackfillCloud } from './support/backfill-cloud.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { eventually, lakeBucketOf, putRecords } from './support/local-cloud-fixture.ts';
import { objectsUnder, recordsOf } from './support/raw-zone.ts';
import { waitUntilProcessed } from './support/stream-processed.ts';

const REPO = join(import.meta.dirname, '..', '..');
const EVENTS = 400;
/** sampleEvents' mix: three of every four events are clickstream. */
const CLICKSTREAM = (EVENTS / 4) * 3;

/**
 * `--aws --source raw` against the real local servers: the deployed stack's outputs file written with the local
 * cloud's names, S3 and Firehose (DescribeDeliveryStream) through real SDK clients at the local endpoints, the
 * rollups table in DynamoDB Local. The local cloud has no Lambda, CloudWatch or Athena API: GetFunctionConfiguration
 * is answered with the template's function environment (what the stack deploys), GetMetricData with the local
 * consumers' lag as IteratorAge, and the recount runs on DuckDB over the same lake (the Athena engine is unit-tested).
 */
describe('npm run backfill --aws --source raw: the lake rebuilt from the deployed raw zone', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-backfill-raw-aws-'));
  const live = new AbortController();
  let cloud: LocalCloud;
  let running: Promise<unknown>;
  let range: { fromMs: number; toMs: number };
  let later: () => number;
  let firehose: FirehoseClient;
  let described = 0;
  let clients: AwsRawClients;
  let outputsFile: string;
  let lakeOnlyOutputsFile: string;
  const asked: { functions: string[]; metrics: string[] } = { functions: [], metrics: [] };

  const lakeCount = (dataset: string) => lakeCountOf(stateDir, dataset, range);
  const visibleFiles = async (dataset: string) => {
    const lake = s3LakeObjects(cloud.clients.s3, lakeBucketOf(cloud));
    const prefix = `lake/${dataset}/${partitionOf(range.fromMs)}/`;
    return lakeSnapshot(await lake.list(prefix), 'lake/')[0]?.visible ?? [];
  };
  const choice = (more: Partial<RawBackfillChoice> = {}): RawBackfillChoice => ({
    rollups: ROLLUPS,
    range,
    now: later,
    ...more,
  });

  beforeAll(async () => {
    // Prepare: the real stack, lateness widened so events of the last hour are still accepted, raw objects after 1 s.
    ({ cloud, range, later } = await startBackfillCloud(stateDir, { rawBufferingSeconds: 1 }));
    const { resources } = cloud;
    const delivery = eventStreamDelivery(cloud.plan, resources.eventStream.arn);
    const target = localTargetOf(cloud, stateDir);

    // The outputs file `npx cdk deploy --outputs-file` writes, with this cloud's names.
    const rebuildOutputs = {
      RawZoneDeliveryStreamName: delivery.name,
      StreamArn: resources.eventStream.arn,
      LakeBucketName: lakeBucketOf(cloud),
      AggregateFunctionName: resources.functions.aggregate.name,
      ArchiveFunctionName: resources.functions.archive.name,
    };
    outputsFile = join(stateDir, 'cdk-outputs.json');
    writeFileSync(
      outputsFile,
      JSON.stringify({
        streamlake: {
          ...rebuildOutputs,
          RollupsTableName: target.state.rollupsTable,
          AthenaWorkGroupName: 'streamlake',
          GlueDatabaseName: 'streamlake',
        },
      }),
    );
    // A stack without the Athena outputs: --lake-only must not need them.
    lakeOnlyOutputsFile = join(stateDir, 'cdk-outputs-lake-only.json');
    writeFileSync(lakeOnlyOutputsFile, JSON.stringify({ streamlake: rebuildOutputs }));

    firehose = new FirehoseClient({
      endpoint: cloud.firehose?.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    firehose.middlewareStack.add(
      (next) => (args) => {
        described++;
        return next(args);
      },
      { step: 'initialize' },
    );
    const environments = new Map(
      [resources.functions.aggregate, resources.functions.archive].map((f) => [f.name, f.environment]),
    );
    const lambda = {
      send: async (command: { constructor: { name: string }; input: { FunctionName: string } }) => {
        if (command.constructor.name !== 'GetFunctionConfigurationCommand') throw new Error('unexpected');
        asked.functions.push(command.input.FunctionName);
        const Variables = environments.get(command.input.FunctionName);
        if (!Variables) throw new Error(`Function not found: ${command.input.FunctionName}`);
        return { Environment: { Variables } };
      },
    } as unknown as LambdaClient;
    const cloudwatch = {
      send: async (command: {
        input: { MetricDataQueries: { MetricStat: { Metric: { Dimensions: { Value: string }[] } } }[] };
      }) => {
        const queries = command.input.MetricDataQueries;
        asked.metrics.push(...queries.map((q) => q.MetricStat.Metric.Dimensions[0]?.Value ?? ''));
        const lagMs = await localConsumerLag(target)();
        return { MetricDataResults: queries.map((_, i) => ({ Id: `age${i}`, Values: [lagMs] })) };
      },
    } as unknown as CloudWatchClient;
    clients = { s3: cloud.clients.s3, firehose, lambda, cloudwatch, dynamodb: cloud.clients.dynamodb };

    running = cloud.runMappings(live.signal);
    // Events of the hour before, in two puts (two lake files per partition), with producer duplicates and a bad record.
    const events = sampleEvents(EVENTS, range.fromMs + 30 * 60_000);
    await putRecords(cloud, asRecords(events.slice(0, EVENTS / 2)));
    await putRecords(cloud, [
      ...asRecords(events.slice(EVENTS / 2)),
      ...asRecords(events.slice(0, 3)),
      { data: 'not json', partitionKey: 'bad' },
    ]);
    await waitUntilProcessed(cloud, [resources.mappings.aggregate.id, resources.mappings.archive.id], 90_000);
    const bucket = delivery.destination.bucketName;
    await eventually(
      async () =>
        (await objectsUnder(cloud.clients.s3, bucket, 'raw/')).flatMap(recordsOf).length === EVENTS + 4,
      90_000,
      'every record in the raw zone',
    );
  });
  afterAll(async () => {
    live.abort();
    await running;
    firehose?.destroy();
    await cloud?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses an hour over --max-hour-bytes before reading it, naming its raw bytes; the lake is left as it is', async () => {
    const before = (await visibleFiles('clickstream')).map((f) => f.key);

    const error = await backfillFromRawOnAws(outputsFile, choice({ maxHourBytes: 1_024 }), {
      clients,
      engine: lakeEngine(readCloudState(stateDir)),
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HourTooLargeError);
    const [hour] = (error as HourTooLargeError).hours;
    expect(hour?.hourMs).toBe(range.fromMs);
    expect(hour?.rawBytes).toBeGreaterThan(1_024);
    expect((error as Error).message).toContain(
      `raw hour ${hourText(range.fromMs)} (${Math.round((hour?.rawBytes ?? 0) / 1024)} KiB, ${hour?.rawBytes} bytes) ` +
        'over the budget of 1 KiB (1024 bytes)',
    );
    expect((await visibleFiles('clickstream')).map((f) => f.key)).toEqual(before);
  });

  it('rebuilds a damaged hour from the described raw zone, then recounts: lake and three-way verify clean', async () => {
    // Prepare: a stream file of the hour is lost, so the lake misses events the stream and the rollups have.
    const [file] = await visibleFiles('clickstream');
    if (!file) throw new Error('no clickstream file in the hour');
    await cloud.clients.s3.send(new DeleteObjectCommand({ Bucket: lakeBucketOf(cloud), Key: file.key }));
    expect((await lakeCount('clickstream')).n).toBeLessThan(CLICKSTREAM);
    const describedBefore = described;

    // Act
    const report = await backfillFromRawOnAws(outputsFile, choice(), {
      clients,
      engine: lakeEngine(readCloudState(stateDir)),
    });

    // Assess: the raw zone as Firehose describes it, the archive's and aggregator's settings as deployed.
    expect(described).toBe(describedBefore + 1);
    const { functions } = cloud.resources;
    expect(asked.functions).toEqual(
      expect.arrayContaining([functions.archive.name, functions.aggregate.name]),
    );
    expect(asked.metrics).toEqual(expect.arrayContaining([functions.archive.name, functions.aggregate.name]));
    const [hour] = report.rebuild.hours;
    expect(hour?.generations.map((g) => [g.dataset, g.events, g.parts])).toEqual([
      ['clickstream', CLICKSTREAM, 1],
      ['telemetry', EVENTS - CLICKSTREAM, 1],
    ]);
    expect(hour?.duplicates).toBe(3);
    expect(hour?.rawBytes).toBeGreaterThan(0);
    expect(await lakeCount('clickstream')).toEqual({ n: CLICKSTREAM, ids: CLICKSTREAM });
    expect(report.backfill?.rollups.find((o) => o.rollup === 'events_by_type')?.events).toBe(EVENTS);
    expect((await verifyLocalCloud(cloud, stateDir)).differences).toEqual([]);
  });

  it('--lake-only needs neither the Athena outputs nor Athena or DynamoDB clients, and changes no count', async () => {
    const { dynamodb: _, ...withoutRecount } = clients;

    const report = await backfillFromRawOnAws(lakeOnlyOutputsFile, choice({ lakeOnly: true }), {
      clients: withoutRecount,
    });

    expect(report.backfill).toBeUndefined();
    expect(report.rebuild.hours[0]?.generations.map((g) => g.events)).toEqual([
      CLICKSTREAM,
      EVENTS - CLICKSTREAM,
    ]);
    expect(await lakeCount('clickstream')).toEqual({ n: CLICKSTREAM, ids: CLICKSTREAM });
    expect((await verifyLocalCloud(cloud, stateDir)).differences).toEqual([]);
  });

  it('npm run backfill -- --aws --source raw reaches the stack outputs (no longer refused): a missing file exits 2 saying how to write it', async () => {
    const missing = join(stateDir, 'nowhere.json');
    const cli = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'commands/backfill/backfill-cli.ts',
        '--aws',
        '--outputs',
        missing,
        '--source',
        'raw',
        '--lake-only',
        '--from',
        hourText(range.fromMs),
        '--to',
        hourText(range.toMs),
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 120_000 },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(cli).toMatchObject({
      code: 2,
      stderr: `backfill: ${missing} is missing: deploy with npx cdk deploy --outputs-file ${missing}, or pass --outputs FILE\n`,
    });
  });
});
