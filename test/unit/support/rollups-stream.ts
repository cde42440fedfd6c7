import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { ROLLUPS_STREAM_ARN } from './processor-telemetry.ts';

type Image = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

/** A minute rollup item's change on the rollups table stream, as Lambda delivers it to the fan-out. */
export const rollupChangeRecord = (
  sequenceNumber: string,
  next: Record<string, unknown>,
  previous?: Record<string, unknown>,
): DynamoDBRecord => ({
  eventID: `event-${sequenceNumber}`,
  eventName: previous ? 'MODIFY' : 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'eu-west-1',
  eventSourceARN: ROLLUPS_STREAM_ARN,
  dynamodb: {
    ApproximateCreationDateTime: Date.parse('2026-11-22T05:06:08.000Z') / 1000,
    Keys: marshall({ pk: next.pk, sk: next.sk }) as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
    NewImage: marshall(next, { removeUndefinedValues: true }) as Image,
    ...(previous && { OldImage: marshall(previous, { removeUndefinedValues: true }) as Image }),
    SequenceNumber: sequenceNumber,
    SizeBytes: 200,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

/** The `page_views` minute item of a page, `count` views so far. */
export const pageViewsMinute = (page: string, minute: string, count: number) => ({
  pk: `page_views#${page}`,
  sk: minute,
  rollup: 'page_views',
  page,
  count,
});

/** The `device_readings` minute item of a device with one reading. */
export const deviceReadingsMinute = (
  deviceId: string,
  minute: string,
  reading: { temperature: number; humidity: number; battery: number },
) => {
  const stats = (field: string, value: number) => ({
    [`${field}_sum`]: value,
    [`${field}_min`]: value,
    [`${field}_max`]: value,
  });
  return {
    pk: `device_readings#${deviceId}`,
    sk: minute,
    rollup: 'device_readings',
    deviceId,
    count: 1,
    ...stats('temperature', reading.temperature),
    ...stats('humidity', reading.humidity),
    ...stats('battery', reading.battery),
  };
};
