import { describe, expect, it } from 'vitest';
import { rawZoneSummaryLines, rawZoneWhereLines } from '../../../../commands/start/raw-zone-text.ts';
import { rawDataPrefixOf, rawErrorPrefixOf } from '../../../../infra/constructs/raw-zone/layout.ts';
import { FirehoseFigures } from '../../../../infra/local/firehose/delivery-metrics.ts';
import type {
  DeliveryStreamPlan,
  S3DestinationPlan,
} from '../../../../infra/local/firehose/delivery-stream-plan.ts';

const NAME = 'Streamlake-raw-events';

/** The raw zone's delivery stream as the stack declares it (its prefixes from the construct's own layout). */
const rawEvents = (destination: Partial<S3DestinationPlan> = {}): DeliveryStreamPlan => ({
  logicalId: 'RawZoneDeliveryStream',
  name: NAME,
  arn: `arn:aws:firehose:us-east-1:000000000000:deliverystream/${NAME}`,
  type: 'KinesisStreamAsSource',
  source: { streamName: 'events', streamArn: 'arn:aws:kinesis:us-east-1:0:stream/events', roleArn: 'r' },
  destination: {
    bucketName: 'streamlake-raw',
    bucketArn: 'arn:aws:s3:::streamlake-raw',
    roleArn: 'r',
    prefix: rawDataPrefixOf('raw/'),
    errorOutputPrefix: rawErrorPrefixOf('raw-errors/'),
    bufferingHints: { sizeInMBs: 64, intervalInSeconds: 10 },
    compression: 'GZIP',
    delimiter: '\n',
    processors: [{ type: 'AppendDelimiterToRecord', parameters: [] }],
    ...destination,
  },
});

/** The local Firehose's figures after the given objects were delivered (and PutObject failed `failures` times). */
const figuresAfter = (
  objects: { records: number; rawBytes: number; objectBytes: number }[],
  failures = 0,
): FirehoseFigures => {
  const figures = new FirehoseFigures();
  const observer = figures.observer();
  for (const [i, object] of objects.entries()) {
    observer.delivered({ deliveryStream: NAME, key: `raw/${i}.gz`, ...object });
  }
  for (let i = 0; i < failures; i++) observer.failed(NAME);
  return figures;
};

describe('the raw zone in npm start', () => {
  it('sums what the delivery stream wrote this run: records, objects, bytes stored and as sent, and where', () => {
    const figures = figuresAfter([
      { records: 12_000, rawBytes: 3 * 1024 * 1024, objectBytes: 400 * 1024 },
      { records: 345, rawBytes: 100 * 1024, objectBytes: 20 * 1024 },
    ]);
    expect(rawZoneSummaryLines({ deliveryStreams: [rawEvents()], figures })).toEqual([
      '  raw zone (Firehose)     12,345 records in 2 objects, 420 KiB stored (3.1 MiB as sent) — s3://streamlake-raw/raw/dt=…/hour=…/',
    ]);
  });

  it('counts PutObject failures that were retried', () => {
    const figures = figuresAfter([{ records: 10, rawBytes: 2048, objectBytes: 512 }], 3);
    expect(rawZoneSummaryLines({ deliveryStreams: [rawEvents()], figures })[0]).toContain(
      '10 records in 1 object, 0.5 KiB stored (2 KiB as sent), 3 PutObject retries — s3://',
    );
  });

  it('shows zeros before the first object is written', () => {
    const figures = new FirehoseFigures();
    expect(rawZoneSummaryLines({ deliveryStreams: [rawEvents()], figures })[0]).toContain(
      '0 records in 0 objects, 0 KiB stored (0 KiB as sent) — ',
    );
  });

  it('says where the raw zone is and how its objects hold the records', () => {
    const figures = new FirehoseFigures();
    expect(rawZoneWhereLines({ deliveryStreams: [rawEvents()], figures })).toEqual([
      '  raw          s3://streamlake-raw/raw/dt=…/hour=…/ (every record as the stream accepted it, GZIP JSON lines)',
    ]);
    const plain = rawEvents({ compression: 'UNCOMPRESSED', prefix: undefined, errorOutputPrefix: undefined });
    const { delimiter: _, ...undelimited } = plain.destination;
    expect(rawZoneWhereLines({ deliveryStreams: [{ ...plain, destination: undelimited }], figures })).toEqual(
      [
        '  raw          s3://streamlake-raw/… (every record as the stream accepted it, records back to back, no delimiter)',
      ],
    );
  });

  it('adds no line when the stack has no delivery stream', () => {
    const figures = new FirehoseFigures();
    expect(rawZoneSummaryLines(undefined)).toEqual([]);
    expect(rawZoneWhereLines(undefined)).toEqual([]);
    expect(rawZoneSummaryLines({ deliveryStreams: [], figures })).toEqual([]);
    expect(rawZoneWhereLines({ deliveryStreams: [], figures })).toEqual([]);
  });
});
