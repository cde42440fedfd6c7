import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  InvalidArgumentException,
  ListDeliveryStreamsCommand,
  PutRecordBatchCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-firehose';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/clients.ts';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import type { PolledRecord } from '../../infra/local/esm/kinesis-event.ts';
import type { DeliveryStreamPlan } from '../../infra/local/firehose/delivery-stream-plan.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { createStreamlakeApp } from '../../infra/streamlake-app.ts';
import { compareSequence } from '../../processors/shared/sequence.ts';
import { AddedDeliveryStreamStack } from './support/added-delivery-stream-stack.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { eventually, putRecords, readShards } from './support/local-cloud-fixture.ts';
import { counted, eventStreamDelivery, objectsUnder, recordsOf } from './support/raw-zone.ts';

/** Objects after a second of buffering rather than five minutes. */
const FAST = { 'streamlake:rawBufferingIntervalSeconds': 1 };

type Positions = Record<string, string>;

/** Every tenth event carries text outside ASCII, so "byte for byte" is tested beyond ASCII. */
const eventRecords = (count: number) =>
  asRecords(sampleEvents(count)).map((record, i) =>
    i % 10 === 0 ? { ...record, data: `${record.data.slice(0, -1)},"note":"Grüße aus 東京 ✓"}` } : record,
  );

/** The UTC instant as the raw zone's prefix and the object name's suffix print it. */
const rawPlace = (epochMs: number) => {
  const iso = new Date(epochMs).toISOString();
  return {
    prefix: `raw/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`,
    suffix: `${iso.slice(0, 10)}-${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}`,
  };
};

/** Runs the given delivery streams (nothing else) until `done` holds, then stops them as Ctrl-C does. */
const deliverUntil = async (
  cloud: LocalCloud,
  logicalIds: readonly string[],
  done: () => boolean | Promise<boolean>,
  what: string,
) => {
  const stop = new AbortController();
  const running = cloud.runMappings(stop.signal, { include: (id) => logicalIds.includes(id) });
  try {
    await Promise.race([
      eventually(done, 90_000, what),
      running.then(() => {
        throw new Error(`the deliveries stopped before ${what}`);
      }),
    ]);
  } finally {
    stop.abort();
    await running;
  }
};

