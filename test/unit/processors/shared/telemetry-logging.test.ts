import { Logger } from '@aws-lambda-powertools/logger';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Transition } from '../../../../processors/fanout/alert-state.ts';
import { applyAlertStep } from '../../../../processors/fanout/alert-store.ts';
import { kinesisBatchKeys, scopeLogsToBatch } from '../../../../processors/shared/telemetry.ts';
import { kinesisRecord, pageView, sequence } from '../../support/kinesis-records.ts';
import { type PrintedLine, printedBy, streamRecord } from '../../support/processor-telemetry.ts';

// Under POWERTOOLS_DEV the logger would print indented JSON through the global console instead.
vi.hoisted(() => {
  Reflect.deleteProperty(process.env, 'POWERTOOLS_DEV');
});

// Every AWS call succeeds with an empty answer: these tests look only at what the handlers log.
vi.mock('../../../../processors/clients/dynamodb.ts', () => ({ dynamodb: { send: async () => ({}) } }));
vi.mock('../../../../processors/clients/s3.ts', () => ({ s3: { send: async () => ({}) } }));
vi.mock('../../../../processors/clients/sns.ts', () => ({ sns: { send: async () => ({}) } }));

const ARRIVAL_MS = Date.parse('2026-11-22T05:06:10.000Z');
const SHARD_A = 'shardId-000000000001';
const SHARD_B = 'shardId-000000000002';

const kinesisEvent = (shardId: string, from: number, to: number): KinesisStreamEvent => {
  const records = [];
  for (let n = from; n <= to; n++) {
    const event = pageView({ eventTime: '2026-11-22T05:06:07.000Z' });
    records.push(kinesisRecord(event, { shardId, sequenceNumber: sequence(n), arrivalMs: ARRIVAL_MS }));
  }
  return { Records: records };
};

const logLine = (lines: readonly PrintedLine[], message: string) => {
  const matching = lines.filter((line) => line.message === message);
  expect(matching).toHaveLength(1);
  return matching[0] as PrintedLine;
};

describe('scopeLogsToBatch', () => {
  it('puts the shard, the sequence range and the batch size on every line of the invocation', async () => {
    // Prepare
    const logger = new Logger({ serviceName: 'streamlake-test' });
    const event = kinesisEvent(SHARD_A, 1, 3);

    // Act
    const lines = await printedBy(() => {
      scopeLogsToBatch(logger, kinesisBatchKeys(event.Records));
      logger.info('first');
      logger.error('second');
    });

    // Assess
    for (const message of ['first', 'second']) {
      expect(logLine(lines, message)).toMatchObject({
        shardId: SHARD_A,
        firstSequenceNumber: sequence(1),
        lastSequenceNumber: sequence(3),
        batchSize: 3,
      });
    }
  });

  it('lets nothing of one batch leak into the next invocation, not even a key the next one leaves unknown', async () => {
    // Prepare
    const logger = new Logger({ serviceName: 'streamlake-test' });
    await printedBy(() => {
      scopeLogsToBatch(logger, {
        stream: 'label-1',
        firstSequenceNumber: '100',
        lastSequenceNumber: '199',
        batchSize: 100,
      });
      logger.appendKeys({ failedTarget: 'page_views#/home' });
    });

    // Act
    const lines = await printedBy(() => {
      scopeLogsToBatch(logger, {
        stream: 'label-1',
        firstSequenceNumber: undefined,
        lastSequenceNumber: undefined,
        batchSize: 1,
      });
      logger.info('next invocation');
    });

    // Assess
    const line = logLine(lines, 'next invocation');
    expect(line).toMatchObject({ stream: 'label-1', batchSize: 1 });
    expect(line).not.toHaveProperty('firstSequenceNumber');
    expect(line).not.toHaveProperty('lastSequenceNumber');
    expect(line).not.toHaveProperty('failedTarget');
  });
});

