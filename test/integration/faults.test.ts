import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import {
  lakeBucketOf,
  putRecords,
  quarantinedRecords,
  scanRollups,
  streamOf,
} from './support/local-cloud-fixture.ts';
import { runUntilDrained } from './support/run-until-drained.ts';

const FAST = { 'streamlake:aggregateBatchingWindowSeconds': 1, 'streamlake:aggregateRetryAttempts': 2 };

const containsEvent = (event: KinesisStreamEvent, eventId: string) =>
  event.Records.some((r) => Buffer.from(r.kinesis.data, 'base64').toString().includes(eventId));

describe('the local event source mapping under faults', () => {
  let cloud: LocalCloud | undefined;
  afterEach(async () => cloud?.stop());

  it('poison records are quarantined with their reasons while the rest of the shard keeps flowing', async () => {
    // Prepare
    cloud = await LocalCloud.start({ context: FAST });
    const good = sampleEvents(400);
    const poison = [
      { data: '{"schema": "clickstream.page_view", "version": 1, ', partitionKey: 's-1' },
      { data: JSON.stringify({ ...good[0], eventId: undefined, page: 'no-slash' }), partitionKey: 's-2' },
      { data: JSON.stringify({ schema: 'clickstream.nope', version: 1 }), partitionKey: 's-3' },
      { data: JSON.stringify({ ...good[0], sessionId: 'x'.repeat(70_000) }), partitionKey: 's-4' },
      { data: JSON.stringify({ ...good[0], eventTime: '2020-01-01T00:00:00.000Z' }), partitionKey: 's-5' },
      { data: JSON.stringify({ ...good[0], eventTime: '2099-01-01T00:00:00.000Z' }), partitionKey: 's-6' },
      { data: Buffer.from([0xff, 0xfe, 0x00]), partitionKey: 's-7' },
    ];
    const records: { data: string | Uint8Array; partitionKey: string }[] = asRecords(good);
    records.splice(100, 0, ...poison.slice(0, 4));
    records.push(...poison.slice(4));
    await putRecords(cloud, records);
    // Act
    const log = await runUntilDrained(cloud, records.length);
    // Assess
    const reasons = (await quarantinedRecords(cloud)).map((r) => r.reason).sort();
    expect(reasons).toEqual(
      [
        'future-dated',
        'invalid-json',
        'oversize',
        'schema-violation',
        'too-late',
        'undecodable',
        'unknown-schema',
      ].sort(),
    );
    expect(log.discarded).toEqual([]);
    expect(rollupDifferences(expectedRollups(good), await scanRollups(cloud))).toEqual([]);
    expect(cloud.metrics.byDimension('QuarantinedByReason', 'streamlake-aggregate')).toMatchObject({
      'invalid-json': 1,
      'too-late': 1,
    });
  });

  it('a handler that crashes mid-batch is retried and bisected, and nothing is lost or counted twice', async () => {
    // Prepare
    cloud = await LocalCloud.start({ context: FAST });
    const events = sampleEvents(600);
    const bomb = events[450]?.eventId ?? '';
    await putRecords(cloud, asRecords(events));
    let crashes = 0;
    // Act: the first three invocations holding the bomb write half their records, then crash.
    const log = await runUntilDrained(cloud, events.length, (invoke) => async (event) => {
      if (containsEvent(event, bomb) && crashes < 3) {
        crashes++;
        await invoke({ Records: event.Records.slice(0, Math.ceil(event.Records.length / 2)) });
        throw new Error('simulated crash mid-batch');
      }
      return invoke(event);
    });
    // Assess
    expect(crashes).toBe(3);
    const failed = log.invocations.filter((i) => i.outcome === 'error').map((i) => i.records);
    expect(failed).toHaveLength(3);
    expect(failed[1]).toBeLessThan(failed[0] ?? 0); // bisected: each retry is a smaller batch
    expect(log.discarded).toEqual([]);
    expect(rollupDifferences(expectedRollups(events), await scanRollups(cloud))).toEqual([]);
  });

  it('a record that always fails is isolated by bisection and sent to the S3 on-failure destination', async () => {
    // Prepare
    cloud = await LocalCloud.start({ context: FAST });
    const events = sampleEvents(200);
    const bomb = events[120]?.eventId ?? '';
    await putRecords(cloud, asRecords(events));
    // Act
    const log = await runUntilDrained(cloud, events.length, (invoke) => async (event) => {
      if (containsEvent(event, bomb)) throw new Error('cannot handle this record');
      return invoke(event);
    });
    // Assess: exactly the one record was discarded, with the documented failure record and payload.
    expect(log.discarded).toHaveLength(1);
    const key = log.discarded[0]?.key ?? '';
    expect(key).toMatch(/^aws\/lambda\/[0-9a-f-]{36}\/shardId-\d+\/\d{4}\/\d{2}\/\d{2}\//);
    const object = await cloud.clients.s3.send(
      new GetObjectCommand({ Bucket: lakeBucketOf(cloud), Key: key }),
    );
    const record = JSON.parse((await object.Body?.transformToString()) ?? '{}');
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      KinesisBatchInfo: { batchSize: 1, streamArn: streamOf(cloud).arn },
    });
    const payload = JSON.parse(record.payload) as KinesisStreamEvent;
    expect(
      Buffer.from((payload.Records[0] as KinesisStreamRecord).kinesis.data, 'base64').toString(),
    ).toContain(bomb);
    const survivors = events.filter((e) => e.eventId !== bomb);
    expect(rollupDifferences(expectedRollups(survivors), await scanRollups(cloud))).toEqual([]);
    // The record given up on is counted where the dashboard reads it: DroppedEventCount per mapping UUID.
    const mapping = cloud.resources.mappings.aggregate;
    const dropped = cloud.metricStore.series(
      {
        namespace: 'AWS/Lambda',
        name: 'DroppedEventCount',
        dimensions: { EventSourceMappingUUID: mapping?.uuid ?? '' },
      },
      'Sum',
      3_600_000,
      Date.now() - 3_600_000,
      Date.now() + 1,
    );
    expect(dropped.values.reduce<number>((sum, v) => sum + (v ?? 0), 0)).toBe(1);
  });
});