describe('the raw zone on 127.0.0.1: Firehose delivery streams run from the template', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-raw-zone-'));
  const positionsFile = join(stateDir, 'firehose-positions.json');
  const readPositions = (): Positions => JSON.parse(readFileSync(positionsFile, 'utf8'));
  /** Every record put into the stream, in every run. */
  const sent: string[] = [];
  /** The records put once the second cloud (and the delivery stream it adds) started. */
  const sinceSecondStart: string[] = [];
  let first: LocalCloud;
  let firstStopped = false;
  let second: LocalCloud | undefined;
  let raw: DeliveryStreamPlan;

  /** True once the delivery stream's saved position of every shard is at or past `targets`. */
  const deliveredUpTo = (name: string, targets: ReadonlyMap<string, string>) => () => {
    const positions = readPositions();
    return [...targets].every(
      ([shard, last]) => compareSequence(positions[`${name}/${shard}`] ?? '0', last) >= 0,
    );
  };

  /**
   * The object a shard delivered last (the one ending at its saved position), its first record, and the
   * sequence number of the record before it, if any: where the position stood before that object was written.
   */
  const lastObjectOfAShard = async (cloud: LocalCloud) => {
    const positions = readPositions();
    const objects = await objectsUnder(cloud.clients.s3, raw.destination.bucketName, 'raw/');
    const textOf = (record: PolledRecord) => Buffer.from(record.data, 'base64').toString('utf8');
    for (const [shardId, records] of await readShards(cloud)) {
      const saved = records.find((record) => record.sequenceNumber === positions[`${raw.name}/${shardId}`]);
      const object = saved && objects.find((o) => recordsOf(o).at(-1) === textOf(saved));
      if (!object) continue;
      const firstRecord = recordsOf(object)[0] as string;
      const index = records.findIndex((record) => textOf(record) === firstRecord);
      return { shardId, key: object.key, firstRecord, previous: records[index - 1]?.sequenceNumber };
    }
    throw new Error('no shard has delivered an object to crash after');
  };

  beforeAll(async () => {
    first = await LocalCloud.start({ stateDir, context: FAST });
    raw = eventStreamDelivery(first);
  });
  afterAll(async () => {
    if (!firstStopped) await first?.stop();
    await second?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('delivers every record put into the stream exactly once, byte for byte, GZIP, under raw/dt=/hour= by arrival', async () => {
    // Prepare
    const records = eventRecords(2_000);
    const targets = await putRecords(first, records);
    sent.push(...records.map((record) => record.data));

    // Act
    await deliverUntil(
      first,
      [raw.logicalId],
      deliveredUpTo(raw.name, targets),
      'the raw zone to hold every record',
    );

    // Assess: each record once, as put, a line each.
    const objects = await objectsUnder(first.clients.s3, raw.destination.bucketName, 'raw/');
    const delivered = objects.flatMap(recordsOf);
    expect(delivered).toHaveLength(records.length);
    expect([...counted(delivered).values()].every((times) => times === 1)).toBe(true);
    expect([...delivered].sort()).toEqual(records.map((record) => record.data).sort());
    // Each object lies under the hour of its oldest record's arrival, and is named after that instant.
    const arrivals = new Map(
      [...(await readShards(first)).values()]
        .flat()
        .map((record) => [Buffer.from(record.data, 'base64').toString('utf8'), record.arrivalMs]),
    );
    for (const object of objects) {
      const { prefix, suffix } = rawPlace(
        Math.min(...recordsOf(object).map((line) => arrivals.get(line) ?? 0)),
      );
      expect(object.key.startsWith(`${prefix}${raw.name}-1-${suffix}-`)).toBe(true);
      expect(object.key).toMatch(/-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.gz$/);
    }
    // What CloudWatch would hold, and the figures npm start shows.
    const metric = (name: string) => ({
      namespace: 'AWS/Firehose',
      name,
      dimensions: { DeliveryStreamName: raw.name },
    });
    const rawBytes = records.reduce((sum, record) => sum + Buffer.byteLength(record.data) + 1, 0);
    expect(first.metricStore.total(metric('DeliveryToS3.Records'))).toBe(records.length);
    expect(first.metricStore.total(metric('DeliveryToS3.Bytes'))).toBe(rawBytes);
    expect(first.metricStore.total(metric('DeliveryToS3.Success'))).toBe(objects.length);
    expect(first.metricStore.find('AWS/Firehose', 'DeliveryToS3.DataFreshness')).toHaveLength(1);
    expect(first.firehose?.figures.of(raw.name)).toMatchObject({
      records: records.length,
      objects: objects.length,
      bytes: rawBytes,
      objectBytes: objects.reduce((sum, object) => sum + object.body.length, 0),
    });
  });

  it('answers DescribeDeliveryStream and ListDeliveryStreams to @aws-sdk/client-firehose, at the endpoint cloud.json names', async () => {
    // Prepare
    const endpoint = first.firehose?.endpoint ?? '';
    const client = new FirehoseClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

    try {
      // Act
      const listed = await client.send(new ListDeliveryStreamsCommand({}));
      const described = await client.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: raw.name }),
      );

      // Assess
      expect(readCloudState(stateDir).firehose).toBe(endpoint);
      expect(listed).toMatchObject({ DeliveryStreamNames: [raw.name], HasMoreDeliveryStreams: false });
      const description = described.DeliveryStreamDescription;
      expect(description).toMatchObject({
        DeliveryStreamName: raw.name,
        DeliveryStreamARN: raw.arn,
        DeliveryStreamStatus: 'ACTIVE',
        DeliveryStreamType: 'KinesisStreamAsSource',
        Source: { KinesisStreamSourceDescription: { KinesisStreamARN: first.resources.eventStream.arn } },
      });
      expect(description?.CreateTimestamp).toBeInstanceOf(Date);
      expect(description?.Destinations?.[0]?.ExtendedS3DestinationDescription).toMatchObject({
        BucketARN: raw.destination.bucketArn,
        Prefix: 'raw/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/',
        ErrorOutputPrefix: 'raw-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
        CompressionFormat: 'GZIP',
        BufferingHints: { IntervalInSeconds: 1 },
        ProcessingConfiguration: { Enabled: true, Processors: [{ Type: 'AppendDelimiterToRecord' }] },
      });
      await expect(
        client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'no-such-stream' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(
        client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: raw.name, Records: [{ Data: Buffer.from('x') }] }),
        ),
      ).rejects.toBeInstanceOf(InvalidArgumentException);
    } finally {
      client.destroy();
    }
  });

  it('resumes after a stop mid-delivery and a crash between an object and its position: nothing lost, nothing twice', async () => {
    // Prepare: records keep arriving while the first cloud delivers; its deliveries stop after two more objects.
    const during = eventRecords(3_000);
    const objectsBefore = first.firehose?.figures.of(raw.name).objects ?? 0;
    const stop = new AbortController();
    const running = first.runMappings(stop.signal, { include: (id) => id === raw.logicalId });
    let put = 0;
    while (put < during.length && (first.firehose?.figures.of(raw.name).objects ?? 0) < objectsBefore + 2) {
      await putRecords(first, during.slice(put, put + 100));
      put += 100;
      await sleep(50);
    }
    stop.abort();
    await running;
    // The rest arrives with nothing delivering.
    await putRecords(first, during.slice(put));
    sent.push(...during.map((record) => record.data));
    // A crash right after an object was written, before its position was saved: the position of one shard
    // goes back to before its last object, as the crash would have left it.
    const crash = await lastObjectOfAShard(first);
    const positions = readPositions();
    const positionKey = `${raw.name}/${crash.shardId}`;
    if (crash.previous) positions[positionKey] = crash.previous;
    else delete positions[positionKey];
    writeFileSync(positionsFile, JSON.stringify(positions));
    await first.stop();
    firstStopped = true;

    // Act: start again on the same state (with one more delivery stream in the stack), put more, deliver.
    second = await LocalCloud.start({ stateDir, context: FAST, stack: AddedDeliveryStreamStack });
    const after = eventRecords(1_000);
    const targets = await putRecords(second, after);
    sent.push(...after.map((record) => record.data));
    sinceSecondStart.push(...after.map((record) => record.data));
    await deliverUntil(
      second,
      [raw.logicalId],
      deliveredUpTo(raw.name, targets),
      'the restarted delivery to catch up',
    );

    // Assess: every record of every run once; the object whose position was lost was written again, same key.
    const objects = await objectsUnder(second.clients.s3, raw.destination.bucketName, 'raw/');
    const delivered = objects.flatMap(recordsOf);
    expect(delivered).toHaveLength(sent.length);
    expect([...delivered].sort()).toEqual([...sent].sort());
    const rewritten = objects.find((object) => object.key === crash.key);
    expect(rewritten && recordsOf(rewritten)[0]).toBe(crash.firstRecord);
  });

  it('runs a delivery stream added in CDK with no other change: its settings from the template, from its creation on', async () => {
    // Prepare: the template the second cloud runs; the records it saw arrive were put after it started.
    const cloud = second as LocalCloud;
    const { stack } = createStreamlakeApp({
      stack: AddedDeliveryStreamStack,
      context: { ...FAST, 'streamlake:nag': false, 'aws:cdk:bundling-stacks': [] },
    });
    const addedId = (stack as AddedDeliveryStreamStack).addedDeliveryStreamId;
    const declared = Template.fromStack(stack).findResources('AWS::KinesisFirehose::DeliveryStream');
    const added = cloud.plan.deliveryStreams.find((d) => d.logicalId === addedId) as DeliveryStreamPlan;
    const after = eventRecords(500);
    const targets = await putRecords(cloud, after);

    // Act
    await deliverUntil(
      cloud,
      [addedId],
      deliveredUpTo(added.name, targets),
      'the added delivery stream to deliver',
    );

    // Assess: every delivery stream of the template runs with its declared settings.
    expect(cloud.plan.deliveryStreams.map((d) => d.logicalId).sort()).toEqual(Object.keys(declared).sort());
    for (const delivery of cloud.plan.deliveryStreams) {
      const s3 = declared[delivery.logicalId]?.Properties.ExtendedS3DestinationConfiguration;
      expect(delivery.destination).toMatchObject({
        prefix: s3.Prefix,
        errorOutputPrefix: s3.ErrorOutputPrefix,
        compression: s3.CompressionFormat,
        bufferingHints: {
          sizeInMBs: s3.BufferingHints.SizeInMBs,
          intervalInSeconds: s3.BufferingHints.IntervalInSeconds,
        },
      });
    }
    // The added stream wrote the records that arrived after its creation (every one, back to back, uncompressed)
    // and none from before: Firehose reads its source from the tip it found when it was created.
    const objects = await objectsUnder(cloud.clients.s3, added.destination.bucketName, 'audit/');
    const delivered = objects.flatMap((object) => object.body.toString('utf8').split(/(?<=\})(?=\{)/));
    const expected = [...sinceSecondStart, ...after.map((record) => record.data)];
    expect(delivered).toHaveLength(expected.length);
    expect([...delivered].sort()).toEqual(expected.sort());
    for (const object of objects) {
      expect(object.key).toMatch(
        new RegExp(`^audit/\\d{4}/\\d{2}/\\d{2}/${added.name}-1-[-0-9]{19}-[0-9a-f-]{36}$`),
      );
    }
  });
});
