import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import {
  dynamoDbStreamEvent,
  presentedStreamArn,
  toLambdaAttributeValue,
  toLambdaImage,
  toPolledStreamRecord,
} from '../../../../../infra/local/esm/dynamodb-stream-event.ts';

const LOCAL_ARN =
  'arn:aws:dynamodb:ddblocal:000000000000:table/streamlake-Rollups/stream/2026-11-22T06:20:17.975';
const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/streamlake-Rollups/stream/2026-11-22T06:20:17.975';
const READ_AT = Date.parse('2026-11-22T06:21:30.000Z');

/** A record as the SDK parses DynamoDB Local's GetRecords answer. */
const sdkRecord = (overrides: Partial<_Record> = {}): _Record => ({
  eventID: 'bff79a68-31ac-43f5-a55b-fd70956dd2d2',
  eventName: 'MODIFY',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'ddblocal',
  dynamodb: {
    ApproximateCreationDateTime: new Date('2026-11-22T06:21:00.000Z'),
    Keys: { pk: { S: 'a' } },
    NewImage: { pk: { S: 'a' }, count: { N: '2' } },
    OldImage: { pk: { S: 'a' }, count: { N: '1' } },
    SequenceNumber: '000000000000000000002',
    SizeBytes: 30,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
  ...overrides,
});

describe('toLambdaAttributeValue', () => {
  it('gives every attribute type back in the wire form Lambda delivers', () => {
    // Prepare
    const image = {
      s: { S: 'x' },
      n: { N: '1.5' },
      b: { B: new Uint8Array([1, 2, 3]) },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2'] },
      bs: { BS: [new Uint8Array([255]), new Uint8Array([0])] },
      m: { M: { inner: { L: [{ S: 'y' }, { NULL: true }, { BOOL: false }] } } },
    };

    // Act
    const converted = toLambdaImage(image);

    // Assess
    expect(converted).toEqual({
      s: { S: 'x' },
      n: { N: '1.5' },
      b: { B: 'AQID' },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2'] },
      bs: { BS: ['/w==', 'AA=='] },
      m: { M: { inner: { L: [{ S: 'y' }, { NULL: true }, { BOOL: false }] } } },
    });
    expect(JSON.parse(JSON.stringify(converted))).toEqual(converted);
  });

  it('keeps a type the SDK did not know, as it came on the wire', () => {
    // Prepare
    const unknown = { $unknown: ['VECTOR', [1, 2]] } as never;

    // Act
    const converted = toLambdaAttributeValue(unknown);

    // Assess
    expect(converted).toEqual({ VECTOR: [1, 2] });
  });
});

describe('presentedStreamArn', () => {
  it('replaces DynamoDB Local’s ddblocal region with the configured one', () => {
    // Prepare
    const region = 'us-east-1';

    // Act
    const arn = presentedStreamArn(LOCAL_ARN, region);

    // Assess
    expect(arn).toBe(ARN);
  });
});

describe('toPolledStreamRecord', () => {
  it('builds the record exactly as Lambda delivers it, with the configured region', () => {
    // Prepare
    const record = sdkRecord();

    // Act
    const polled = toPolledStreamRecord(record, { region: 'us-east-1', streamArn: ARN, readAtMs: READ_AT });

    // Assess
    expect(polled.record).toEqual({
      eventID: 'bff79a68-31ac-43f5-a55b-fd70956dd2d2',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        // DynamoDB Local said 06:21:00 (rounded to the minute); it was read at 06:21:30.
        ApproximateCreationDateTime: Date.parse('2026-11-22T06:21:30.000Z') / 1000,
        Keys: { pk: { S: 'a' } },
        NewImage: { pk: { S: 'a' }, count: { N: '2' } },
        OldImage: { pk: { S: 'a' }, count: { N: '1' } },
        SequenceNumber: '000000000000000000002',
        SizeBytes: 30,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: ARN,
    });
    expect(Object.keys(polled.record)).toEqual([
      'eventID',
      'eventName',
      'eventVersion',
      'eventSource',
      'awsRegion',
      'dynamodb',
      'eventSourceARN',
    ]);
    expect(polled.sequenceNumber).toBe('000000000000000000002');
    expect(polled.payloadBytes).toBeGreaterThan(JSON.stringify(polled.record).length - 1);
  });

  it('leaves out the images a KEYS_ONLY stream does not carry', () => {
    // Prepare
    const record = sdkRecord({
      eventName: 'REMOVE',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-11-22T06:21:00.000Z'),
        Keys: { pk: { S: 'a' } },
        SequenceNumber: '000000000000000000003',
        SizeBytes: 8,
        StreamViewType: 'KEYS_ONLY',
      },
    });

    // Act
    const polled = toPolledStreamRecord(record, { region: 'us-east-1', streamArn: ARN, readAtMs: READ_AT });

    // Assess
    expect(polled.record.dynamodb).not.toHaveProperty('NewImage');
    expect(polled.record.dynamodb).not.toHaveProperty('OldImage');
  });

  it('dates a minute-rounded creation time, and counts its age, from the latest moment the record can have been written', () => {
    // Prepare: DynamoDB Local rounds ApproximateCreationDateTime down to the minute.
    const roundedMs = Date.parse('2026-11-22T06:21:00.000Z');

    // Act
    const early = toPolledStreamRecord(sdkRecord(), {
      region: 'us-east-1',
      streamArn: ARN,
      readAtMs: roundedMs + 300_000,
    });
    const soon = toPolledStreamRecord(sdkRecord(), {
      region: 'us-east-1',
      streamArn: ARN,
      readAtMs: roundedMs + 5_000,
    });

    // Assess
    expect(early.arrivalMs).toBe(roundedMs);
    expect(early.ageFromMs).toBe(roundedMs + 59_999);
    expect(soon.ageFromMs).toBe(roundedMs + 5_000);
    expect(early.record.dynamodb?.ApproximateCreationDateTime).toBe((roundedMs + 59_000) / 1000);
    expect(soon.record.dynamodb?.ApproximateCreationDateTime).toBe((roundedMs + 5_000) / 1000);
  });
});

describe('dynamoDbStreamEvent', () => {
  it('wraps the records in order under Records', () => {
    // Prepare
    const context = { region: 'us-east-1', streamArn: ARN, readAtMs: READ_AT };
    const records = ['1', '2'].map((n) =>
      toPolledStreamRecord(sdkRecord({ dynamodb: { ...sdkRecord().dynamodb, SequenceNumber: n } }), context),
    );

    // Act
    const event = dynamoDbStreamEvent(records);

    // Assess
    expect(event.Records.map((r) => r.dynamodb?.SequenceNumber)).toEqual(['1', '2']);
  });
});
