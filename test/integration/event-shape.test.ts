import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { putRecords, streamOf } from './support/local-cloud-fixture.ts';
import { runUntilDrained } from './support/run-until-drained.ts';

describe('events the local poller delivers', () => {
  let cloud: LocalCloud;
  let delivered: KinesisStreamEvent[] = [];
  const events = sampleEvents(50);

  beforeAll(async () => {
    cloud = await LocalCloud.start({ context: { 'streamlake:aggregateBatchingWindowSeconds': 0 } });
    await putRecords(cloud, asRecords(events));
    const before = Date.now() / 1000;
    const log = await runUntilDrained(cloud, events.length);
    delivered = log.invocations.map((i) => i.events);
    expect(
      delivered.every((e) => e.Records.every((r) => r.kinesis.approximateArrivalTimestamp >= before - 120)),
    ).toBe(true);
  });
  afterAll(async () => cloud?.stop());

  it('have exactly the fields and types Lambda documents for Kinesis records', () => {
    const record = delivered[0]?.Records[0];
    expect(Object.keys(delivered[0] ?? {})).toEqual(['Records']);
    expect(Object.keys(record ?? {}).sort()).toEqual(
      [
        'awsRegion',
        'eventID',
        'eventName',
        'eventSource',
        'eventSourceARN',
        'eventVersion',
        'invokeIdentityArn',
        'kinesis',
      ].sort(),
    );
    expect(Object.keys(record?.kinesis ?? {}).sort()).toEqual(
      [
        'approximateArrivalTimestamp',
        'data',
        'kinesisSchemaVersion',
        'partitionKey',
        'sequenceNumber',
      ].sort(),
    );
    expect(record).toMatchObject({
      eventSource: 'aws:kinesis',
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      awsRegion: 'us-east-1',
      eventSourceARN: streamOf(cloud).arn,
      kinesis: { kinesisSchemaVersion: '1.0' },
    });
    expect(record?.invokeIdentityArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it('carry base64 data, arrival time in epoch seconds, and eventID = shardId:sequenceNumber', () => {
    const all = delivered.flatMap((e) => e.Records);
    expect(all).toHaveLength(events.length);
    const now = Date.now() / 1000;
    for (const record of all) {
      expect(record.kinesis.data).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()).eventId).toMatch(
        /^[0-9a-f-]{36}$/,
      );
      expect(record.kinesis.approximateArrivalTimestamp).toBeGreaterThan(now - 600);
      expect(record.kinesis.approximateArrivalTimestamp).toBeLessThanOrEqual(now);
      expect(record.eventID).toBe(`${record.eventID.split(':')[0]}:${record.kinesis.sequenceNumber}`);
      expect(record.eventID).toMatch(/^shardId-\d{12}:\d+$/);
    }
  });

  it('arrive in sequence order within each shard', () => {
    const byShard = new Map<string, bigint[]>();
    for (const record of delivered.flatMap((e) => e.Records)) {
      const shard = record.eventID.split(':')[0] ?? '';
      byShard.set(shard, [...(byShard.get(shard) ?? []), BigInt(record.kinesis.sequenceNumber)]);
    }
    for (const sequence of byShard.values()) {
      expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });
});
