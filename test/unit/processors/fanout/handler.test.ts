import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createFanoutHandler } from '../../../../processors/fanout/fanout-batch.ts';
import { FakeSNS } from '../../support/fake-sns.ts';
import { FakeDynamoDB } from '../../support/fake-table.ts';
import { FANOUT_CONFIG } from '../../support/fanout-config.ts';
import { invokePrinting, type PrintedLine, streamRecord } from '../../support/processor-telemetry.ts';
import { deviceReadingsMinute, pageViewsMinute, rollupChangeRecord } from '../../support/rollups-stream.ts';

// Before the telemetry module builds its logger and metrics: POWERTOOLS_DEV would change what they print.
vi.hoisted(() => {
  Reflect.deleteProperty(process.env, 'POWERTOOLS_DEV');
  Reflect.deleteProperty(process.env, 'POWERTOOLS_METRICS_DISABLED');
});

const MINUTE = '2026-11-22T05:06Z';
const config = FANOUT_CONFIG;

interface Faults {
  /** Fails UpdateItem on the table for the item whose key has this value (pk, deviceId or alertId). */
  readonly update?: { readonly table: string; readonly key: string };
  readonly publish?: boolean;
}

/** The fan-out on fake tables and a fake topic. */
const fanoutOnFakes = (faults: Faults = {}) => {
  const dynamodb = new FakeDynamoDB(
    { DerivedRollups: ['pk', 'sk'], DeviceState: ['deviceId'], AlertState: ['alertId'] },
    (name, input) => {
      const failing = faults.update;
      if (name !== 'UpdateCommand' || !failing || input.TableName !== failing.table) return;
      if (Object.values((input.Key ?? {}) as Record<string, unknown>)[0] === failing.key)
        throw new Error('throttled');
    },
  );
  const sns = new FakeSNS(() => {
    if (faults.publish) throw new Error('SNS unavailable');
  });
  const handler = createFanoutHandler({ config, dynamodb: dynamodb.client, sns: sns.client });
  const invoke = (records: DynamoDBRecord[]) => invokePrinting(() => handler({ Records: records }));
  return { invoke, dynamodb, sns };
};

/** A page's minute (101), a device's minute with its battery at `battery` % (102), a TTL expiry (103). */
const batch = (battery = 90) => [
  rollupChangeRecord('101', pageViewsMinute('/home', MINUTE, 1)),
  rollupChangeRecord(
    '102',
    deviceReadingsMinute('device-1', MINUTE, { temperature: 21, humidity: 40, battery }),
  ),
  streamRecord({ sequenceNumber: '103', eventName: 'REMOVE' }),
];

const messages = (lines: readonly PrintedLine[], message: string) =>
  lines.filter((line) => line.message === message);
const emfOf = (lines: readonly PrintedLine[]) =>
  lines.find((line) => '_aws' in line && 'StreamRecordsIn' in line);

describe('fan-out handler', () => {
  it('writes the derived rollups, device state and alert state of a batch and reports no failure', async () => {
    // Prepare
    const { invoke, dynamodb } = fanoutOnFakes();

    // Act
    const { result } = await invoke(batch());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const derived = dynamodb.table('DerivedRollups');
    expect(derived.get({ pk: 'page_views#/home', sk: 'H#2026-11-22T05' })).toMatchObject({ count: 1 });
    expect(derived.get({ pk: 'page_views#/home', sk: 'D#2026-11-22' })).toMatchObject({ count: 1 });
    expect(dynamodb.table('DeviceState').get({ deviceId: 'device-1' })).toMatchObject({
      lastMinute: MINUTE,
      health: 'ok',
    });
    expect(dynamodb.table('AlertState').get({ alertId: 'device-battery-low#device-1' })).toMatchObject({
      version: 1,
    });
  });

  it('answers an empty batch without a write', async () => {
    // Prepare
    const { invoke, dynamodb } = fanoutOnFakes();

    // Act
    const { result } = await invoke([]);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(dynamodb.sent).toEqual([]);
  });

  it('names the first record of a failed derived item for the retry and still writes the rest', async () => {
    // Prepare
    const { invoke, dynamodb } = fanoutOnFakes({
      update: { table: 'DerivedRollups', key: 'page_views#/home' },
    });

    // Act
    const { result } = await invoke(batch());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '101' }] });
    expect(
      dynamodb.table('DerivedRollups').get({ pk: 'device_readings#device-1', sk: 'H#2026-11-22T05' }),
    ).toMatchObject({ count: 1 });
    expect(dynamodb.table('DeviceState').get({ deviceId: 'device-1' })).toBeDefined();
  });

  it('names the record of a device whose state could not be written', async () => {
    // Prepare
    const { invoke, dynamodb } = fanoutOnFakes({ update: { table: 'DeviceState', key: 'device-1' } });

    // Act
    const { result } = await invoke(batch());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
    expect(
      dynamodb.table('DerivedRollups').get({ pk: 'page_views#/home', sk: 'D#2026-11-22' }),
    ).toBeDefined();
  });

  it('names the first record of an alert whose transition SNS refused, so the retry publishes it', async () => {
    // Prepare: a battery at 5 % opens device-battery-low.
    const { invoke, sns } = fanoutOnFakes({ publish: true });

    // Act
    const { result } = await invoke(batch(5));

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
    expect(sns.published).toEqual([]);
  });

  it('names a record once when several of its writes failed', async () => {
    // Prepare: the device's derived items and its alert both start with record 102.
    const { invoke } = fanoutOnFakes({
      update: { table: 'DerivedRollups', key: 'device_readings#device-1' },
      publish: true,
    });

    // Act
    const { result } = await invoke(batch(5));

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
  });

  it('reports each failed write in its log and the count in its metrics', async () => {
    // Prepare
    const { invoke } = fanoutOnFakes({ update: { table: 'DerivedRollups', key: 'page_views#/home' } });

    // Act
    const { lines } = await invoke(batch());

    // Assess
    expect(messages(lines, 'fan-out write failed; reporting its first record for retry')).toEqual(
      ['page_views#/home H#2026-11-22T05', 'page_views#/home D#2026-11-22'].map((target) =>
        expect.objectContaining({
          level: 'ERROR',
          target,
          sequenceNumber: '101',
          error: expect.objectContaining({ message: 'throttled' }),
        }),
      ),
    );
    expect(emfOf(lines)).toMatchObject({ StreamRecordsIn: 3, StreamRecordsIgnored: 1, FanoutFailures: 2 });
    expect(messages(lines, 'batch fanned out')).toEqual([
      expect.objectContaining({ changes: 2, ignored: 1 }),
    ]);
  });
});