describe('handler logs', () => {
  beforeAll(() => {
    vi.stubEnv('ROLLUPS_TABLE', 'Rollups');
    vi.stubEnv('LAKE_BUCKET', 'lake');
    vi.stubEnv('DEDUP_TABLE', 'Dedup');
    vi.stubEnv('DERIVED_ROLLUPS_TABLE', 'DerivedRollups');
    vi.stubEnv('DEVICE_STATE_TABLE', 'DeviceState');
    vi.stubEnv('ALERT_STATE_TABLE', 'AlertState');
    vi.stubEnv('ALERTS_TOPIC_ARN', 'arn:aws:sns:eu-west-1:000000000000:alerts');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ['aggregate', '../../../../processors/aggregate/handler.ts', 'batch aggregated'],
    ['archive', '../../../../processors/archive/handler.ts', 'batch archived'],
  ])('%s: each invocation logs its own shard, sequence range and batch size', async (_, module, message) => {
    // Prepare
    const { handler } = (await import(module)) as {
      handler: (event: KinesisStreamEvent) => Promise<unknown>;
    };
    await printedBy(() => handler(kinesisEvent(SHARD_A, 1, 3)));

    // Act
    const lines = await printedBy(() => handler(kinesisEvent(SHARD_B, 7, 8)));

    // Assess
    expect(logLine(lines, message)).toMatchObject({
      shardId: SHARD_B,
      firstSequenceNumber: sequence(7),
      lastSequenceNumber: sequence(8),
      batchSize: 2,
    });
  });

  it('fan-out: each invocation logs its stream label, sequence range and batch size', async () => {
    // Prepare
    const { handler } = await import('../../../../processors/fanout/handler.ts');
    const eventOf = (from: number, to: number): DynamoDBStreamEvent => ({
      Records: Array.from({ length: to - from + 1 }, (_, i) =>
        streamRecord({ sequenceNumber: String(from + i) }),
      ),
    });
    await printedBy(() => handler(eventOf(100, 104)));

    // Act
    const lines = await printedBy(() => handler(eventOf(200, 201)));

    // Assess
    expect(logLine(lines, 'batch fanned out')).toMatchObject({
      stream: '2026-11-22T05:00:00.000',
      firstSequenceNumber: '200',
      lastSequenceNumber: '201',
      batchSize: 2,
    });
  });
});

describe('alert transition log', () => {
  const transition: Transition = {
    id: 'device-overheating#device-7#OPEN#2026-11-22T05:06Z',
    rule: 'device-overheating',
    subject: 'device-7',
    state: 'OPEN',
    severity: 'critical',
    value: 71,
    threshold: 60,
    window: '2026-11-22T05:06Z',
    openedAt: '2026-11-22T05:06Z',
    description: 'device temperature above 60 °C',
  };
  const identity = {
    alertId: 'device-overheating#device-7',
    rule: 'device-overheating',
    subject: 'device-7',
  };
  const client = { send: async () => ({}) } as unknown as DynamoDBDocumentClient;

  it('logs one structured line per transition SNS accepted, for the dashboard query on its message', async () => {
    // Prepare
    const sns = { send: async () => ({ MessageId: 'm-1' }) } as unknown as SNSClient;

    // Act
    const lines = await printedBy(() =>
      applyAlertStep({ client, sns, tableName: 'AlertState', topicArn: 'arn' }, identity, () => ({
        transition,
      })),
    );

    // Assess
    expect(logLine(lines, 'alert transition')).toMatchObject({
      level: 'INFO',
      service: 'streamlake-fanout',
      alertId: 'device-overheating#device-7',
      rule: 'device-overheating',
      subject: 'device-7',
      state: 'OPEN',
      severity: 'critical',
    });
  });

  it('logs nothing when the publish failed', async () => {
    // Prepare
    const sns = {
      send: async () => {
        throw new Error('SNS unavailable');
      },
    } as unknown as SNSClient;

    // Act
    const lines = await printedBy(() =>
      applyAlertStep({ client, sns, tableName: 'AlertState', topicArn: 'arn' }, identity, () => ({
        transition,
      })).catch(() => undefined),
    );

    // Assess
    expect(lines.filter((line) => line.message === 'alert transition')).toEqual([]);
  });
});
