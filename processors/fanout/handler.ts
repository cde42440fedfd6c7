import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { dynamodb, sns } from '../clients.ts';
import { writeOnce } from '../rollups/high-water-mark-writer.ts';
import { highWaterMarkAttribute } from '../rollups/update-expression.ts';
import { scopeLogsToBatch } from '../shared/telemetry.ts';
import { alertInputsOf } from './alert-evaluation.ts';
import { ALERT_RULES, deviceSilentRule } from './alert-rules.ts';
import { AlertCache } from './alert-store.ts';
import { writeAlerts } from './alert-writer.ts';
import { loadFanoutConfig, loadSilentCheckConfig } from './config.ts';
import { type MinuteChange, minuteChangesOf, streamLabelOf } from './delta.ts';
import {
  buildDerivedRefinement,
  buildDerivedUpdate,
  type DerivedTarget,
  derivedTargetsOf,
} from './derived-rollups.ts';
import { latestDeviceMinutes } from './device-state.ts';
import { writeDeviceStates } from './device-writer.ts';
import { checkSilence } from './silent-devices.ts';
import { logger, publishFanoutMetrics } from './telemetry.ts';

/** Alert items this environment wrote, so the next batch need not read them again (writes stay conditional). */
const alertCache = new AlertCache();

/** Loaded on first use: each of the two functions in this bundle has only its own settings. */
let fanoutConfig: ReturnType<typeof loadFanoutConfig> | undefined;
let silentCheckConfig: ReturnType<typeof loadSilentCheckConfig> | undefined;

/**
 * Rollups stream → derived rollups (hour, day; top pages), device state and alerts. Every write is
 * idempotent (high-water marks, last-writer-wins by minute, conditional alert transitions), so a
 * re-delivered or re-cut batch changes nothing twice. Targets whose write failed report their first
 * record so Lambda retries from there.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  fanoutConfig ??= loadFanoutConfig();
  const config = fanoutConfig;
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

  const { changes, ignored } = minuteChangesOf(records);
  const alertStore = {
    cache: alertCache,
    client: dynamodb,
    sns,
    tableName: config.alertStateTable,
    topicArn: config.alertsTopicArn,
  };
  const markAttribute = highWaterMarkAttribute(streamLabel);
  const [derived, alerts] = await Promise.all([
    writeOnce<DerivedTarget, MinuteChange>(
      {
        client: dynamodb,
        markAttribute,
        concurrency: config.writeConcurrency,
        update: (target, contributing) =>
          buildDerivedUpdate({
            tableName: config.derivedRollupsTable,
            streamLabel,
            target,
            records: contributing,
            expiresAt: Math.floor(target.windowStartMs / 1000) + config.retentionSeconds,
          }),
        refine: (target, contributing, stored) =>
          buildDerivedRefinement(config.derivedRollupsTable, target, contributing, stored),
      },
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

  const failures = [
    ...derived.failed.map((f) => ({
      what: `${f.target.key.pk} ${f.target.key.sk}`,
      first: f.firstSequenceNumber,
      error: f.error,
    })),
    ...alerts.failed.map((f) => ({ what: f.input.alertId, first: f.input.sequenceNumber, error: f.error })),
    ...devices.failed.map((f) => ({
      what: f.minute.deviceId,
      first: f.minute.sequenceNumber,
      error: f.error,
    })),
  ];
  for (const failure of failures) {
    logger.error('fan-out write failed; reporting its first record for retry', {
      target: failure.what,
      sequenceNumber: failure.first,
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
  const failed = [...new Set(failures.map((f) => f.first))];
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};

/** Scheduled: opens `device-silent` alerts for devices not seen for DEVICE_SILENT_MINUTES. */
export const checkSilentDevices = async (): Promise<{ silent: number; opened: number; resolved: number }> => {
  silentCheckConfig ??= loadSilentCheckConfig();
  const config = silentCheckConfig;
  const report = await checkSilence(
    {
      client: dynamodb,
      sns,
      tableName: config.alertStateTable,
      topicArn: config.alertsTopicArn,
      deviceStateTable: config.deviceStateTable,
    },
    dynamodb,
    deviceSilentRule(config.deviceSilentMinutes),
    new Date(),
  );
  publishFanoutMetrics({
    alertsOpened: report.opened,
    alertsResolved: report.resolved,
    failures: report.failed.length,
  });
  for (const failure of report.failed) {
    logger.error('silent-device check failed for a device; the next run retries it', {
      deviceId: failure.deviceId,
      error: failure.error,
    });
  }
  logger.info('silent devices checked', {
    silent: report.silent,
    opened: report.opened,
    resolved: report.resolved,
  });
  if (report.failed.length > 0) {
    throw new Error(`silent-device check failed for ${report.failed.length} device(s); see the log`);
  }
  return { silent: report.silent, opened: report.opened, resolved: report.resolved };
};
