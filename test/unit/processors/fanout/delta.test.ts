import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { minuteChangeOf, minuteChangesOf, streamLabelOf } from '../../../../processors/fanout/delta.ts';
import {
  buildDerivedUpdate,
  derivedTargetsOf,
  totalsOfChanges,
} from '../../../../processors/fanout/derived-rollups.ts';

const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:000000000000:table/Rollups/stream/2026-11-22T05:00:00.000';

const image = (item: Record<string, unknown>) =>
  marshall(item) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

/** A rollups-table stream record as Lambda delivers it. */
const streamRecord = (
  sequence: number,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  next?: Record<string, unknown>,
  previous?: Record<string, unknown>,
): DynamoDBRecord => ({
  eventID: `e${sequence}`,
  eventName,
  eventSource: 'aws:dynamodb',
  eventSourceARN: STREAM_ARN,
  dynamodb: {
    SequenceNumber: `1${String(sequence).padStart(20, '0')}`,
    ...(next && { NewImage: image(next) }),
    ...(previous && { OldImage: image(previous) }),
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

const purchases = (minute: string, count: number, revenue: number, min: number) => ({
  pk: 'purchases',
  sk: minute,
  rollup: 'purchases',
  count,
  revenue_sum: revenue,
  revenue_min: min,
  revenue_max: 50,
  items_sum: count,
});

describe('minuteChangeOf', () => {
  it('takes counts and sums as new minus old and min/max from the new image', () => {
    // Prepare
    const record = streamRecord(
      1,
      'MODIFY',
      purchases('2026-11-22T05:06Z', 5, 100, 2),
      purchases('2026-11-22T05:06Z', 3, 70, 4),
    );

    // Act
    const change = minuteChangeOf(record);

    // Assess
    expect(change?.delta).toEqual({
      count: 2,
      revenue_sum: 30,
      revenue_min: 2,
      revenue_max: 50,
      items_sum: 2,
    });
    expect(change?.latest.count).toBe(5);
    expect(change?.windowStartMs).toBe(Date.parse('2026-11-22T05:06:00Z'));
  });

  it('counts an INSERT whole', () => {
    const change = minuteChangeOf(streamRecord(1, 'INSERT', purchases('2026-11-22T05:06Z', 3, 70, 4)));

    expect(change?.delta.count).toBe(3);
    expect(change?.delta.revenue_sum).toBe(70);
  });

  it('ignores TTL expiries and items of unknown rollups', () => {
    const removed = streamRecord(1, 'REMOVE', undefined, purchases('2026-11-22T05:06Z', 3, 70, 4));
    const unknown = streamRecord(2, 'INSERT', { pk: 'x', sk: '2026-11-22T05:06Z', rollup: 'nope', count: 1 });

    const { changes, ignored } = minuteChangesOf([removed, unknown]);

    expect(changes).toEqual([]);
    expect(ignored).toBe(2);
  });

  it('reads dimensions from the image', () => {
    const change = minuteChangeOf(
      streamRecord(1, 'INSERT', {
        pk: 'page_views#/home',
        sk: '2026-11-22T05:06Z',
        rollup: 'page_views',
        page: '/home',
        count: 4,
      }),
    );

    expect(change?.dimensions).toEqual({ page: '/home' });
  });
});

describe('streamLabelOf', () => {
  it('names the stream the marks belong to', () => {
    expect(streamLabelOf(STREAM_ARN)).toBe('2026-11-22T05:00:00.000');
  });

  it('fails on anything but a stream ARN, showing it', () => {
    expect(() => streamLabelOf('arn:aws:dynamodb:eu-west-1:0:table/Rollups')).toThrow(
      'eventSourceARN must be a DynamoDB stream ARN ending in /stream/<label> (given "arn:aws:dynamodb:eu-west-1:0:table/Rollups")',
    );
  });
});

describe('derived rollup targets', () => {
  const pageViews = (sequence: number, minute: string, count: number, before = 0) =>
    streamRecord(
      sequence,
      before ? 'MODIFY' : 'INSERT',
      { pk: 'page_views#/home', sk: minute, rollup: 'page_views', page: '/home', count },
      before
        ? { pk: 'page_views#/home', sk: minute, rollup: 'page_views', page: '/home', count: before }
        : undefined,
    );

  it('groups a batch into one hourly and one daily item per rollup key, summing the deltas', () => {
    // Prepare
    const { changes } = minuteChangesOf([
      pageViews(1, '2026-11-22T05:06Z', 3),
      pageViews(2, '2026-11-22T05:06Z', 5, 3),
      pageViews(3, '2026-11-22T05:59Z', 4),
      pageViews(4, '2026-11-22T06:00Z', 1),
    ]);

    // Act
    const targets = derivedTargetsOf(changes);

    // Assess
    const summary = targets.map((t) => [t.key.sk, totalsOfChanges(t.rollup, t.records).count, t.windowStart]);
    expect(summary).toEqual([
      ['H#2026-11-22T05', 9, '2026-11-22T05:00Z'],
      ['D#2026-11-22', 10, '2026-11-22T00:00Z'],
      ['H#2026-11-22T06', 1, '2026-11-22T06:00Z'],
    ]);
  });

  it('writes each derived item with the mark condition and the top-N rank key', () => {
    const { changes } = minuteChangesOf([
      pageViews(1, '2026-11-22T05:06Z', 3),
      pageViews(2, '2026-11-22T05:07Z', 2),
    ]);
    const [hourly] = derivedTargetsOf(changes);
    if (!hourly) throw new Error('no target');

    const update = buildDerivedUpdate({
      tableName: 'Derived',
      streamLabel: '2026-11-22T05:00:00.000',
      target: hourly,
      records: hourly.records,
      expiresAt: 1,
    });

    expect(update.Key).toEqual({ pk: 'page_views#/home', sk: 'H#2026-11-22T05' });
    expect(update.ConditionExpression).toBe('attribute_not_exists(#hwm) OR #hwm < :first');
    expect(update.ExpressionAttributeNames?.['#hwm']).toBe('hwm_2026-11-22T05:00:00.000');
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':first': '100000000000000000001'.padStart(64, '0'),
      ':last': '100000000000000000002'.padStart(64, '0'),
      ':rankKey': 'page_views#H#2026-11-22T05',
      ':windowStart': '2026-11-22T05:00Z',
      ':grain': 'hour',
      ':m0': 5,
    });
    expect(update.UpdateExpression).toMatch(/^SET #rankKey = :rankKey, #grain = :grain, /);
    expect(update.UpdateExpression).toContain('ADD #m0 :m0');
  });

  it('re-applying only the records past the mark adds only their delta', () => {
    const { changes } = minuteChangesOf([
      pageViews(1, '2026-11-22T05:06Z', 3),
      pageViews(2, '2026-11-22T05:06Z', 7, 3),
    ]);
    const [hourly] = derivedTargetsOf(changes);
    if (!hourly) throw new Error('no target');

    expect(totalsOfChanges(hourly.rollup, hourly.records.slice(1))).toEqual({ count: 4 });
  });
});
