import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { scopeLogsToBatch } from '../shared/telemetry.ts';
import { batchResponseOf, type WriteFailure } from '../shared/write-failure.ts';
import { alertInputsOf } from './alert-evaluation.ts';
import { ALERT_RULES, deviceSilentRule } from './alert-rules.ts';
import { AlertCache, type AlertStoreOptions } from './alert-store.ts';
import { type AlertReport, writeAlerts } from './alert-writer.ts';
import type { FanoutConfig } from './config.ts';
import { type MinuteChange, minuteChangesOf, streamLabelOf } from './delta.ts';
import { derivedTargetsOf } from './derived-rollups.ts';
import { type DerivedWriteReport, writeDerivedRollups } from './derived-writer.ts';
import { latestDeviceMinutes } from './device-state.ts';
import { type DeviceReport, writeDeviceStates } from './device-writer.ts';
import { logger, publishFanoutMetrics } from './telemetry.ts';

/** What the stream fan-out runs on: its settings and clients (real ones in handler.ts, fakes in tests). */
export interface FanoutDeps {
  readonly config: FanoutConfig;
  readonly dynamodb: DynamoDBDocumentClient;
  readonly sns: SNSClient;
}

/** What one batch did to each kind of target, and every write that failed, in one shape. */
interface FanoutReport {
  readonly derived: DerivedWriteReport;
  readonly alerts: AlertReport;
  readonly devices: DeviceReport;
  readonly failures: readonly WriteFailure[];
}

/**
 * Derived rollups and alerts first (independent of each other), then device state, which resolves the
 * silence alerts of devices that are back and counts those transitions in the alerts' report.
 */
const fanOut = async (
  deps: FanoutDeps,
  alertStore: AlertStoreOptions,
  streamLabel: string,
  changes: readonly MinuteChange[],
): Promise<FanoutReport> => {
  const { config, dynamodb } = deps;
  const [derived, alerts] = await Promise.all([
    writeDerivedRollups(
      {
        client: dynamodb,
        tableName: config.derivedRollupsTable,
        retentionSeconds: config.retentionSeconds,
        concurrency: config.writeConcurrency,
      },
      streamLabel,
      derivedTargetsOf(changes),
    ),
    writeAlerts(alertStore, alertInputsOf(changes, ALERT_RULES), config.writeConcurrency),
  ]);
  const devices = await writeDeviceStates(
    {
      client: dynamodb,
      tableName: config.deviceStateTable,
      concurrency: config.writeConcurrency,
      alerts: alertStore,
      silence: deviceSilentRule(config.deviceSilentMinutes),
    },
    latestDeviceMinutes(changes),
    alerts,
  );
  return { derived, alerts, devices, failures: [...derived.failed, ...alerts.failed, ...devices.failed] };
};

/** Logs each failed write, publishes the batch's counters and logs its summary. */
const reportBatch = (
  records: readonly DynamoDBRecord[],
  { changes, ignored }: { changes: readonly MinuteChange[]; ignored: number },
  { derived, alerts, devices, failures }: FanoutReport,
): void => {
  for (const failure of failures) {
    logger.error('fan-out write failed; reporting its first record for retry', {
      target: failure.subject,
      sequenceNumber: failure.firstSequenceNumber,
      error: failure.error,
    });
  }
  publishFanoutMetrics(
    {
      records: records.length,
      ignored,
      derivedItems: derived.items,
      derivedUpdates: derived.writes,
      duplicatesSkipped: derived.duplicatesSkipped + devices.stale,
      deviceUpdates: devices.updated,
      alertsOpened: alerts.opened,
      alertsResolved: alerts.resolved,
      failures: failures.length,
    },
    records,
  );
  logger.info('batch fanned out', {
    changes: changes.length,
    ignored,
    derivedItems: derived.items,
    derivedUpdates: derived.writes,
    duplicatesSkipped: derived.duplicatesSkipped,
    devices: devices.updated,
    alertsOpened: alerts.opened,
    alertsResolved: alerts.resolved,
  });
};

/**
 * Rollups stream → derived rollups (hour, day; top pages), device state and alerts. Every write is
 * idempotent (high-water marks, last-writer-wins by minute, conditional alert transitions), so a
 * re-delivered or re-cut batch changes nothing twice. Targets whose write failed report their first
 * record so Lambda retries from there.
 */
export const createFanoutHandler = (deps: FanoutDeps) => {
  const alertStore: AlertStoreOptions = {
    // Alert items this environment wrote, so the next batch need not read them again (writes stay conditional).
    cache: new AlertCache(),
    client: deps.dynamodb,
    sns: deps.sns,
    tableName: deps.config.alertStateTable,
    topicArn: deps.config.alertsTopicArn,
  };
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = event.Records;
    const first = records[0];
    if (!first) return { batchItemFailures: [] };
    const streamLabel = streamLabelOf(first.eventSourceARN);
    scopeLogsToBatch(logger, {
      stream: streamLabel,
      firstSequenceNumber: first.dynamodb?.SequenceNumber,
      lastSequenceNumber: records[records.length - 1]?.dynamodb?.SequenceNumber,
      batchSize: records.length,
    });
    const minuteChanges = minuteChangesOf(records);
    const report = await fanOut(deps, alertStore, streamLabel, minuteChanges.changes);
    reportBatch(records, minuteChanges, report);
    return batchResponseOf(report.failures);
  };
};
